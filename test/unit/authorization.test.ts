import { describe, expect, it } from 'vitest';
import { computeAccess, type RbacEdition } from '../../src/auth/access.js';
import { authorize } from '../../src/auth/authorize.js';
import { allPermissions, builtinPermissions, expandGrant } from '../../src/auth/catalog.js';
import type { Principal } from '../../src/auth/principal.js';

const emptyGraph = { grants: new Map<string, string[]>(), inherits: new Map<string, string[]>() };

function principal(roles: string[], tenantId = 't1', edition: RbacEdition = 'enterprise', graph = emptyGraph): Principal {
  return {
    userId: 'u1',
    email: 'u@x.example',
    tenantId,
    via: 'session',
    sessionId: 's1',
    keyId: null,
    restricted: false,
    access: computeAccess(roles.map((role) => ({ role, via: 'direct' })), graph, edition),
    settings: { global: new Map(), tenant: new Map(), user: new Map() },
  };
}

describe('grants', () => {
  it.each([
    ['flows:read', ['flows:read']],
    ['flows:*', ['flows:create', 'flows:read', 'flows:update', 'flows:delete', 'flows:operate']],
    ['users:*', ['users:create', 'users:read', 'users:update', 'users:delete']],
    ['automation:operator', ['flows:read', 'flows:operate', 'schedules:read', 'schedules:operate', 'listeners:read', 'listeners:operate', 'webhooks:read', 'webhooks:operate']],
    ['iam:viewer', ['users:read', 'invitations:read', 'roles:read', 'teams:read', 'api-keys:read', 'identity-providers:read']],
  ])('expands %s', (grant, permissions) => expect(expandGrant(grant).sort()).toEqual([...permissions].sort()));
  it.each([
    ['flows', /invalid grant/],
    ['gadgets:read', /unknown entity or area "gadgets"/],
    ['flows:fly', /unknown action "fly"/],
    ['users:operate', /users has no operate/],
    ['automation:boss', /unknown level "boss"/],
    ['iam:operator', /no operate action, so no operator level/],
    ['flows:read:extra', /invalid grant/],
  ])('refuses %s', (grant, reason) => expect(() => expandGrant(grant)).toThrow(reason));
});

describe('built-in roles (SPEC §2)', () => {
  it('grants what the table says', () => {
    expect(builtinPermissions('viewer')).toEqual(['flows:read', 'schedules:read', 'stats:read']);
    expect(builtinPermissions('operator')).toEqual(expect.arrayContaining(['flows:operate', 'schedules:operate', 'connections:read', 'data:read']));
    expect(builtinPermissions('operator')).not.toContain('flows:update');
    expect(builtinPermissions('api-user')).toEqual(['listeners:operate', 'messages:read']);
    const editor = builtinPermissions('editor');
    expect(editor).toEqual(expect.arrayContaining(['flows:create', 'connections:operate', 'messages:delete', 'stats:read']));
    for (const p of ['users:read', 'invitations:create', 'roles:read', 'teams:read', 'tenant-settings:read', 'audit:read']) expect(editor).not.toContain(p);
    const admin = builtinPermissions('admin');
    expect(admin).toEqual(expect.arrayContaining(['users:delete', 'api-keys:delete', 'tenant-settings:update', 'audit:read', 'stats:read']));
    expect(admin.some((p) => p.startsWith('tenants:') || p.startsWith('global-settings:'))).toBe(false);
    expect(builtinPermissions('super-admin')).toEqual(allPermissions({ includeGlobal: true }));
  });
});

describe('authorize', () => {
  it('lets super admins do everything in every tenant', () => {
    const p = principal(['super-admin'], 'main');
    expect(authorize(p, 'create', 'tenants', 'main').allowed).toBe(true);
    expect(authorize(p, 'delete', 'users', 'any-tenant').allowed).toBe(true);
  });
  it('keeps tenant users in their tenant and out of the global area', () => {
    const p = principal(['admin']);
    expect(authorize(p, 'delete', 'users', 't1')).toMatchObject({ allowed: true, reason: 'granted by admin', grantedBy: [{ role: 'admin', via: 'direct' }] });
    expect(authorize(p, 'read', 'users', 't2')).toMatchObject({ allowed: false, reason: /another tenant/ });
    expect(authorize(p, 'read', 'tenants', 't1')).toMatchObject({ allowed: false, reason: /reserved to super admins/ });
    expect(authorize(p, 'read', 'audit', 'main')).toMatchObject({ allowed: false, reason: /main account is reserved/ });
  });
  it('denies what no role grants, and unknown entities and actions', () => {
    const p = principal(['viewer']);
    expect(authorize(p, 'read', 'flows', 't1').allowed).toBe(true);
    expect(authorize(p, 'update', 'flows', 't1')).toMatchObject({ allowed: false, reason: 'none of your roles grants flows:update' });
    expect(authorize(p, 'read', 'gadgets', 't1')).toMatchObject({ allowed: false, reason: /unknown entity/ });
    expect(authorize(p, 'fly' as never, 'flows', 't1')).toMatchObject({ allowed: false, reason: /unknown action/ });
  });
  it('follows inheritance and teams in enterprise, only built-in direct roles in basic, everything in none', () => {
    const graph = { grants: new Map([['runner', ['flows:operate']]]), inherits: new Map([['runner', ['viewer']]]) };
    const held = [{ role: 'runner', via: 'direct' }, { role: 'operator', via: 'team:ops' }];
    const enterprise = computeAccess(held, graph, 'enterprise');
    expect(enterprise.permissions.has('flows:operate')).toBe(true);
    expect(enterprise.permissions.has('stats:read')).toBe(true);
    expect(enterprise.grantedBy('stats:read').map((r) => r.role).sort()).toEqual(['operator', 'viewer']);
    expect(computeAccess(held, graph, 'basic').permissions.size).toBe(0);
    const none = principal(['viewer'], 't1', 'none');
    expect(authorize(none, 'delete', 'users', 't1')).toMatchObject({ allowed: true, reason: /RBAC is off/ });
    expect(authorize(none, 'read', 'tenants', 't1').allowed).toBe(false);
  });
});

describe('"data" is an area and an entity', () => {
  it('reads a level as the area and an action as the entity', () => {
    expect(expandGrant('data:viewer').sort()).toEqual(['data:read', 'messages:read']);
    expect(expandGrant('data:read')).toEqual(['data:read']);
    expect(expandGrant('data:*')).toEqual(['data:create', 'data:read', 'data:update', 'data:delete', 'data:operate']);
  });
});
