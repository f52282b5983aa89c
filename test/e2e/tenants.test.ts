// Foundation II: tenants and the acting tenant.
import { describe, expect, it } from 'vitest';
import { adminEmail, adminPassword, cli, expectFailure, initializedCli, login } from '../helpers/cli.js';

const pw = 'Tenant-User-Pass9';

async function setup() {
  const c = await initializedCli();
  for (const slug of ['acme', 'globex']) expect((await c.run(['tenant', 'create', slug, '--name', slug.toUpperCase()])).exitCode).toBe(0);
  for (const [email, role, tenant] of [['ada@acme.example', 'admin', 'acme'], ['vic@acme.example', 'viewer', 'acme']]) {
    const r = await c.run(['user', 'create', '--tenant', tenant!, '--email', email!, '--first-name', 'Someone', '--role', role!, '--password-stdin'], { input: `${pw}\n` });
    expect(r.exitCode).toBe(0);
  }
  return c;
}

/** A second shell on the same store, signed in as a tenant user. */
async function as(c: Awaited<ReturnType<typeof setup>>, email: string) {
  const other = cli({ db: c.db });
  expect((await login(other, email, pw)).exitCode).toBe(0);
  return other;
}

describe('tenant commands', () => {
  it('creates, lists, shows and updates tenants in the shapes of SPEC §10', async () => {
    const c = await setup();
    const created = await c.json(['tenant', 'create', 'initech', '--name', 'Initech', '--email', 'ops@initech.example', '--color', '#A1B2C3']);
    expect(created).toMatchObject({ slug: 'initech', name: 'Initech', email: 'ops@initech.example', color: '#a1b2c3', status: 'active', createdAt: expect.any(String) });
    expect((await c.json(['tenant', 'list'])).map((t: any) => t.slug)).toEqual(['acme', 'globex', 'initech', 'sso-landing']);
    expect(await c.json(['tenant', 'show', 'initech'])).toEqual(created);
    const updated = await c.json(['tenant', 'update', 'initech', '--name', 'Initech Inc', '--color', '']);
    expect(updated).toMatchObject({ name: 'Initech Inc', color: null, email: 'ops@initech.example' });
    const plain = await c.run(['tenant', 'list', '--columns', 'slug,status']);
    expect(plain.stdout).toBe('acme\tactive\nglobex\tactive\ninitech\tactive\nsso-landing\tactive\n');
    const csv = await c.run(['tenant', 'list', '-o', 'csv', '--columns', 'slug,name']);
    expect(csv.stdout.split('\n')[0]).toBe('slug,name');
    const yaml = await c.run(['tenant', 'show', 'acme', '-o', 'yaml']);
    expect(yaml.exitCode).toBe(0);
    expect(yaml.stdout).toMatch(/^id: .*\nslug: acme\n/);
  });

  it('deactivates and activates with confirmation; lists by status', async () => {
    const c = await setup();
    expectFailure(await c.run(['tenant', 'deactivate', 'globex']), 2, /needs confirmation: pass --yes/);
    expect((await c.json(['tenant', 'show', 'globex'])).status).toBe('active');
    expect((await c.json(['tenant', 'deactivate', 'globex', '--yes'])).status).toBe('inactive');
    expect((await c.json(['tenant', 'list'])).map((t: any) => t.slug)).not.toContain('globex');
    expect((await c.json(['tenant', 'list', '--status', 'inactive'])).map((t: any) => t.slug)).toEqual(['globex']);
    expectFailure(await c.run(['tenant', 'deactivate', 'globex', '--yes']), 7, /already inactive/);
    expectFailure(await c.run(['tenant', 'switch', 'globex']), 7, /inactive/);
    expect((await c.json(['tenant', 'activate', 'globex'])).status).toBe('active');
    expectFailure(await c.run(['tenant', 'deactivate', 'sso-landing', '--yes']), 7, /built in/);
  });

  it.each([
    [['tenant', 'create', 'Acme2', '--name', 'X'], 3, /invalid tenant slug/],
    [['tenant', 'create', 'has space', '--name', 'X'], 3, /invalid tenant slug/],
    [['tenant', 'create', 'a'.repeat(64), '--name', 'X'], 3, /invalid tenant slug/],
    [['tenant', 'create', '-lead', '--name', 'X'], 2, /unknown option/],
    [['tenant', 'create', 'x', '--name', 'X'], 3, /invalid tenant slug/],
    [['tenant', 'create', 'acme', '--name', 'Dup'], 7, /already exists/],
    [['tenant', 'create', 'okslug', '--name', 'X', '--color', 'red'], 3, /#RRGGBB/],
    [['tenant', 'create', 'okslug', '--name', 'X', '--color', '#12345'], 3, /#RRGGBB/],
    [['tenant', 'create', 'okslug', '--name', 'X', '--email', 'nope'], 3, /invalid email/],
    [['tenant', 'create', 'okslug'], 2, /--name/],
    [['tenant', 'update', 'acme'], 2, /nothing to update/],
    [['tenant', 'show', 'nope'], 6, /tenant nope not found/],
    [['tenant', 'switch', 'nope'], 6, /not found/],
    [['tenant', 'switch'], 2, /missing tenant slug/],
    [['tenant', 'switch', 'acme', '--main'], 2, /not both/],
  ])('refuses %j with %i and changes nothing', async (args, code, pattern) => {
    const c = await setup();
    const before = await c.json(['tenant', 'list', '--status', 'all']);
    expectFailure(await c.run(args), code, pattern);
    expect(await c.json(['tenant', 'list', '--status', 'all'])).toEqual(before);
  });

  it('lets only super admins create, list, switch and (de)activate tenants (5)', async () => {
    const c = await setup();
    const ada = await as(c, 'ada@acme.example');
    for (const args of [
      ['tenant', 'create', 'mine', '--name', 'Mine'],
      ['tenant', 'list'],
      ['tenant', 'switch', 'acme'],
      ['switch-tenant', 'acme'],
      ['tenant', 'deactivate', 'acme', '--yes'],
      ['tenant', 'default', 'acme'],
      ['env'],
      ['audit', 'verify'],
    ]) {
      expectFailure(await ada.run(args), 5, /not allowed/);
    }
    expect((await c.json(['tenant', 'list', '--status', 'all'])).map((t: any) => t.slug)).toEqual(['acme', 'globex', 'sso-landing']);
  });

  it("lets a tenant's admin see and update only their own tenant; other tenants look missing (6)", async () => {
    const c = await setup();
    const ada = await as(c, 'ada@acme.example');
    expect((await ada.json(['tenant', 'show', 'acme'])).slug).toBe('acme');
    expect((await ada.json(['tenant', 'update', 'acme', '--name', 'Acme Renamed'])).name).toBe('Acme Renamed');
    expectFailure(await ada.run(['tenant', 'show', 'globex']), 6, /tenant globex not found/);
    expectFailure(await ada.run(['tenant', 'update', 'globex', '--name', 'Hijack']), 6, /not found/);
    expectFailure(await ada.run(['whoami', '--tenant', 'globex']), 6, /tenant globex not found/);
    expectFailure(await ada.run(['whoami'], { env: { IAMCTL_TENANT: 'globex' } }), 6, /not found/);
    expect((await c.json(['tenant', 'show', 'globex'])).name).toBe('GLOBEX');
    const vic = await as(c, 'vic@acme.example');
    expectFailure(await vic.run(['tenant', 'update', 'acme', '--name', 'Nope']), 5, /tenant-settings:update/);
  });
});

describe('the acting tenant', () => {
  it('follows --tenant > IAMCTL_TENANT > tenant switch > main account, and switching back', async () => {
    const c = await setup();
    expect(await c.json(['tenant', 'current'])).toMatchObject({ tenant: null, source: 'main' });
    expect((await c.run(['tenant', 'switch', 'acme'])).exitCode).toBe(0);
    expect(await c.json(['tenant', 'current'])).toMatchObject({ tenant: 'acme', source: 'context' });
    expect(await c.json(['tenant', 'current'], { env: { IAMCTL_TENANT: 'globex' } })).toMatchObject({ tenant: 'globex', source: 'env' });
    expect(await c.json(['tenant', 'current', '--tenant', 'globex'], { env: { IAMCTL_TENANT: 'acme' } })).toMatchObject({ tenant: 'globex', source: 'flag' });
    // --tenant is for one command only: never written to the context file.
    expect(await c.json(['tenant', 'current'])).toMatchObject({ tenant: 'acme', source: 'context' });
    // A super admin keeps super-admin permissions after switching.
    expect((await c.json(['whoami'])).permissions).toContain('tenants:create');
    expect((await c.json(['switch-tenant', '--main'])).tenant).toBeNull();
    expect(await c.json(['tenant', 'current'])).toMatchObject({ tenant: null, source: 'main' });
  });

  it('applies the default tenant at login, and --clear removes it', async () => {
    const c = await setup();
    expect((await c.json(['tenant', 'default'])).tenant).toBeNull();
    expect((await c.json(['tenant', 'default', 'globex'])).tenant).toBe('globex');
    expect((await login(c, adminEmail, adminPassword)).exitCode).toBe(0);
    expect((await c.json(['tenant', 'current'])).tenant).toBe('globex');
    expect((await c.json(['tenant', 'default', '--clear'])).tenant).toBeNull();
    expect((await login(c, adminEmail, adminPassword)).exitCode).toBe(0);
    expect((await c.json(['tenant', 'current'])).tenant).toBeNull();
    expectFailure(await c.run(['tenant', 'default', 'nope']), 6, /not found/);
  });

  it("a tenant user's own tenant is their acting tenant", async () => {
    const c = await setup();
    const vic = await as(c, 'vic@acme.example');
    expect(await vic.json(['tenant', 'current'])).toMatchObject({ tenant: 'acme', source: 'own' });
    expect(await c.sql("select cast(count(*) as integer) as n from audit_events where action = 'tenant.create'")).toEqual([{ n: 2 }]);
  });
});
