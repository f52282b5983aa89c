// Editions (SPEC §6): edition.rbac none|basic|enterprise and edition.tenants. Refusals exit 5
// and name the setting that decides them.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, setGlobal, signedInUser } from './authz-helpers.js';

let c: Cli;
let viewer: Cli;
const acme = ['--tenant', 'acme'];

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['role', 'create', 'runner', '--grant', 'flows:operate', '--inherits', 'viewer', ...acme]);
  await ok(c, ['team', 'create', 'eng', ...acme]);
  viewer = await signedInUser(c, 'acme', 'vic@acme.example', ['viewer']);
  await ok(c, ['role', 'assign', 'vic@acme.example', 'runner', ...acme]);
});

describe('edition.rbac=basic: built-in roles only', () => {
  beforeAll(() => setGlobal(c, 'edition.rbac', 'basic'));

  it.each([
    [['role', 'create', 'other'], /role create` needs edition\.rbac=enterprise \(the basic RBAC edition has built-in roles only: edition\.rbac=basic\)/],
    [['team', 'list'], /team list` needs edition\.rbac=enterprise/],
    [['role', 'assign', 'vic@acme.example', 'runner'], /custom role runner needs edition\.rbac=enterprise/],
    [['user', 'create', '--email', 'new@acme.example', '--first-name', 'New', '--team', 'eng'], /teams needs edition\.rbac=enterprise/],
  ])('refuses %j (5)', async (args, message) => {
    const result = await c.run([...args, ...acme]);
    expectFailure(result, 5, message);
    expect(result.stderr).toMatch(/hint: a super admin can change it: iamctl settings set edition\.rbac enterprise --global/);
  });

  it('keeps built-in roles working and ignores custom ones', async () => {
    expect((await c.run(['role', 'list', ...acme])).stderr).toMatch(/custom role\(s\) grant nothing until edition\.rbac=enterprise/);
    await ok(c, ['role', 'assign', 'vic@acme.example', 'operator', ...acme]);
    expect((await viewer.run(['can-i', 'read', 'flows'])).exitCode).toBe(0);
    expect((await viewer.run(['can-i', 'read', 'connections'])).exitCode).toBe(0); // operator
    await ok(c, ['role', 'unassign', 'vic@acme.example', 'operator', ...acme]);
    expect((await viewer.run(['can-i', 'operate', 'flows'])).exitCode).toBe(8); // runner is custom
  });
});

describe('edition.rbac=none: RBAC off', () => {
  beforeAll(() => setGlobal(c, 'edition.rbac', 'none'));

  it('lets every signed-in user do everything in their tenant, nothing global', async () => {
    const yes = await viewer.run(['can-i', 'delete', 'users']);
    expect(yes).toMatchObject({ exitCode: 0, stdout: 'yes\n' });
    expect(yes.stderr).toMatch(/edition\.rbac=none/);
    expect((await viewer.run(['can-i', 'read', 'tenants'])).exitCode).toBe(8);
    expectFailure(await viewer.run(['tenant', 'list']), 5, /reserved to super admins/);
  });

  it.each([[['role', 'list']], [['role', 'assign', 'vic@acme.example', 'editor']], [['team', 'create', 'ops']]])('hides %j (5)', async (args) => {
    expectFailure(await viewer.run(args), 5, /needs edition\.rbac=(basic|enterprise) \(RBAC is off: edition\.rbac=none\)/);
  });
});

describe('edition.tenants=false: one customer account', () => {
  beforeAll(async () => {
    await setGlobal(c, 'edition.rbac', 'enterprise');
    await setGlobal(c, 'edition.tenants', false);
  });

  it.each([
    [['tenant', 'create', 'globex', '--name', 'Globex'], /a second customer account \(acme exists\) is not available: tenant management is off \(edition\.tenants=false/],
    [['tenant', 'deactivate', 'acme', '--yes'], /tenant deactivate` is not available: tenant management is off/],
  ])('refuses %j (5)', async (args, message) => {
    const result = await c.run(args);
    expectFailure(result, 5, message);
    expect(result.stderr).toMatch(/iamctl settings set edition\.tenants true --global/);
  });

  it('still lets the super admin work in the one account', async () => {
    expect((await ok(c, ['tenant', 'list'])).map((t: any) => t.slug)).toContain('acme');
    expect((await ok(c, ['role', 'list', ...acme])).length).toBeGreaterThan(0);
  });
});
