// Foundation II: init, login, logout, whoami, sessions.
import fs from 'node:fs';
import path from 'node:path';
import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { adminEmail, adminPassword, cli, expectFailure, initializedCli, login } from '../helpers/cli.js';

const tenantPassword = 'Tenant-User-Pass9';

async function withTenantUser() {
  const c = await initializedCli();
  expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
  const created = await c.run(['user', 'create', '--tenant', 'acme', '--email', 'ada@acme.example', '--first-name', 'Ada', '--role', 'admin', '--password-stdin'], { input: `${tenantPassword}\n` });
  expect(created.exitCode).toBe(0);
  return c;
}

describe('init', () => {
  it('creates the store, built-in roles, sso-landing, the master key and a signed-in super admin', async () => {
    const c = await initializedCli();
    const me = await c.json(['whoami']);
    expect(me).toMatchObject({ user: { email: adminEmail, tenant: null, roles: ['super-admin'], status: 'active' }, tenant: null, via: 'session', restricted: false });
    expect(me.permissions).toContain('tenants:create');
    const tenants = await c.json(['tenant', 'list']);
    expect(tenants.map((t: { slug: string }) => t.slug)).toEqual(['sso-landing']);
    expect(fs.statSync(path.join(c.home, 'master.key')).mode & 0o777).toBe(0o600);
    const roles = await c.sql<{ tenant_id: string; id: string }>('select tenant_id, id from roles order by tenant_id, id');
    expect(roles.filter((r) => r.tenant_id === 'main').map((r) => r.id)).toEqual(['super-admin']);
    expect(roles.filter((r) => r.tenant_id !== 'main').map((r) => r.id)).toEqual(['admin', 'api-user', 'editor', 'operator', 'viewer']);
    const hash = (await c.sql<{ password_hash: string }>('select password_hash from users'))[0]?.password_hash;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(fs.readFileSync(path.join(c.home, 'context.json'), 'utf8')).not.toContain(adminPassword);
  });

  it('refuses a second init (7) and leaves the store as it was', async () => {
    const c = await initializedCli();
    const before = await c.sql('select * from users');
    const r = await c.run(['init', '--admin-email', 'other@example.com', '--admin-first-name', 'Other', '--admin-password-stdin'], { input: 'Another-Pass-123\n' });
    expectFailure(r, 7, /already initialized/);
    expect((await c.json(['audit', 'list'])).items.filter((e: { action: string }) => e.action === 'store.init')).toHaveLength(1);
    expect(await c.sql('select * from users')).toEqual(before);
  });

  it.each([
    [['--admin-email', 'not-an-email', '--admin-first-name', 'Root'], 'Good-Pass-123\n', 3, /invalid email/],
    [['--admin-email', 'a@b.example', '--admin-first-name', 'R'], 'Good-Pass-123\n', 3, /first name/],
    [['--admin-email', 'a@b.example', '--admin-first-name', 'Root'], 'weakpass\n', 3, /password too weak/],
    [['--admin-email', 'a@b.example', '--admin-first-name', 'Root'], 'Password1\n', 3, /too common/],
    [['--admin-email', 'a@b.example', '--admin-first-name', 'Root'], '', 2, /expected a line on stdin/],
  ])('refuses bad input %j', async (args, input, code, pattern) => {
    const c = cli();
    const r = await c.run(['init', ...args, '--admin-password-stdin'], { input });
    expectFailure(r, code, pattern);
    expect((await c.run(['init', '--admin-email', 'root@example.com', '--admin-first-name', 'Root', '--admin-password-stdin'], { input: `${adminPassword}\n` })).exitCode).toBe(0);
  });

  it('needs the password flag without a terminal (2)', async () => {
    expectFailure(await cli().run(['init', '--admin-email', 'a@b.example', '--admin-first-name', 'Root']), 2, /--admin-password-stdin/);
  });
});

describe('login, whoami, logout', () => {
  it('signs in, says who, and signs out', async () => {
    const c = await withTenantUser();
    expect((await c.run(['logout'])).exitCode).toBe(0);
    expectFailure(await c.run(['whoami']), 4, /not signed in.*iamctl login/s);
    const r = await login(c, 'ADA@acme.example', tenantPassword);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/signed in as ada@acme.example/);
    const me = await c.json(['whoami']);
    expect(me).toMatchObject({ user: { email: 'ada@acme.example', tenant: 'acme', roles: ['admin'] }, tenant: 'acme', via: 'session' });
    expect(me.permissions).toContain('users:create');
    expect(me.permissions).not.toContain('tenants:create');
  });

  it('answers every bad sign-in the same way (4), and audits the real reason', async () => {
    const c = await withTenantUser();
    const unknown = await login(c, 'nobody@acme.example', tenantPassword);
    const wrong = await login(c, 'ada@acme.example', 'Wrong-Password-1');
    for (const r of [unknown, wrong]) expectFailure(r, 4, /wrong email or password/);
    expect(unknown.stderr).toBe(wrong.stderr);
    await login(c, adminEmail, adminPassword);
    const events = (await c.json(['audit', 'list', '--tenant', 'acme'])).items;
    expect(events.find((e: any) => e.action === 'auth.login' && e.result === 'failure')?.details).toEqual({ reason: 'wrong_password' });
    const main = (await c.json(['audit', 'list'])).items;
    expect(main.find((e: any) => e.action === 'auth.login' && e.result === 'failure')).toMatchObject({ target: null, details: { reason: 'unknown_email' } });
    expect(JSON.stringify(main)).not.toContain('nobody@acme.example');
  });

  it('ends with an expired session (4, hint to log in)', async () => {
    const c = await initializedCli();
    await c.sql("update sessions set expires_at = '2000-01-01T00:00:00.000Z'");
    expectFailure(await c.run(['whoami']), 4, /session has expired.*hint: run `iamctl login`/s);
    expect((await c.run(['logout'])).exitCode).toBe(0);
    expectFailure(await c.run(['whoami']), 4, /not signed in/);
  });

  it('logout --all ends the sessions of the account on every machine', async () => {
    const first = await initializedCli();
    const second = cli({ db: first.db });
    expect((await login(second, adminEmail, adminPassword)).exitCode).toBe(0);
    expect((await second.run(['whoami'])).exitCode).toBe(0);
    expect((await first.run(['logout', '--all'])).exitCode).toBe(0);
    expectFailure(await second.run(['whoami']), 4, /session has ended/);
  });

  it('re-hashes a password stored with other argon2 parameters at sign-in', async () => {
    const c = await initializedCli();
    const old = await argon2.hash(adminPassword, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await c.sql('update users set password_hash = ?', [old]);
    expect((await login(c, adminEmail, adminPassword)).exitCode).toBe(0);
    const now = (await c.sql<{ password_hash: string }>('select password_hash from users'))[0]?.password_hash;
    expect(now).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('blocks sign-in and existing sessions of a deactivated tenant, and lets them back after activation', async () => {
    const c = await withTenantUser();
    const tenantShell = cli({ db: c.db });
    expect((await login(tenantShell, 'ada@acme.example', tenantPassword)).exitCode).toBe(0);
    expect((await c.run(['tenant', 'deactivate', 'acme', '--yes'])).exitCode).toBe(0);
    expectFailure(await tenantShell.run(['whoami']), 4, /tenant acme is inactive/);
    expectFailure(await login(tenantShell, 'ada@acme.example', tenantPassword), 4, /wrong email or password/);
    expect((await c.run(['tenant', 'activate', 'acme'])).exitCode).toBe(0);
    expect((await login(tenantShell, 'ada@acme.example', tenantPassword)).exitCode).toBe(0);
  });

  it('refuses malformed API keys before touching the store, and --api-key-stdin with another stdin flag', async () => {
    const c = await initializedCli();
    expectFailure(await c.run(['whoami'], { env: { IAMCTL_API_KEY: 'iak_garbage' } }), 4, /API key not accepted: malformed/);
    expectFailure(await c.run(['whoami', '--api-key-stdin'], { input: 'iak_AAAAAAAAAAAA_x\n' }), 4, /malformed/);
    expectFailure(await c.run(['login', '--api-key-stdin', '--password-stdin'], { input: 'x\ny\n' }), 2, /cannot be combined/);
  });
});
