// role list | show | permissions | create | update | delete | assign | unassign, as a user runs them.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, signedInUser } from './authz-helpers.js';

let c: Cli;
const acme = ['--tenant', 'acme'];

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['tenant', 'create', 'globex', '--name', 'Globex']);
  await ok(c, ['role', 'create', 'globex-only', '--tenant', 'globex']);
  await ok(c, ['user', 'create', ...acme, '--email', 'ada@acme.example', '--first-name', 'Ada', '--role', 'viewer']);
  await ok(c, ['user', 'create', ...acme, '--email', 'solo@acme.example', '--first-name', 'Solo', '--role', 'viewer']);
});

describe('role', () => {
  it('lists built-in roles as SPEC role objects; the main account has only super-admin', async () => {
    const roles = await ok(c, ['role', 'list', ...acme]);
    expect(roles.map((r: any) => r.id)).toEqual(['admin', 'editor', 'operator', 'viewer', 'api-user']);
    expect(Object.keys(roles[0])).toEqual(expect.arrayContaining(['id', 'name', 'displayName', 'description', 'builtin', 'tenant', 'inherits', 'permissions']));
    expect(roles.find((r: any) => r.id === 'viewer')).toMatchObject({ builtin: true, tenant: 'acme', permissions: ['flows:read', 'schedules:read', 'stats:read'] });
    expect((await ok(c, ['roles', 'list'])).map((r: any) => [r.id, r.tenant])).toEqual([['super-admin', null]]);
  });

  it('prints the catalog, data on stdout and the grant syntax on stderr', async () => {
    const catalog = await ok(c, ['role', 'permissions']);
    expect(catalog).toContainEqual({ area: 'iam', entity: 'users', actions: ['create', 'read', 'update', 'delete'], superAdminOnly: false });
    expect(catalog).toContainEqual({ area: 'global', entity: 'tenants', actions: ['create', 'read', 'update', 'delete'], superAdminOnly: true });
    const table = await c.run(['role', 'permissions']);
    expect(table.stdout).toMatch(/^automation\tflows\tcreate, read, update, delete, operate\ttenant roles$/m);
    expect(table.stderr).toMatch(/area:level/);
  });

  it('creates, updates and shows a custom role: header, permissions by entity, and its holders', async () => {
    const created = await ok(c, ['role', 'create', 'flow-runner', ...acme, '--inherits', 'viewer', '--grant', 'flows:operate,schedules:operate', '--description', 'Runs flows']);
    expect(created).toMatchObject({ id: 'flow-runner', builtin: false, inherits: ['viewer'], grants: ['flows:operate', 'schedules:operate'] });
    await ok(c, ['role', 'update', 'flow-runner', ...acme, '--add-grant', 'webhooks:read', '--display-name', 'Flow Runner']);
    await ok(c, ['role', 'assign', 'ada@acme.example', 'flow-runner', ...acme]);
    const shown = await ok(c, ['role', 'show', 'flow-runner', ...acme]);
    expect(shown.permissions).toEqual(['flows:read', 'flows:operate', 'schedules:read', 'schedules:operate', 'webhooks:read', 'stats:read']);
    expect(shown.holders).toEqual([expect.objectContaining({ user: 'ada@acme.example', via: 'direct', role: 'flow-runner', assignedBy: 'root@example.com' })]);
    const table = await c.run(['role', 'show', 'flow-runner', ...acme]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^display name\tFlow Runner$/m);
    expect(table.stdout).toMatch(/^flows\tread, operate$/m);
    expect(table.stdout).toMatch(/^ada@acme\.example\tAda\tdirect\tflow-runner\t/m);
    // viewer is held by ada directly and, through flow-runner, by inheritance.
    const viewer = await ok(c, ['role', 'show', 'viewer', ...acme]);
    expect(viewer.holders.filter((h: any) => h.user === 'ada@acme.example').map((h: any) => h.role)).toEqual(['flow-runner', 'viewer']);
  });

  it('assigns and unassigns as user objects, recording the assigner', async () => {
    const user = await ok(c, ['role', 'assign', 'ada@acme.example', 'editor', ...acme]);
    expect(user).toMatchObject({ email: 'ada@acme.example', tenant: 'acme', roles: expect.arrayContaining(['editor', 'viewer']) });
    expect((await ok(c, ['role', 'unassign', 'ada@acme.example', 'editor', ...acme])).roles).not.toContain('editor');
    const events = await ok(c, ['audit', 'list', ...acme, '--limit', '5']);
    expect(events.items.map((e: any) => e.action)).toContain('role.unassign');
    expect(events.items.find((e: any) => e.action === 'role.assign')).toMatchObject({ actor: 'root@example.com', target: 'user:ada@acme.example', details: { role: 'editor' } });
  });

  it.each([
    ['an unknown entity in a grant', ['role', 'create', 'bad-grant', '--grant', 'pipelines:read'], 3, /unknown entity or area "pipelines"/],
    ['an unknown level', ['role', 'create', 'bad-level', '--grant', 'automation:boss'], 3, /unknown level "boss"/],
    ['a name clash with a built-in', ['role', 'create', 'editor'], 7, /role editor is built in/],
    ['an inheritance cycle', ['role', 'update', 'flow-runner', '--add-inherits', 'flow-runner'], 3, /inheritance cycle: flow-runner -> flow-runner/],
    ["another tenant's role", ['role', 'assign', 'ada@acme.example', 'globex-only'], 6, /role globex-only not found/],
    ["another tenant's user", ['role', 'assign', 'root@example.com', 'editor'], 6, /user root@example.com not found/],
    ['super-admin for a tenant user', ['role', 'assign', 'ada@acme.example', 'super-admin'], 3, /only for main-account users/],
    ["a user's last role", ['role', 'unassign', 'solo@acme.example', 'viewer'], 7, /it is the last role of solo@acme\.example/],
    ['editing a built-in role', ['role', 'update', 'viewer', '--description', 'x'], 7, /built in and cannot be changed/],
    ['deleting a built-in role', ['role', 'delete', 'viewer', '--yes'], 7, /built in and cannot be deleted/],
    ['an update with nothing to change', ['role', 'update', 'flow-runner'], 2, /nothing to update/],
    ['a role that does not exist', ['role', 'show', 'nope'], 6, /role nope not found/],
  ])('refuses %s', async (_what, args, code, message) => {
    const before = await ok(c, ['role', 'show', 'flow-runner', ...acme]);
    const result = await c.run([...args, ...acme]);
    expectFailure(result, code, message);
    expect(await ok(c, ['role', 'show', 'flow-runner', ...acme])).toEqual(before);
  });

  it('names the whole cycle when it spans several roles', async () => {
    await ok(c, ['role', 'create', 'cycle-a', ...acme]);
    await ok(c, ['role', 'create', 'cycle-b', ...acme, '--inherits', 'cycle-a']);
    await ok(c, ['role', 'create', 'cycle-c', ...acme, '--inherits', 'cycle-b']);
    expectFailure(await c.run(['role', 'update', 'cycle-a', '--inherits', 'cycle-c', ...acme]), 3, /inheritance cycle: cycle-a -> cycle-c -> cycle-b -> cycle-a/);
  });

  it('deletes a role in use only with --force (and --yes off a terminal), removing its assignments', async () => {
    await ok(c, ['role', 'create', 'doomed', ...acme]);
    await ok(c, ['role', 'assign', 'ada@acme.example', 'doomed', ...acme]);
    expectFailure(await c.run(['role', 'delete', 'doomed', ...acme]), 2, /needs confirmation: pass --yes/);
    expectFailure(await c.run(['role', 'delete', 'doomed', '--yes', ...acme]), 7, /still in use: held by 1 user/);
    const deleted = await ok(c, ['role', 'delete', 'doomed', '--force', '--yes', ...acme]);
    expect(deleted).toMatchObject({ name: 'doomed', users: 1, defaulted: 0 });
    expect((await ok(c, ['role', 'list', ...acme])).map((r: any) => r.id)).not.toContain('doomed');
  });

  it('is guarded: a viewer cannot read roles, a custom IAM viewer can, nobody hands out what they lack', async () => {
    await ok(c, ['role', 'create', 'iam-reader', ...acme, '--grant', 'iam:viewer', '--inherits', 'viewer']);
    await ok(c, ['role', 'create', 'role-admin', ...acme, '--grant', 'roles:*', '--grant', 'users:read', '--inherits', 'viewer']);
    const viewer = await signedInUser(c, 'acme', 'vic@acme.example', ['viewer']);
    expectFailure(await viewer.run(['role', 'list']), 5, /none of your roles grants roles:read/);
    expectFailure(await viewer.run(['role', 'create', 'mine']), 5, /roles:create/);
    expect((await viewer.run(['role', 'permissions'])).exitCode).toBe(0);
    const reader = await signedInUser(c, 'acme', 'ira@acme.example', ['iam-reader']);
    expect((await ok(reader, ['role', 'list'])).length).toBeGreaterThan(5);
    expectFailure(await reader.run(['role', 'assign', 'ada@acme.example', 'editor']), 5, /roles:update/);
    const roleAdmin = await signedInUser(c, 'acme', 'ram@acme.example', ['role-admin']);
    expectFailure(await roleAdmin.run(['role', 'assign', 'ram@acme.example', 'admin']), 5, /cannot assign admin: it grants \S+, which you do not hold/);
    expectFailure(await roleAdmin.run(['role', 'list', '--tenant', 'globex']), 6, /tenant globex not found/);
  });
});
