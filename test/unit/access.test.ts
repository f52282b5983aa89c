// The authorization model without a store: grants, role graphs, effective access and the one
// authorization function.
import { describe, expect, it } from 'vitest';
import { computeAccess } from '../../src/auth/access.js';
import { authorize } from '../../src/auth/authorize.js';
import { builtinPermissions, builtinRoles, expandGrant, groupByEntity, sortPermissions } from '../../src/auth/catalog.js';
import { ancestorsOf, descendantsOf, effectivePermissions, emptyLinks, findCycle, type RoleLinks } from '../../src/auth/role-graph.js';
import { principalWith } from '../helpers/principals.js';

describe('expandGrant', () => {
  it.each([
    ['flows:read', ['flows:read']],
    ['users:*', ['users:create', 'users:read', 'users:update', 'users:delete']],
    ['connections:*', ['connections:create', 'connections:read', 'connections:update', 'connections:delete', 'connections:operate']],
    ['automation:operator', ['flows:read', 'flows:operate', 'schedules:read', 'schedules:operate', 'listeners:read', 'listeners:operate', 'webhooks:read', 'webhooks:operate']],
    ['iam:viewer', ['users:read', 'invitations:read', 'roles:read', 'teams:read', 'api-keys:read', 'identity-providers:read']],
    // `data` is an area and an entity: a level names the area, an action the entity.
    ['data:read', ['data:read']],
    ['data:*', ['data:create', 'data:read', 'data:update', 'data:delete', 'data:operate']],
    ['data:operator', ['data:read', 'data:operate', 'messages:read', 'messages:operate']],
  ])('%s', (grant, expected) => {
    expect(expandGrant(grant)).toEqual(expected);
  });

  it.each([
    ['flows', /expected entity:action/],
    ['flows:read:x', /expected entity:action/],
    [':read', /expected entity:action/],
    ['pipelines:read', /unknown entity or area "pipelines"/],
    ['flows:fly', /unknown action "fly"/],
    ['users:operate', /users has no operate action/],
    ['automation:boss', /unknown level "boss"/],
    ['iam:operator', /iam has no operate action, so no operator level/],
  ])('refuses %s (3)', (grant, message) => {
    expect(() => expandGrant(grant)).toThrow(expect.objectContaining({ code: 'validation', message: expect.stringMatching(message) }));
  });

  it('expands every built-in role without error, super-admin to everything', () => {
    for (const role of builtinRoles) expect(builtinPermissions(role.id).length).toBeGreaterThan(0);
    expect(builtinPermissions('super-admin')).toContain('tenants:create');
    expect(builtinPermissions('admin')).not.toContain('tenants:read');
    expect(builtinPermissions('operator')).toEqual(expect.arrayContaining(['data:read', 'flows:operate']));
  });

  it('sorts and groups permissions in catalog order', () => {
    expect(sortPermissions(['stats:read', 'flows:operate', 'flows:read', 'connections:read', 'flows:read'])).toEqual([
      'connections:read', 'flows:read', 'flows:operate', 'stats:read',
    ]);
    expect(groupByEntity(['flows:operate', 'stats:read', 'flows:read'])).toEqual([
      { entity: 'flows', actions: ['read', 'operate'] },
      { entity: 'stats', actions: ['read'] },
    ]);
  });
});

const links = (grants: Record<string, string[]>, inherits: Record<string, string[]>): RoleLinks => ({
  grants: new Map(Object.entries(grants)),
  inherits: new Map(Object.entries(inherits)),
});

describe('role graph', () => {
  const graph = links({ a: ['flows:operate'], b: ['webhooks:read'], c: [] }, { a: ['b'], b: ['c', 'viewer'], c: [] });

  it('walks ancestors nearest first and descendants', () => {
    expect(ancestorsOf(graph.inherits, 'a')).toEqual(['b', 'c', 'viewer']);
    expect(descendantsOf(graph.inherits, 'viewer')).toEqual(['b', 'a']);
    expect(descendantsOf(graph.inherits, 'a')).toEqual([]);
  });

  it('gives a role its own grants and everything it inherits', () => {
    expect(sortPermissions(effectivePermissions(graph, 'a'))).toEqual(['flows:read', 'flows:operate', 'schedules:read', 'webhooks:read', 'stats:read']);
  });

  it.each([
    ['c', ['a'], ['c', 'a', 'b', 'c']],
    ['b', ['a'], ['b', 'a', 'b']],
    ['a', ['a'], ['a', 'a']],
    ['c', ['viewer'], null],
    ['a', ['c', 'viewer'], null],
  ])('%s inheriting %j closes the cycle %j', (role, parents, cycle) => {
    expect(findCycle(graph.inherits, role as string, parents as string[])).toEqual(cycle);
  });

  it('ignores a stored grant the catalog no longer knows instead of failing', () => {
    expect(effectivePermissions(links({ old: ['pipelines:read', 'flows:read'] }, {}), 'old')).toEqual(['flows:read']);
  });
});

describe('computeAccess', () => {
  // 3 roles (2 direct, 1 through a team), 2 teams, 2 levels of inheritance.
  const graph = links(
    { runner: ['flows:operate'], auditor: ['audit:read'], 'base-reader': ['webhooks:read'] },
    { runner: ['base-reader'], 'base-reader': ['viewer'] },
  );
  const held = [
    { role: 'runner', via: 'direct' },
    { role: 'auditor', via: 'team:security' },
    { role: 'runner', via: 'team:ops' },
  ];

  it('unions direct, team and inherited roles, each with where its chain starts', () => {
    const access = computeAccess(held, graph, 'enterprise');
    expect([...access.permissions].sort()).toEqual(['audit:read', 'flows:operate', 'flows:read', 'schedules:read', 'stats:read', 'webhooks:read']);
    expect(access.grantedBy('flows:read')).toEqual([
      { role: 'viewer', via: 'inherited:base-reader', origin: 'direct' },
      { role: 'viewer', via: 'inherited:base-reader', origin: 'team:ops' },
    ]);
    expect(access.grantedBy('audit:read')).toEqual([{ role: 'auditor', via: 'team:security', origin: 'team:security' }]);
    expect(access.grantedBy('users:read')).toEqual([]);
    expect(access.isAdmin).toBe(false);
  });

  it('terminates on a cycle that got into the store', () => {
    const cyclic = links({ x: ['flows:read'], y: ['flows:operate'] }, { x: ['y'], y: ['x'] });
    expect([...computeAccess([{ role: 'x', via: 'direct' }], cyclic, 'enterprise').permissions].sort()).toEqual(['flows:operate', 'flows:read']);
  });

  it('basic edition: built-in roles held directly only (no custom roles, no teams)', () => {
    const access = computeAccess([...held, { role: 'editor', via: 'team:ops' }, { role: 'viewer', via: 'direct' }], graph, 'basic');
    expect([...access.permissions].sort()).toEqual(['flows:read', 'schedules:read', 'stats:read']);
  });

  it('counts an admin reached through a team or inheritance as an admin', () => {
    expect(computeAccess([{ role: 'admin', via: 'team:x' }], emptyLinks(), 'enterprise').isAdmin).toBe(true);
    expect(computeAccess([{ role: 'boss', via: 'direct' }], links({ boss: [] }, { boss: ['admin'] }), 'enterprise').isAdmin).toBe(true);
  });
});

describe('authorize', () => {
  it.each([
    [['viewer'], 'read', 'flows', 't-test', true, /granted by viewer/],
    [['viewer'], 'operate', 'flows', 't-test', false, /none of your roles grants flows:operate/],
    [['admin'], 'delete', 'users', 't-test', true, /granted by admin/],
    [['admin'], 'read', 'tenants', 't-test', false, /reserved to super admins/],
    [['admin'], 'read', 'users', 'other', false, /another tenant/],
    [['super-admin'], 'delete', 'users', 'any-tenant', true, /super admins/],
    [['viewer'], 'read', 'pipelines', 't-test', false, /unknown entity/],
  ])('%j %s %s in %s -> %s', (roles, action, entity, tenant, allowed, reason) => {
    const decision = authorize(principalWith(roles), action as never, entity, tenant);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).toMatch(reason);
  });

  it('edition.rbac=none: everything in the own tenant, nothing global, nothing elsewhere', () => {
    const p = principalWith(['viewer'], { edition: 'none' });
    expect(authorize(p, 'delete', 'users', 't-test')).toMatchObject({ allowed: true, reason: expect.stringMatching(/edition.rbac=none/) });
    expect(authorize(p, 'read', 'tenants', 't-test').allowed).toBe(false);
    expect(authorize(p, 'read', 'flows', 'other').allowed).toBe(false);
  });

  it('names team-granted roles in its reason', () => {
    const decision = authorize(principalWith([{ role: 'editor', via: 'team:eng' }]), 'create', 'flows', 't-test');
    expect(decision.reason).toBe('granted by editor (team:eng)');
    expect(decision.grantedBy).toEqual([{ role: 'editor', via: 'team:eng', origin: 'team:eng' }]);
  });
});
