// Custom roles and role assignments on a real store (both dialects).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAccess } from '../../src/auth/access.js';
import { assignRole, unassignRole } from '../../src/core/role-assignments.js';
import { createRole, deleteRole, listRoles, showRole, updateRole } from '../../src/core/roles.js';
import { grantTeamRole, addTeamMember, createTeam } from '../../src/core/teams.js';
import { fixture, type Fixture } from '../helpers/fixture.js';
import { principalWith, setGlobalSetting } from '../helpers/principals.js';
import { dialects } from '../helpers/store.js';

const lastAudit = async (f: Fixture) =>
  f.store.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();

describe.each(dialects)('roles on %s', (dialect) => {
  describe('refusals', () => {
    let shared: Fixture;
    let before: Record<string, number>;
    beforeAll(async () => {
      shared = await fixture(dialect);
      await createRole(shared.deps, shared.root, shared.acme, { name: 'taken' });
      before = await shared.snapshot();
    });
    afterAll(async () => shared?.cleanup());

    it.each([
      ['an invalid name', { name: 'Flow Runner' }, 'validation', /invalid role name/],
      ['a built-in name', { name: 'editor' }, 'conflict', /role editor is built in/],
      ['super-admin', { name: 'super-admin' }, 'conflict', /built in/],
      ['an unknown entity', { name: 'x-role', grants: ['pipelines:read'] }, 'validation', /unknown entity or area "pipelines"/],
      ['an unknown action', { name: 'x-role', grants: ['flows:fly'] }, 'validation', /unknown action "fly"/],
      ['an unknown level', { name: 'x-role', grants: ['iam:operator'] }, 'validation', /no operator level/],
      ['a super-admin permission', { name: 'x-role', grants: ['tenants:read'] }, 'validation', /reserved to super admins/],
      ['an unknown parent', { name: 'x-role', inherits: ['nobody'] }, 'not_found', /role nobody not found/],
      ['itself as parent', { name: 'x-role', inherits: ['x-role'] }, 'validation', /inheritance cycle: x-role -> x-role/],
      ['a name taken by a custom role', { name: 'taken' }, 'conflict', /role taken already exists/],
    ])('refuses %s, changing nothing', async (_what, input, code, message) => {
      await expect(createRole(shared.deps, shared.root, shared.acme, input)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await shared.snapshot()).toEqual(before);
    });
  });

  describe('changes', () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await fixture(dialect);
    });
    afterEach(async () => f?.cleanup());

    it('lists the built-in roles of a tenant (no super-admin) and of the main account (only super-admin)', async () => {
      expect((await listRoles(f.deps, f.acme)).map((r) => r.id)).toEqual(['admin', 'editor', 'operator', 'viewer', 'api-user']);
      expect((await listRoles(f.deps, 'main')).map((r) => [r.id, r.tenant])).toEqual([['super-admin', null]]);
    });

    it('creates a custom role whose permissions include what it inherits, audited', async () => {
      const role = await createRole(f.deps, f.root, f.acme, { name: 'flow-runner', inherits: ['viewer'], grants: ['flows:operate', 'automation:viewer'] });
      expect(role).toMatchObject({
        id: 'flow-runner', name: 'flow-runner', displayName: 'Flow Runner', description: '', builtin: false, tenant: 'acme',
        inherits: ['viewer'], grants: ['automation:viewer', 'flows:operate'],
        permissions: ['flows:read', 'flows:operate', 'schedules:read', 'listeners:read', 'webhooks:read', 'stats:read'],
      });
      expect(await lastAudit(f)).toMatchObject({ action: 'role.create', target: 'role:flow-runner', tenant_id: f.acme, actor_id: f.root.userId });
      // Roles are per tenant: the same name is free in another tenant.
      await createRole(f.deps, f.root, f.globex, { name: 'flow-runner' });
    });

    it('keeps custom roles out of the main account', async () => {
      await expect(createRole(f.deps, f.root, 'main', { name: 'x-role' })).rejects.toMatchObject({ code: 'validation', message: /belong to tenants/ });
    });

    it('updates grants, inheritance and names; refuses built-ins, cycles and removing what is not there', async () => {
      await createRole(f.deps, f.root, f.acme, { name: 'aa', grants: ['flows:read'] });
      await createRole(f.deps, f.root, f.acme, { name: 'bb', inherits: ['aa'] });
      await createRole(f.deps, f.root, f.acme, { name: 'cc', inherits: ['bb'] });
      const updated = await updateRole(f.deps, f.root, f.acme, 'aa', { addGrants: ['flows:operate'], removeGrants: ['flows:read'], displayName: 'A A', addInherits: ['viewer'] });
      expect(updated).toMatchObject({ grants: ['flows:operate'], inherits: ['viewer'], displayName: 'A A' });
      expect((await showRole(f.deps, f.acme, 'cc')).permissions).toEqual(['flows:read', 'flows:operate', 'schedules:read', 'stats:read']);
      const before = await f.snapshot();
      await expect(updateRole(f.deps, f.root, f.acme, 'aa', { addInherits: ['cc'] })).rejects.toMatchObject({
        code: 'validation',
        message: 'inheritance cycle: aa -> cc -> bb -> aa',
      });
      await expect(updateRole(f.deps, f.root, f.acme, 'viewer', { description: 'mine' })).rejects.toMatchObject({ code: 'conflict', message: /built in/ });
      await expect(updateRole(f.deps, f.root, f.acme, 'aa', { removeGrants: ['users:read'] })).rejects.toMatchObject({ code: 'validation', message: /has no grant users:read/ });
      await expect(updateRole(f.deps, f.root, f.acme, 'nope', { description: 'x' })).rejects.toMatchObject({ code: 'not_found' });
      await expect(updateRole(f.deps, f.root, f.globex, 'aa', { description: 'x' })).rejects.toMatchObject({ code: 'not_found' });
      // A change to nothing is not an event.
      await updateRole(f.deps, f.root, f.acme, 'aa', { displayName: 'A A' });
      expect(await f.snapshot()).toEqual(before);
    });

    it('refuses custom roles below edition.rbac=enterprise, naming the setting', async () => {
      const basic = principalWith(['super-admin'], { edition: 'basic' });
      await expect(createRole(f.deps, basic, f.acme, { name: 'x-role' })).rejects.toMatchObject({ code: 'forbidden', message: /edition\.rbac=enterprise/ });
    });

    it('shows who holds a role: directly, through a team, and through a role that inherits it', async () => {
      await createRole(f.deps, f.root, f.acme, { name: 'runner', inherits: ['viewer'] });
      const ada = await f.user(f.acme, 'ada@acme.example', ['viewer']);
      await f.user(f.acme, 'bob@acme.example', ['runner']);
      await f.user(f.acme, 'cy@acme.example', ['editor']);
      await createTeam(f.deps, f.root, f.acme, 'ops');
      await grantTeamRole(f.deps, f.root, f.acme, 'ops', 'viewer');
      await addTeamMember(f.deps, f.root, f.acme, 'ops', 'cy@acme.example');
      const shown = await showRole(f.deps, f.acme, 'viewer');
      expect(shown.holders.map((h) => [h.user, h.via, h.role])).toEqual([
        ['ada@acme.example', 'direct', 'viewer'],
        ['bob@acme.example', 'direct', 'runner'],
        ['cy@acme.example', 'team:ops', 'viewer'],
      ]);
      expect(shown.holders[0]).toMatchObject({ userId: ada.id, assignedBy: 'root@example.com', name: 'Test' });
    });

    it('deletes an unused role; a role in use needs force, which removes every link in one transaction', async () => {
      await createRole(f.deps, f.root, f.acme, { name: 'unused' });
      expect(await deleteRole(f.deps, f.root, f.acme, 'unused', { force: false })).toMatchObject({ users: 0, teams: [], inheritedBy: [] });
      await createRole(f.deps, f.root, f.acme, { name: 'runner', grants: ['flows:operate'] });
      await createRole(f.deps, f.root, f.acme, { name: 'child', inherits: ['runner'] });
      const only = await f.user(f.acme, 'only@acme.example', ['runner']);
      const both = await f.user(f.acme, 'both@acme.example', ['runner', 'editor']);
      await createTeam(f.deps, f.root, f.acme, 'ops');
      await grantTeamRole(f.deps, f.root, f.acme, 'ops', 'runner');
      const before = await f.snapshot();
      await expect(deleteRole(f.deps, f.root, f.acme, 'runner', { force: false })).rejects.toMatchObject({
        code: 'conflict',
        message: 'role runner is still in use: held by 2 user(s); granted to team(s) ops; inherited by child',
      });
      expect(await f.snapshot()).toEqual(before);
      const deleted = await deleteRole(f.deps, f.root, f.acme, 'runner', { force: true });
      expect(deleted).toMatchObject({ users: 2, teams: ['ops'], inheritedBy: ['child'], defaulted: 1, defaultRole: 'viewer' });
      const roles = await f.store.db.selectFrom('role_assignments').select(['user_id', 'role_id']).where('tenant_id', '=', f.acme).orderBy('role_id').execute();
      expect(roles.filter((r) => r.user_id === only.id).map((r) => r.role_id)).toEqual(['viewer']);
      expect(roles.filter((r) => r.user_id === both.id).map((r) => r.role_id)).toEqual(['editor']);
      expect(await f.store.db.selectFrom('team_roles').selectAll().execute()).toEqual([]);
      expect((await showRole(f.deps, f.acme, 'child')).inherits).toEqual([]);
      expect(await lastAudit(f)).toMatchObject({ action: 'role.delete', target: 'role:runner' });
    });

    it('refuses to delete built-in roles and the default role of new users', async () => {
      await expect(deleteRole(f.deps, f.root, f.acme, 'viewer', { force: true })).rejects.toMatchObject({ code: 'conflict', message: /built in/ });
      await createRole(f.deps, f.root, f.acme, { name: 'starter' });
      await setGlobalSetting(f.store.db, 'users.defaultRole', 'starter');
      await expect(deleteRole(f.deps, f.root, f.acme, 'starter', { force: true })).rejects.toMatchObject({ code: 'conflict', message: /users\.defaultRole/ });
    });
  });
});

describe.each(dialects)('role assignments on %s', (dialect) => {
  describe('refusals', () => {
    let shared: Fixture;
    let before: Record<string, number>;
    beforeAll(async () => {
      shared = await fixture(dialect);
      await shared.user(shared.acme, 'ada@acme.example', ['viewer']);
      await shared.user(shared.globex, 'gus@globex.example', ['viewer']);
      await createRole(shared.deps, shared.root, shared.globex, { name: 'globex-only' });
      before = await shared.snapshot();
    });
    afterAll(async () => shared?.cleanup());

    it.each([
      ['a role already held', 'ada@acme.example', 'viewer', 'conflict', /already holds role viewer/],
      ["another tenant's role", 'ada@acme.example', 'globex-only', 'not_found', /role globex-only not found/],
      ['an unknown role', 'ada@acme.example', 'nobody', 'not_found', /role nobody not found/],
      ['super-admin to a tenant user', 'ada@acme.example', 'super-admin', 'validation', /only for main-account users/],
      ["another tenant's user", 'gus@globex.example', 'editor', 'not_found', /user gus@globex.example not found/],
    ])('refuses to assign %s, changing nothing', async (_what, userRef, role, code, message) => {
      await expect(assignRole(shared.deps, shared.root, shared.acme, userRef, role)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await shared.snapshot()).toEqual(before);
    });
  });

  describe('changes', () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await fixture(dialect);
    });
    afterEach(async () => f?.cleanup());

    it('assigns and unassigns, recording who and when; effective access follows', async () => {
      const ada = await f.user(f.acme, 'ada@acme.example', ['viewer']);
      f.clock.advanceHours(1);
      const user = await assignRole(f.deps, f.root, f.acme, 'ADA@acme.example', 'editor');
      expect(user.roles).toEqual(['editor', 'viewer']);
      const row = await f.store.db.selectFrom('role_assignments').selectAll().where('user_id', '=', ada.id).where('role_id', '=', 'editor').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ assigned_by: f.root.userId, assigned_at: f.clock.now.toISOString() });
      expect((await loadAccess(f.store.db, f.acme, ada.id, 'enterprise')).permissions.has('flows:create')).toBe(true);
      expect(await lastAudit(f)).toMatchObject({ action: 'role.assign', target: `user:${ada.id}`, details: JSON.stringify({ role: 'editor' }) });
      expect((await unassignRole(f.deps, f.root, f.acme, ada.id, 'editor')).roles).toEqual(['viewer']);
      expect(await lastAudit(f)).toMatchObject({ action: 'role.unassign' });
    });

    it('keeps every user at least one role, and explains a role that comes from a team', async () => {
      await f.user(f.acme, 'ada@acme.example', ['viewer']);
      await expect(unassignRole(f.deps, f.root, f.acme, 'ada@acme.example', 'viewer')).rejects.toMatchObject({ code: 'conflict', message: /last role/ });
      await createTeam(f.deps, f.root, f.acme, 'ops');
      await grantTeamRole(f.deps, f.root, f.acme, 'ops', 'editor');
      await addTeamMember(f.deps, f.root, f.acme, 'ops', 'ada@acme.example');
      await expect(unassignRole(f.deps, f.root, f.acme, 'ada@acme.example', 'editor')).rejects.toMatchObject({
        code: 'not_found',
        hint: 'it comes from team ops: iamctl team remove-member ops ada@acme.example',
      });
    });

    it('assigns only super-admin in the main account', async () => {
      await expect(assignRole(f.deps, f.root, 'main', 'root@example.com', 'viewer')).rejects.toMatchObject({ code: 'validation', message: /tenant role/ });
    });

    it('refuses custom roles below enterprise, and any assignment with RBAC off', async () => {
      await f.user(f.acme, 'ada@acme.example', ['viewer']);
      await createRole(f.deps, f.root, f.acme, { name: 'runner' });
      await expect(assignRole(f.deps, principalWith(['super-admin'], { edition: 'basic' }), f.acme, 'ada@acme.example', 'runner')).rejects.toMatchObject({
        code: 'forbidden',
        message: /edition\.rbac=enterprise/,
      });
      await assignRole(f.deps, principalWith(['super-admin'], { edition: 'basic' }), f.acme, 'ada@acme.example', 'editor');
      await expect(assignRole(f.deps, principalWith(['super-admin'], { edition: 'none' }), f.acme, 'ada@acme.example', 'operator')).rejects.toMatchObject({
        code: 'forbidden',
        message: /edition\.rbac=basic .*RBAC is off/,
      });
    });

    it('lets nobody confer a permission they do not hold', async () => {
      await createRole(f.deps, f.root, f.acme, { name: 'role-manager', grants: ['roles:*', 'users:read'], inherits: ['viewer'] });
      const manager = await f.principal(await f.user(f.acme, 'rm@acme.example', ['role-manager']));
      await f.user(f.acme, 'ada@acme.example', ['api-user']);
      await assignRole(f.deps, manager, f.acme, 'ada@acme.example', 'viewer');
      await expect(assignRole(f.deps, manager, f.acme, 'ada@acme.example', 'admin')).rejects.toMatchObject({
        code: 'forbidden',
        message: /cannot assign admin: it grants \S+, which you do not hold/,
      });
      await expect(createRole(f.deps, manager, f.acme, { name: 'sneaky', grants: ['users:delete'] })).rejects.toMatchObject({ code: 'forbidden' });
      await createRole(f.deps, manager, f.acme, { name: 'reader', grants: ['users:read'] });
      await expect(updateRole(f.deps, manager, f.acme, 'reader', { addInherits: ['admin'] })).rejects.toMatchObject({ code: 'forbidden' });
      // Taking permissions away needs nothing more.
      await updateRole(f.deps, manager, f.acme, 'reader', { grants: [] });
    });
  });
});
