// security.mfaRequiredForAdmins, `user mfa-reset`, API keys beside MFA, and what the mfa
// commands load, through the built CLI.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/auth/api-keys.js';
import { binPath, expectFailure, login } from '../helpers/cli.js';
import { codeAt } from '../helpers/mfa.js';
import { password, world, type World } from './helpers-lifecycle.js';
import { createUser, enrol, keyedStranger, masterKeyEnv, mfaEnabled, signedIn } from './mfa-helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
  // The policy is on for globex only (a tenant value), so acme shows it is off by default.
  await w.sql(
    "insert into tenant_settings (tenant_id, key, value, updated_at, updated_by) values ((select id from tenants where slug = 'globex'), 'security.mfaRequiredForAdmins', 'true', '2026-01-01T00:00:00.000Z', null)",
  );
  await createUser(w, 'boss@globex.example', 'globex', 'admin');
  await createUser(w, 'staff@globex.example', 'globex', 'viewer');
});

describe('security.mfaRequiredForAdmins', () => {
  it('an admin without a factor gets a restricted session: whoami says so, logout works', async () => {
    const c = keyedStranger(w);
    const r = await c.run(['login', '--email', 'boss@globex.example', '--password-stdin', '-o', 'json'], { input: `${password}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ restricted: true });
    expect(r.stderr).toMatch(/restricted until you enrol a second factor.*mfa enroll/);
    expect(await c.json(['whoami'])).toMatchObject({ restricted: true, user: { email: 'boss@globex.example', mfaEnabled: false } });
    expect((await c.run(['logout'])).exitCode).toBe(0);
    expectFailure(await c.run(['whoami']), 4, /not signed in/);
  });

  const refused: [string, string[], string?][] = [
    ['tenant current', ['tenant', 'current']],
    ['session list', ['session', 'list']],
    ['user create', ['user', 'create', '--email', 'x@globex.example', '--first-name', 'Xavier', '--invite']],
    ['password change', ['password', 'change', '--password-stdin'], `${password}\nAnother-Pass-123\n`],
    ['mfa recovery-codes', ['mfa', 'recovery-codes']],
    ['mfa disable', ['mfa', 'disable', '--code-stdin'], '123456\n'],
    ['user mfa-reset', ['user', 'mfa-reset', 'staff@globex.example', '--yes']],
    ['audit list', ['audit', 'list']],
  ];
  it.each(refused)('a restricted session may not run `%s` (5, with the way out)', async (_label, args, input) => {
    const c = await signedIn(w, 'boss@globex.example');
    expectFailure(await c.run(args, input === undefined ? {} : { input }), 5, /restricted until you enrol a second factor.*hint: run `iamctl mfa enroll`/s);
    expect(await w.sql("select * from users where email_lower = 'x@globex.example'")).toEqual([]);
  });

  it('enrolling and confirming lifts the restriction of that session; later sign-ins need the code', async () => {
    const email = 'lead@globex.example';
    await createUser(w, email, 'globex', 'admin');
    const c = await signedIn(w, email);
    const { secret } = await c.json(['mfa', 'enroll']);
    const r = await c.run(['mfa', 'confirm', '--code-stdin'], { input: `${codeAt(secret)}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no longer restricted/);
    expect(await c.json(['whoami'])).toMatchObject({ restricted: false, user: { mfaEnabled: true } });
    expect((await c.run(['session', 'list'])).exitCode).toBe(0);
    expectFailure(await login(keyedStranger(w), email, password), 2, /--code-stdin/);
  });

  it.each([
    ['a viewer of the tenant with the policy', 'staff@globex.example'],
    ['an admin of a tenant without it', 'admin@acme.example'],
  ])('does not restrict %s', async (_label, email) => {
    const c = await signedIn(w, email);
    expect((await c.json(['whoami'])).restricted).toBe(false);
  });

  it('leaves API keys alone: the admin key works in full; a key cannot manage the factor (5)', async () => {
    const key = generateKey();
    await w.sql(
      "insert into api_keys (id, tenant_id, user_id, name, secret_hash, hint, created_at) select ?, tenant_id, id, 'ci', ?, ?, '2026-01-01T00:00:00.000Z' from users where email_lower = 'boss@globex.example'",
      key.id, key.secretHash, key.hint,
    );
    const c = keyedStranger(w);
    const env = { IAMCTL_API_KEY: key.key };
    expect(await c.json(['whoami'], { env })).toMatchObject({ via: 'apiKey', restricted: false });
    expect((await c.run(['session', 'list'], { env })).exitCode).toBe(0);
    expectFailure(await c.run(['mfa', 'enroll'], { env }), 5, /API key/);
  });
});

describe('user mfa-reset', () => {
  const email = 'pat@acme.example';
  let patShell: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    await createUser(w, email, 'acme');
    patShell = await signedIn(w, email);
    await enrol(w, patShell, email);
  });

  it.each([
    ['a viewer', 'viewer', [email, '--yes'], 5, /users:update/],
    ['the admin on themself', 'acmeAdmin', ['admin@acme.example'], 7, /your own second factor/],
    ["another tenant's user", 'acmeAdmin', ['admin@globex.example', '--yes'], 6, /not found/],
    ['an unknown user', 'acmeAdmin', ['ghost@acme.example', '--yes'], 6, /not found/],
    ['a user without a factor (before asking for --yes)', 'acmeAdmin', ['viewer@acme.example'], 7, /no second factor/],
    ['no --yes off a terminal', 'acmeAdmin', [email], 2, /--yes/],
    ['no user', 'acmeAdmin', [], 2, undefined],
  ] as const)('refuses %s, changing nothing', async (_label, who, args, code, pattern) => {
    expectFailure(await w[who].run(['user', 'mfa-reset', ...args]), code, pattern);
    expect(await mfaEnabled(w, email)).toBe(1);
    expect((await patShell.run(['whoami'])).exitCode).toBe(0);
  });

  it('clears the factor, ends every session of the user, is audited; the password alone signs in again', async () => {
    const r = await w.acmeAdmin.run(['user', 'mfa-reset', email, '--yes', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ email, mfaEnabled: false });
    expect(r.stderr).toMatch(/ended 1 session/);
    expectFailure(await patShell.run(['whoami']), 4, /session has ended/);
    expect(await w.sql("select * from mfa_factors where user_id = (select id from users where email_lower = 'pat@acme.example')")).toEqual([]);
    const events = (await w.acmeAdmin.json(['audit', 'list', '--limit', '10'])).items;
    expect(events.find((e: { action: string }) => e.action === 'user.mfa-reset')).toMatchObject({ target: `user:${email}`, actor: 'admin@acme.example' });
    expect((await login(keyedStranger(w), email, password)).exitCode).toBe(0);
  });
});

describe('lazy loading', () => {
  const recorder = path.resolve(import.meta.dirname, '../helpers/record-modules.mjs');
  /** The bundled packages (node_modules/<name>/) inside the modules a command loaded. */
  async function packagesLoadedBy(c: { home: string; env: Record<string, string> }, args: string[]): Promise<Set<string>> {
    const log = path.join(c.home, `modules-${Math.random().toString(36).slice(2)}.log`);
    const result = await execa(process.execPath, ['--import', recorder, binPath, ...args], { reject: false, env: { ...c.env, IAMCTL_TEST_MODULE_LOG: log } });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const urls = fs.readFileSync(log, 'utf8').trim().split('\n').filter((u) => u.startsWith('file:') && u.includes('/dist/'));
    const found = new Set<string>();
    for (const url of urls) {
      for (const name of ['qrcode', 'otpauth']) if (fs.readFileSync(fileURLToPath(url), 'utf8').includes(`node_modules/${name}/`)) found.add(name);
    }
    return found;
  }

  it('otpauth and qrcode load only for the commands that use them', async () => {
    await createUser(w, 'lazy@acme.example', 'acme');
    const c = await signedIn(w, 'lazy@acme.example');
    Object.assign(c.env, masterKeyEnv(w));
    expect(await packagesLoadedBy(c, ['--version'])).toEqual(new Set());
    expect(await packagesLoadedBy(c, ['whoami'])).toEqual(new Set());
    expect(await packagesLoadedBy(c, ['mfa', 'enroll', '-o', 'json'])).toEqual(new Set(['otpauth']));
    expect(await packagesLoadedBy(c, ['mfa', 'enroll', '--force'])).toEqual(new Set(['otpauth', 'qrcode']));
  });
});
