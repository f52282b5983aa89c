// Resource grants on a real store (both dialects): grant, replace, revoke, list, effective
// access, who may do it, bad input, cascades, audit, and the plain-data pair export/apply use.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorize } from '../../src/auth/authorize.js';
import { grantAccess, parseResource, parseResourceFilter, putGrant, revokeAccess } from '../../src/core/access-grants.js';
import { assertMayListGrants, effectiveAccess, listAccess, listTenantGrants } from '../../src/core/access-list.js';
import { canI, parseQuestion, subjectPrincipal } from '../../src/core/can-i.js';
import { deleteRole } from '../../src/core/role-delete.js';
import { createRole } from '../../src/core/roles.js';
import { addTeamMember, createTeam, deleteTeam } from '../../src/core/teams.js';
import { fixture, type Fixture } from '../helpers/fixture.js';
import { setGlobalSetting } from '../helpers/principals.js';
import { dialects } from '../helpers/store.js';

describe.each(dialects)('resource grants on %s', (dialect) => {
  let f: Fixture;
  const grant = (subject: string, what: string, on: string, actor = f.root, tenant = f.acme) => grantAccess(f.deps, actor, tenant, { subject, grant: what, on });
  const principalOf = async (email: string) => (await subjectPrincipal(f.deps, f.acme, email)).principal;
  const grantCount = async () => Number((await f.store.db.selectFrom('resource_grants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeEach(async () => {
    f = await fixture(dialect);
    await f.user(f.acme, 'ada@acme.example', ['editor']);
    await f.user(f.acme, 'bob@acme.example', ['viewer']);
    await f.user(f.globex, 'gus@globex.example', ['viewer']);
    await createTeam(f.deps, f.root, f.acme, 'ops');
    await addTeamMember(f.deps, f.root, f.acme, 'ops', 'ada@acme.example');
    await createTeam(f.deps, f.root, f.globex, 'spies');
  });
  afterEach(async () => f?.cleanup());

  it('grants a level to a user and a role to a team; can-i and authorize decide with them', async () => {
    const created = await grant('bob@acme.example', 'operator', 'flows:/finance/*');
    expect(created).toMatchObject({ outcome: 'created', previous: null });
    expect(created.grant).toEqual({
      id: expect.any(String), subject: 'user:bob@acme.example', user: 'bob@acme.example', team: null, entity: 'flows', path: '/finance',
      level: 'operator', role: null, actions: ['read', 'operate'], tenant: 'acme', createdBy: 'root@example.com', createdAt: f.clock.now.toISOString(),
    });
    const team = await grant('team:ops', 'viewer', 'flows:/finance/payroll');
    expect(team.grant).toMatchObject({ subject: 'team:ops', user: null, team: 'ops', role: null, level: 'viewer', actions: ['read'] });
    await grant('team:ops', 'editor', 'connections:/prod');
    const bob = await principalOf('bob@acme.example');
    expect(authorize(bob, 'operate', 'flows', f.acme, '/finance/q3')).toMatchObject({ allowed: true, grants: [expect.objectContaining({ subject: 'user:bob@acme.example' })] });
    expect(authorize(bob, 'operate', 'flows', f.acme, '/hr')).toMatchObject({ allowed: false, reason: /none of your roles/ });
    const ada = await principalOf('ada@acme.example');
    // Ada (editor) is narrowed to viewer on payroll by her team's grant, and made manager of prod connections.
    const answer = await canI(f.deps, ada, f.acme, parseQuestion('update', 'flows:/finance/payroll/run'));
    expect(answer).toMatchObject({
      allowed: false, decidedBy: 'grant', path: '/finance/payroll/run', teams: ['ops'],
      grants: [{ subject: 'team:ops', entity: 'flows', path: '/finance/payroll', level: 'viewer', role: null, actions: ['read'] }],
    });
    expect(await canI(f.deps, ada, f.acme, parseQuestion('delete', 'connections:/prod/db'))).toMatchObject({ allowed: true, roles: ['editor'], teams: ['ops'] });
    expect(await canI(f.deps, ada, f.acme, parseQuestion('update', 'flows:/elsewhere'))).toMatchObject({ allowed: true, decidedBy: 'roles', grants: [] });
  });

  it('where a name is both a level and a role, the level wins', async () => {
    // The built-in operator role reads connections only; the operator level also operates them.
    const { grant: g } = await grant('bob@acme.example', 'operator', 'connections:/prod');
    expect(g).toMatchObject({ level: 'operator', role: null, actions: ['read', 'operate'] });
    const bob = await principalOf('bob@acme.example');
    expect(authorize(bob, 'operate', 'connections', f.acme, '/prod/db').allowed).toBe(true);
  });

  it('replaces what a subject has on a resource; giving the same again is a conflict (7)', async () => {
    await grant('bob@acme.example', 'viewer', 'flows:/a');
    f.clock.advanceHours(1);
    const changed = await grant('bob@acme.example', 'manager', 'flows:/a/*');
    expect(changed).toMatchObject({ outcome: 'updated', previous: 'viewer', grant: { level: 'manager', createdAt: f.clock.now.toISOString() } });
    const before = await f.snapshot();
    await expect(grant('bob@acme.example', 'manager', 'flows:/a')).rejects.toMatchObject({ code: 'conflict', message: /already has manager on flows:\/a/ });
    expect(await f.snapshot()).toEqual(before);
    expect(await grantCount()).toBe(1);
  });

  it('revokes exactly that grant; one that does not exist (or is on a folder above) is 6', async () => {
    await grant('team:ops', 'none', 'flows:/finance');
    const before = await f.snapshot();
    await expect(revokeAccess(f.deps, f.root, f.acme, { subject: 'team:ops', on: 'flows:/finance/payroll' })).rejects.toMatchObject({ code: 'not_found', message: /team:ops has no grant on flows:\/finance\/payroll/ });
    await expect(revokeAccess(f.deps, f.root, f.acme, { subject: 'bob@acme.example', on: 'flows:/finance' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await f.snapshot()).toEqual(before);
    expect(await revokeAccess(f.deps, f.root, f.acme, { subject: 'team:ops', on: 'flows:/finance/*' })).toMatchObject({ subject: 'team:ops', level: 'none' });
    expect(await grantCount()).toBe(0);
  });

  it.each([
    ['an unknown entity', 'bob@acme.example', 'viewer', 'pipelines:/a', 'validation', /unknown entity "pipelines"/],
    ['an entity without resources', 'bob@acme.example', 'viewer', 'users:/a', 'validation', /users has no resources/],
    ['no path', 'bob@acme.example', 'viewer', 'flows', 'validation', /no resource path/],
    ['a relative path', 'bob@acme.example', 'viewer', 'flows:finance', 'validation', /must be absolute/],
    ['a .. segment', 'bob@acme.example', 'viewer', 'flows:/a/../b', 'validation', /relative segment/],
    ['an empty segment', 'bob@acme.example', 'viewer', 'flows:/a//b', 'validation', /empty segment/],
    ['a path over 512 characters', 'bob@acme.example', 'viewer', `flows:/${'a'.repeat(512)}`, 'validation', /longer than 512/],
    ['an unknown level or role', 'bob@acme.example', 'owner', 'flows:/a', 'validation', /unknown level or role "owner"/],
    ['a role giving nothing there', 'bob@acme.example', 'api-user', 'flows:/a', 'validation', /role api-user gives nothing on flows/],
    ['a role of another tenant', 'bob@acme.example', 'globex-only', 'flows:/a', 'validation', /unknown level or role/],
    ['a user of another tenant', 'gus@globex.example', 'viewer', 'flows:/a', 'not_found', /user gus@globex\.example not found/],
    ['a team of another tenant', 'team:spies', 'viewer', 'flows:/a', 'not_found', /team spies not found/],
    ['an unknown user', 'nobody@acme.example', 'viewer', 'flows:/a', 'not_found', /not found/],
  ])('refuses %s and changes nothing', async (_name, subject, what, on, code, message) => {
    await createRole(f.deps, f.root, f.globex, { name: 'globex-only', grants: ['flows:*'] });
    const before = await f.snapshot();
    await expect(grant(subject, what, on)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await f.snapshot()).toEqual(before);
  });

  it('refuses grants in the main account (3) and outside edition.rbac=enterprise (5)', async () => {
    await expect(grant('root@example.com', 'viewer', 'flows:/a', f.root, 'main')).rejects.toMatchObject({ code: 'validation', message: /belong to tenants/ });
    await setGlobalSetting(f.store.db, 'edition.rbac', 'basic');
    const admin = await f.principal(await f.user(f.acme, 'admin@acme.example', ['admin']));
    await expect(grant('bob@acme.example', 'viewer', 'flows:/a', admin)).rejects.toMatchObject({ code: 'forbidden', message: /edition\.rbac=enterprise/ });
  });

  it('lets roles:update or a manager of the resource (through a grant) change grants there, and no one else', async () => {
    const bob = async () => principalOf('bob@acme.example');
    const ada = await principalOf('ada@acme.example'); // editor: manager on flows tenant-wide, but not through a grant
    await expect(grant('team:ops', 'viewer', 'flows:/finance', ada)).rejects.toMatchObject({ code: 'forbidden', message: /needs roles:update or manager on that resource/ });
    await expect(grant('team:ops', 'viewer', 'flows:/finance', await bob())).rejects.toMatchObject({ code: 'forbidden' });
    await grant('bob@acme.example', 'manager', 'flows:/finance');
    expect(await grant('team:ops', 'operator', 'flows:/finance/payroll', await bob())).toMatchObject({ outcome: 'created' });
    expect(await grant('ada@acme.example', 'manager', 'flows:/finance', await bob())).toMatchObject({ outcome: 'created' });
    await expect(grant('team:ops', 'viewer', 'flows:/hr', await bob())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(grant('team:ops', 'viewer', 'flows:/', await bob())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(grant('team:ops', 'viewer', 'connections:/finance', await bob())).rejects.toMatchObject({ code: 'forbidden' });
    expect(await revokeAccess(f.deps, await bob(), f.acme, { subject: 'team:ops', on: 'flows:/finance/payroll' })).toMatchObject({ level: 'operator' });
    // Someone with roles:update gives only what they hold themselves.
    await createRole(f.deps, f.root, f.acme, { name: 'grant-admin', grants: ['roles:update', 'flows:read'] });
    const granter = await f.principal(await f.user(f.acme, 'granter@acme.example', ['grant-admin']));
    expect(await grant('bob@acme.example', 'viewer', 'flows:/reports', granter)).toMatchObject({ outcome: 'created' });
    expect(await grant('bob@acme.example', 'none', 'flows:/secret', granter)).toMatchObject({ outcome: 'created' });
    await expect(grant('bob@acme.example', 'manager', 'flows:/x', granter)).rejects.toMatchObject({ code: 'forbidden', message: /cannot grant flows:create on \/x/ });
  });

  it('lists by resource (applies there, from above, inside), by user (own and teams) and for the tenant', async () => {
    await grant('team:ops', 'none', 'flows:/finance');
    await grant('ada@acme.example', 'operator', 'flows:/finance/payroll');
    await grant('bob@acme.example', 'viewer', 'flows:/finance/payroll/run');
    await grant('bob@acme.example', 'manager', 'flows:/hr');
    await grant('bob@acme.example', 'viewer', 'connections:/');
    const on = (target: string) => listAccess(f.store.db, f.acme, { on: parseResourceFilter(target) });
    expect((await on('flows:/finance/payroll')).map((g) => [g.subject, g.path, g.relation])).toEqual([
      ['team:ops', '/finance', 'inherited'],
      ['user:ada@acme.example', '/finance/payroll', 'exact'],
      ['user:bob@acme.example', '/finance/payroll/run', 'nested'],
    ]);
    expect((await on('flows')).map((g) => g.path)).toEqual(['/finance', '/finance/payroll', '/finance/payroll/run', '/hr']);
    const ada = (await f.store.db.selectFrom('users').select('id').where('email_lower', '=', 'ada@acme.example').executeTakeFirstOrThrow()).id;
    expect((await listAccess(f.store.db, f.acme, { userId: ada })).map((g) => [g.path, g.via])).toEqual([['/finance', 'team:ops'], ['/finance/payroll', 'direct']]);
    // Catalog order: connections before flows.
    expect((await listAccess(f.store.db, f.acme)).map((g) => g.entity)).toEqual(['connections', 'flows', 'flows', 'flows', 'flows']);
    expect(await listAccess(f.store.db, f.globex)).toEqual([]);
  });

  it('gives the effective access of a user at each granted path, decided by authorize()', async () => {
    await grant('team:ops', 'none', 'flows:/finance');
    await grant('ada@acme.example', 'operator', 'flows:/finance/payroll');
    const rows = effectiveAccess(await principalOf('ada@acme.example'), f.acme);
    expect(rows.map((r) => [r.path, r.actions, r.decidedBy, r.grants.map((g) => g.subject)])).toEqual([
      ['/', ['create', 'read', 'update', 'delete', 'operate'], 'roles', []],
      ['/finance', [], 'grant', ['team:ops']],
      ['/finance/payroll', ['read', 'operate'], 'grant', ['user:ada@acme.example']],
    ]);
    const one = effectiveAccess(await principalOf('ada@acme.example'), f.acme, parseResourceFilter('flows:/finance/payroll/x'));
    expect(one).toEqual([expect.objectContaining({ path: '/finance/payroll/x', actions: ['read', 'operate'], decidedBy: 'grant' })]);
    expect(effectiveAccess(await principalOf('bob@acme.example'), f.acme)).toEqual([]);
  });

  it('authorizes listing: own grants for anyone, a managed resource for its manager, else roles:read (and users:read for others)', async () => {
    const bob = await principalOf('bob@acme.example');
    expect(() => assertMayListGrants(bob, f.acme, { self: true, otherUser: false })).not.toThrow();
    expect(() => assertMayListGrants(bob, f.acme, { on: parseResourceFilter('flows:/a'), self: false, otherUser: false })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    await grant('bob@acme.example', 'manager', 'flows:/a');
    const manager = await principalOf('bob@acme.example');
    expect(() => assertMayListGrants(manager, f.acme, { on: parseResourceFilter('flows:/a/b'), self: false, otherUser: false })).not.toThrow();
    expect(() => assertMayListGrants(manager, f.acme, { on: parseResourceFilter('flows:/a'), self: false, otherUser: true })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    await createRole(f.deps, f.root, f.acme, { name: 'role-reader', grants: ['roles:read'] });
    const reader = await f.principal(await f.user(f.acme, 'reader@acme.example', ['role-reader']));
    expect(() => assertMayListGrants(reader, f.acme, { self: false, otherUser: false })).not.toThrow();
    expect(() => assertMayListGrants(reader, f.acme, { self: false, otherUser: true })).toThrow(/users:read/);
  });

  it("removes a team's or user's grants with them, in the same transaction, and a role's with role delete --force", async () => {
    await createRole(f.deps, f.root, f.acme, { name: 'runner', grants: ['flows:operate'] });
    await grant('team:ops', 'viewer', 'flows:/a');
    await grant('bob@acme.example', 'viewer', 'flows:/a');
    await grant('ada@acme.example', 'runner', 'flows:/b');
    await deleteTeam(f.deps, f.root, f.acme, 'ops');
    expect((await listAccess(f.store.db, f.acme)).map((g) => g.subject)).toEqual(['user:bob@acme.example', 'user:ada@acme.example']);
    // `user purge` deletes the row: the foreign key takes the grants in the same statement.
    await f.store.write(async (trx) => {
      await trx.deleteFrom('users').where('email_lower', '=', 'bob@acme.example').execute();
      expect(await trx.selectFrom('resource_grants').select('subject').where('tenant_id', '=', f.acme).execute()).toHaveLength(1);
    });
    await expect(deleteRole(f.deps, f.root, f.acme, 'runner', { force: false })).rejects.toMatchObject({ code: 'conflict', message: /used by 1 resource grant/ });
    await deleteRole(f.deps, f.root, f.acme, 'runner', { force: true });
    expect(await grantCount()).toBe(0);
  });

  it('hides the grants of soft-deleted users and keeps them for a restore', async () => {
    await grant('bob@acme.example', 'viewer', 'flows:/a');
    await f.store.db.updateTable('users').set({ status: 'deleted' }).where('email_lower', '=', 'bob@acme.example').execute();
    expect(await listAccess(f.store.db, f.acme)).toEqual([]);
    expect(await grantCount()).toBe(1);
  });

  it('audits grants and revokes, referring to users by id', async () => {
    await grant('bob@acme.example', 'viewer', 'flows:/a');
    await grant('bob@acme.example', 'operator', 'flows:/a');
    await grant('team:ops', 'none', 'flows:/b');
    await revokeAccess(f.deps, f.root, f.acme, { subject: 'team:ops', on: 'flows:/b' });
    const bobId = (await f.store.db.selectFrom('users').select('id').where('email_lower', '=', 'bob@acme.example').executeTakeFirstOrThrow()).id;
    const events = await f.store.db.selectFrom('audit_events').select(['action', 'target', 'details', 'tenant_id']).where('action', 'like', 'access.%').orderBy('seq').execute();
    expect(events.map((e) => [e.action, e.target, JSON.parse(e.details), e.tenant_id])).toEqual([
      ['access.grant', `user:${bobId}`, { entity: 'flows', path: '/a', grant: 'viewer' }, f.acme],
      ['access.grant', `user:${bobId}`, { entity: 'flows', path: '/a', grant: 'operator', previous: 'viewer' }, f.acme],
      ['access.grant', 'team:ops', { entity: 'flows', path: '/b', grant: 'none' }, f.acme],
      ['access.revoke', 'team:ops', { entity: 'flows', path: '/b', grant: 'none' }, f.acme],
    ]);
    expect(JSON.stringify(events)).not.toContain('bob@acme.example');
  });

  it('loads own and team grants into the principal, and ignores them outside the enterprise edition', async () => {
    await grant('team:ops', 'none', 'flows:/a');
    await grant('ada@acme.example', 'manager', 'schedules:/x');
    const ada = await principalOf('ada@acme.example');
    expect(ada.resourceGrants?.grants.map((g) => g.subject).sort()).toEqual(['team:ops', 'user:ada@acme.example']);
    expect((await principalOf('bob@acme.example')).resourceDecision).toBeUndefined();
    await setGlobalSetting(f.store.db, 'edition.rbac', 'basic');
    const basic = await principalOf('ada@acme.example');
    expect(basic.resourceGrants).toBeUndefined();
    expect(authorize(basic, 'read', 'flows', f.acme, '/a/b').allowed).toBe(true);
  });

  it('gives export the plain data and apply a create-or-replace that says what it did', async () => {
    await grant('team:ops', 'none', 'flows:/finance');
    await grant('bob@acme.example', 'viewer', 'connections:/prod');
    const specs = await listTenantGrants(f.store.db, f.acme);
    expect(specs).toEqual([
      { subject: 'user:bob@acme.example', entity: 'connections', path: '/prod', grant: 'viewer' },
      { subject: 'team:ops', entity: 'flows', path: '/finance', grant: 'none' },
    ]);
    const at = f.clock.now.toISOString();
    const outcomes = await f.store.write(async (trx) => [
      (await putGrant(trx, f.root.userId, f.acme, specs[0]!, at)).outcome,
      (await putGrant(trx, f.root.userId, f.acme, { ...specs[1]!, grant: 'viewer' }, at)).outcome,
      (await putGrant(trx, f.root.userId, f.acme, { subject: 'ada@acme.example', entity: 'flow', path: '/x/*', grant: 'operator' }, at)).outcome,
    ]);
    expect(outcomes).toEqual(['unchanged', 'updated', 'created']);
    expect(await listTenantGrants(f.store.db, f.acme)).toContainEqual({ subject: 'user:ada@acme.example', entity: 'flows', path: '/x', grant: 'operator' });
    await expect(f.store.write((trx) => putGrant(trx, null, f.acme, { subject: 'team:ops', entity: 'flows', path: 'x', grant: 'viewer' }, at))).rejects.toMatchObject({ code: 'validation' });
  });
});

describe('resource targets', () => {
  it.each([
    ['flows:/a/*', { entity: 'flows', path: '/a' }],
    ['flow:/a', { entity: 'flows', path: '/a' }],
    ['connection:/prod/db', { entity: 'connections', path: '/prod/db' }],
    ['data:/lake', { entity: 'data', path: '/lake' }],
  ])('%s', (target, expected) => {
    expect(parseResource(target)).toEqual(expected);
  });

  it('parses can-i questions about a resource with the same path rules', () => {
    expect(parseQuestion('read', 'flows:/a/*')).toEqual({ action: 'read', entity: 'flows', path: '/a' });
    expect(() => parseQuestion('read', 'users:/a')).toThrow(expect.objectContaining({ code: 'validation', message: expect.stringMatching(/users has no resources/) }));
    expect(() => parseQuestion('read', 'flows:/a/../b')).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
