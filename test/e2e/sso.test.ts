// SSO end to end: the identity provider is configured from a file, stdin or inline JSON; ID
// tokens made here with jose sign users in (creating them the first time); every bad token is
// refused with 4 and the reason, and leaves the store and the context file as they were.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminEmail, adminPassword, cli, expectFailure, initializedCli, login, type Cli } from '../helpers/cli.js';
import { fakeIdp, idpAudience, idpIssuer, unsignedToken, type FakeIdp, type TokenOptions } from '../helpers/oidc.js';

let idp: FakeIdp;
beforeAll(async () => {
  idp = await fakeIdp();
});

async function ssoCli(): Promise<Cli> {
  const c = await initializedCli();
  const file = path.join(c.home, 'jwks.json');
  fs.writeFileSync(file, JSON.stringify(idp.jwks, null, 2));
  const r = await c.run(['sso', 'configure', '--issuer', idpIssuer, '--audience', idpAudience, '--jwks-file', file]);
  if (r.exitCode !== 0) throw new Error(`sso configure failed: ${r.stderr}`);
  expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
  return c;
}

const provision = (c: Cli, token: string, args: string[] = []) => c.run(['sso', 'provision', '--id-token-stdin', ...args], { input: `${token}\n` });

async function storeCounts(c: Cli) {
  const count = async (table: string) => (await c.sql<{ n: number }>(`select cast(count(*) as integer) as n from ${table}`))[0]!.n;
  return { users: await count('users'), sessions: await count('sessions'), roles: await count('role_assignments'), mappings: await count('sso_group_mappings') };
}

describe('sso configure and show', () => {
  it('stores the provider, shows it, and audits the change', async () => {
    const c = await ssoCli();
    const shown = await c.json(['sso', 'show']);
    expect(shown).toMatchObject({ issuer: idpIssuer, audience: idpAudience, syncRoles: false, mappings: 0, updatedBy: adminEmail, jwks: idp.jwks });
    expect(shown.keys.map((k: { kid: string; usable: boolean }) => [k.kid, k.usable])).toEqual([['key-rs256', true], ['key-es256', true], ['key-eddsa', true]]);
    const table = await c.run(['sso', 'show']);
    expect(table.stdout).toMatch(/^issuer\thttps:\/\/idp\.example\.test\/realms\/corp$/m);
    const events = (await c.json(['audit', 'list'])).items;
    expect(events.find((e: { action: string }) => e.action === 'sso.configure')).toMatchObject({ actor: adminEmail, target: 'sso', details: { changed: ['issuer', 'audience', 'jwks'] } });
  });

  it('takes the JWKS from stdin (--jwks-file -) or inline (--jwks), keeping what is not given', async () => {
    const c = await ssoCli();
    const one = { keys: [idp.jwks.keys[1]] };
    const fromStdin = await c.run(['sso', 'configure', '--jwks-file', '-', '-o', 'json'], { input: JSON.stringify(one, null, 2) });
    expect(fromStdin.exitCode).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ issuer: idpIssuer, keys: [{ kid: 'key-es256' }] });
    const inline = await c.run(['sso', 'configure', '--jwks', idp.jwksText, '--audience', 'other']);
    expect(inline.exitCode).toBe(0);
    expect(inline.stderr).toMatch(/SSO configured \(audience, jwks changed\)/);
    expect((await c.run(['sso', 'configure', '--audience', 'other'])).stderr).toMatch(/unchanged/);
  });

  it.each([
    ['an unreadable file', (home: string) => ['--jwks-file', path.join(home, 'missing.json')], 3, /cannot read JWKS file .*missing\.json: no such file/],
    ['a file that is not JSON', (home: string) => ['--jwks-file', write(home, 'bad.json', '{"keys": [')], 3, /invalid JWKS: not JSON/],
    ['a set without keys', (home: string) => ['--jwks-file', write(home, 'empty.json', '{"keys":[]}')], 3, /invalid JWKS: it has no keys/],
    ['inline private key material', () => ['--jwks', '{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c","kid":"p"}]}'], 3, /key p contains private key material/],
    ['inline JSON that is not a key set', () => ['--jwks', '[1,2]'], 3, /invalid JWKS: JSON Web Key Set malformed/],
    ['both --jwks-file and --jwks', (home: string) => ['--jwks-file', write(home, 'x.json', '{}'), '--jwks', '{}'], 2, /give --jwks-file or --jwks, not both/],
    ['no JWKS the first time', () => [], 2, /not configured yet: missing --jwks-file \(or --jwks\)/],
  ])('refuses %s and stores nothing', async (_name, jwksArgs, code, pattern) => {
    const c = await initializedCli();
    const r = await c.run(['sso', 'configure', '--issuer', idpIssuer, '--audience', idpAudience, ...jwksArgs(c.home)]);
    expectFailure(r, code, pattern);
    expect(await c.sql('select * from sso_config')).toEqual([]);
    expectFailure(await c.run(['sso', 'show']), 6, /SSO configuration not found.*iamctl sso configure/s);
  });

  it('is for super admins only (5), and needs a sign-in (4)', async () => {
    const c = await ssoCli();
    expect((await c.run(['user', 'create', '--tenant', 'acme', '--email', 'adm@acme.example', '--first-name', 'Adm', '--role', 'admin', '--password-stdin'], { input: 'Tenant-Admin-Pass1\n' })).exitCode).toBe(0);
    const admin = cli({ db: c.db });
    expect((await login(admin, 'adm@acme.example', 'Tenant-Admin-Pass1')).exitCode).toBe(0);
    for (const args of [['sso', 'configure', '--audience', 'x'], ['sso', 'show'], ['sso', 'map-group', 'g', '--role', 'viewer'], ['sso', 'unmap-group', 'g'], ['sso', 'mappings']]) {
      expectFailure(await admin.run(args), 5, /not allowed/);
    }
    expectFailure(await cli({ db: c.db }).run(['sso', 'show']), 4, /not signed in/);
  });
});

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('sso provision', () => {
  it('creates an unknown user in sso-landing as viewer, signs them in (via sso), and signs them in again later', async () => {
    const c = await ssoCli();
    const first = await provision(c, await idp.token(), ['-o', 'json']);
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      user: { email: 'ada@corp.example', firstName: 'Ada', lastName: 'Lovelace', tenant: 'sso-landing', roles: ['viewer'], status: 'active' },
      tenant: 'sso-landing',
      via: 'sso',
      created: true,
      rolesAdded: [],
    });
    expect(await c.json(['whoami'])).toMatchObject({ user: { email: 'ada@corp.example' }, tenant: 'sso-landing', via: 'sso' });
    const again = await provision(c, await idp.token({}, { alg: 'EdDSA' }));
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/signed in as ada@corp\.example via SSO; session ends/);
    expect((await c.sql<{ n: number }>("select cast(count(*) as integer) as n from users where email_lower = 'ada@corp.example'"))[0]!.n).toBe(1);
    const events = await c.sql<{ action: string; result: string }>("select action, result from audit_events where action in ('user.create', 'auth.sso-login') order by seq");
    expect(events.slice(-3)).toEqual([
      { action: 'user.create', result: 'success' },
      { action: 'auth.sso-login', result: 'success' },
      { action: 'auth.sso-login', result: 'success' },
    ]);
  });

  it('places new users by group mapping (first match by position) and lists, maps and unmaps groups', async () => {
    const c = await ssoCli();
    expect((await c.run(['tenant', 'create', 'globex', '--name', 'Globex'])).exitCode).toBe(0);
    expect((await c.run(['sso', 'map-group', 'engineering', '--role', 'editor', '--tenant', 'acme'])).exitCode).toBe(0);
    expect((await c.run(['sso', 'map-group', 'ops', '--role', 'operator', '--tenant', 'globex'])).exitCode).toBe(0);
    expect((await c.run(['tenant', 'switch', 'acme'])).exitCode).toBe(0);
    expect((await c.run(['sso', 'map-group', 'ops', '--role', 'viewer'])).exitCode).toBe(0);
    expect((await c.run(['tenant', 'switch', '--main'])).exitCode).toBe(0);
    const listed = await c.json(['sso', 'mappings']);
    expect(listed.map((m: { position: number; group: string; tenant: string; role: string }) => [m.position, m.group, m.tenant, m.role])).toEqual([
      [1, 'engineering', 'acme', 'editor'],
      [2, 'ops', 'globex', 'operator'],
      [3, 'ops', 'acme', 'viewer'],
    ]);
    expect((await c.run(['sso', 'mappings', '--columns', 'group,role'])).stdout).toBe('engineering\teditor\nops\toperator\nops\tviewer\n');
    expectFailure(await c.run(['sso', 'map-group', 'ops', '--role', 'viewer', '--tenant', 'acme']), 7, /already mapped/);
    expectFailure(await c.run(['sso', 'map-group', 'ops', '--role', 'wizard', '--tenant', 'acme']), 6, /role wizard in tenant acme not found/);
    expectFailure(await c.run(['sso', 'map-group', 'ops', '--role', 'viewer']), 3, /not the main account/);
    expectFailure(await c.run(['sso', 'map-group', 'ops', '--tenant', 'acme']), 2, /missing --role/);

    const shell = cli({ db: c.db });
    const bob = JSON.parse((await provision(shell, await idp.token({ email: 'bob@corp.example', groups: ['ops', 'engineering'] }), ['-o', 'json'])).stdout);
    expect(bob).toMatchObject({ user: { tenant: 'acme', roles: ['editor', 'viewer'] }, created: true });
    expect(bob.rolesAdded.sort()).toEqual(['editor', 'viewer']);
    const cy = JSON.parse((await provision(shell, await idp.token({ email: 'cy@corp.example', groups: ['ops'] }), ['-o', 'json'])).stdout);
    expect(cy.user).toMatchObject({ tenant: 'globex', roles: ['operator'] });

    const unmapped = await c.json(['sso', 'unmap-group', 'ops', '--tenant', 'acme']);
    expect(unmapped).toEqual({ group: 'ops', tenant: 'acme', roles: ['viewer'] });
    expectFailure(await c.run(['sso', 'unmap-group', 'ops', '--tenant', 'acme']), 6, /mapping of group ops in tenant acme not found/);
    expect((await c.json(['sso', 'mappings'])).map((m: { position: number }) => m.position)).toEqual([1, 2]);
  });

  it('re-applies mapped roles at sign-in with sso.syncRoles on', async () => {
    const c = await ssoCli();
    const shell = cli({ db: c.db });
    expect((await provision(shell, await idp.token())).exitCode).toBe(0);
    expect((await c.run(['sso', 'map-group', 'auditors', '--role', 'operator', '--tenant', 'sso-landing'])).exitCode).toBe(0);
    await c.sql("insert into tenant_settings (tenant_id, key, value, updated_at) values ('main', 'sso.syncRoles', 'true', '2026-01-01T00:00:00.000Z')");
    const synced = JSON.parse((await provision(shell, await idp.token({ groups: ['auditors'] }), ['-o', 'json'])).stdout);
    expect(synced).toMatchObject({ created: false, rolesAdded: ['operator'], user: { roles: ['operator', 'viewer'] } });
    expect((await c.json(['sso', 'show'])).syncRoles).toBe(true);
  });

  it('creates one user when the same new user signs in from several shells at once', async () => {
    const c = await ssoCli();
    const token = await idp.token({ email: 'race@corp.example' });
    const shells = [cli({ db: c.db }), cli({ db: c.db }), cli({ db: c.db })];
    const runs = await Promise.all(shells.map((shell) => provision(shell, token, ['-o', 'json'])));
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    expect(runs.map((r) => JSON.parse(r.stdout).created).sort()).toEqual([false, false, true]);
    expect((await c.sql<{ n: number }>("select cast(count(*) as integer) as n from users where email_lower = 'race@corp.example'"))[0]!.n).toBe(1);
  });

  const badTokens: [string, () => Promise<string> | string, RegExp][] = [
    ['signed by an unknown key', () => idp.token({}, { foreignKey: true }), /signature does not verify/],
    ['with a kid the JWKS does not have', () => idp.token({}, { kid: 'gone' }), /signed by a key that is not in the configured JWKS/],
    ['with alg none', () => unsignedToken({ iss: idpIssuer, aud: idpAudience, sub: 's', exp: Date.now() / 1000 + 300, email: 'ada@corp.example', email_verified: true }), /unsigned \(alg "none"\)/],
    ['expired', () => idp.token({}, { expiresIn: -3600 }), /ID token refused: it expired at/],
    ['not yet valid', () => idp.token({}, { notBefore: 3600 }), /not valid before/],
    ['from the wrong issuer', () => idp.token({}, { issuer: 'https://evil.example' }), /issuer "https:\/\/evil\.example" is not the configured/],
    ['for the wrong audience', () => idp.token({}, { audience: 'another-app' }), /audience does not include iamctl-cli/],
    ['with an unverified email', () => idp.token({ email_verified: false }), /has not verified the email/],
    ['without an email', () => idp.token({}, { omit: ['email'] } satisfies TokenOptions), /no email claim/],
    ['malformed', () => 'this-is-not-a-jwt', /not a JWT/],
    ['with a corrupted payload', async () => (await idp.token()).replace(/\.([^.]+)\./, '.e30x.'), /ID token refused/],
  ];

  it.each(badTokens)('refuses a token %s (4) and changes nothing', async (_name, make, pattern) => {
    const c = await ssoCli();
    const before = await storeCounts(c);
    const r = await provision(c, await make());
    expectFailure(r, 4, pattern);
    expect(r.stderr).toMatch(/hint: sign in at the identity provider again/);
    expect(await storeCounts(c)).toEqual(before);
    expect((await c.json(['whoami'])).user.email).toBe(adminEmail);
    const failure = (await c.sql<{ result: string; details: string }>("select result, details from audit_events where action = 'auth.sso-login'"))[0];
    expect(failure?.result).toBe('failure');
  });

  it('refuses an inactive user and a user of an inactive tenant (4), and reports -o json errors with the reason', async () => {
    const c = await ssoCli();
    expect((await c.run(['user', 'create', '--tenant', 'acme', '--email', 'ada@corp.example', '--first-name', 'Ada', '--password-stdin'], { input: 'Ada-Pass-word-1\n' })).exitCode).toBe(0);
    expect((await provision(c, await idp.token(), ['-o', 'json'])).exitCode).toBe(0);
    expect((await login(c, adminEmail, adminPassword)).exitCode).toBe(0);
    await c.sql("update users set status = 'inactive' where email_lower = 'ada@corp.example'");
    const before = await storeCounts(c);
    const inactive = await provision(c, await idp.token(), ['-o', 'json']);
    expect(inactive.exitCode).toBe(4);
    expect(JSON.parse(inactive.stderr)).toEqual({ error: { code: 'unauthenticated', message: 'SSO sign-in refused: the account ada@corp.example is inactive', hint: 'ask an administrator', details: { reason: 'user_inactive' } } });
    await c.sql("update users set status = 'active' where email_lower = 'ada@corp.example'");
    expect((await c.run(['tenant', 'deactivate', 'acme', '--yes'])).exitCode).toBe(0);
    expectFailure(await provision(c, await idp.token()), 4, /the tenant acme is inactive/);
    expect(await storeCounts(c)).toEqual(before);
  });

  it('needs a configured provider (4) and the token on stdin (2)', async () => {
    const c = await initializedCli();
    expectFailure(await provision(c, await idp.token()), 4, /SSO is not configured.*iamctl sso configure/s);
    expectFailure(await c.run(['sso', 'provision']), 2, /--id-token-stdin/);
    expectFailure(await c.run(['sso', 'provision', '--id-token-stdin']), 2, /expected a line on stdin/);
    expect((await storeCounts(c)).users).toBe(1);
  });
});

describe('start-up cost', () => {
  it('keeps jose in a chunk of its own that only the sso modules import, lazily', () => {
    const dist = path.resolve(import.meta.dirname, '../../dist');
    const files = [...fs.readdirSync(dist).map((f) => path.join(dist, f)), ...fs.readdirSync(path.join(dist, 'chunks')).map((f) => path.join(dist, 'chunks', f))].filter((f) => f.endsWith('.js'));
    const text = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
    const jose = files.filter((f) => text.get(f)!.includes('ERR_JWKS_NO_MATCHING_KEY = ') || /JWKSNoMatchingKey = class/.test(text.get(f)!));
    expect(jose).toHaveLength(1);
    const name = path.basename(jose[0]!);
    const importers = files.filter((f) => f !== jose[0] && text.get(f)!.includes(name));
    expect(importers.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^sso-/)]);
    expect(text.get(importers[0]!)).not.toMatch(new RegExp(`from\\s*"\\./${name.replace('.', '\\.')}"`));
  });
});
