// The precedence rules of resource-scoped access, without a store: which grant decides, and
// what authorize() answers with it. The README's worked examples are the first table.
import { describe, expect, it } from 'vitest';
import type { HeldRole, RbacEdition } from '../../src/auth/access.js';
import { authorize } from '../../src/auth/authorize.js';
import type { Action } from '../../src/auth/catalog.js';
import { withResourceGrants, type Principal } from '../../src/auth/principal.js';
import { covers, grantActions, isGrantLevel, ResourceGrantIndex, type ResourceGrantRef } from '../../src/auth/resource-access.js';
import { emptyLinks, type RoleLinks } from '../../src/auth/role-graph.js';
import { normalizeResourcePath, validateResourcePath } from '../../src/core/validation.js';
import { principalWith } from '../helpers/principals.js';

const T = 't-test';

/** [subject, entity:path, level or role] */
type GrantLine = readonly [string, string, string];

function refs(lines: readonly GrantLine[], links: RoleLinks): ResourceGrantRef[] {
  return lines.map(([subject, target, what]) => {
    const colon = target.indexOf(':');
    const entity = target.slice(0, colon);
    const path = validateResourcePath(target.slice(colon + 1));
    const level = isGrantLevel(what) ? what : null;
    const role = level === null ? what : null;
    return { subject, entity, path, level, role, actions: grantActions(entity, level, role, links) };
  });
}

function principal(roles: readonly (string | HeldRole)[], grants: readonly GrantLine[], options: { links?: RoleLinks; edition?: RbacEdition } = {}): Principal {
  const links = options.links ?? emptyLinks();
  const p = principalWith(roles, { links, edition: options.edition ?? 'enterprise', tenantId: roles.includes('super-admin') ? 'main' : T, email: 'ada@acme.example' });
  return withResourceGrants(p, refs(grants, links));
}

const ask = (p: Principal, question: string) => {
  const [action, target] = question.split(' ') as [Action, string];
  const colon = target.indexOf(':');
  return colon === -1 ? authorize(p, action, target, T) : authorize(p, action, target.slice(0, colon), T, target.slice(colon + 1));
};

describe('the README examples', () => {
  // Ada: editor (manager on flows tenant-wide), member of contractors. Bob: viewer, member of ops.
  const ada = principal(['editor', { role: 'viewer', via: 'team:contractors' }], [
    ['team:contractors', 'flows:/finance', 'none'],
    ['user:ada@acme.example', 'flows:/finance/payroll', 'operator'],
    ['team:contractors', 'flows:/shared', 'none'],
    ['user:ada@acme.example', 'flows:/shared', 'manager'],
  ]);
  const bob = principal(['viewer', { role: 'viewer', via: 'team:ops' }], [
    ['team:ops', 'flows:/ops/*', 'operator'],
    ['user:bob@acme.example', 'flows:/ops/nightly', 'manager'],
    ['team:ops', 'flows:/reports', 'viewer'],
    ['user:bob@acme.example', 'flows:/reports', 'operator'],
  ]);
  it.each([
    ['ada', 'update flows:/marketing/launch', true, /granted by editor/],
    ['ada', 'read flows:/finance/reports/q3', false, /denied by none on flows:\/finance \(team:contractors\)/],
    ['ada', 'operate flows:/finance/payroll/run', true, /granted by operator on flows:\/finance\/payroll \(user:ada@acme\.example\)/],
    ['ada', 'update flows:/finance/payroll', false, /gives only read, operate, not update/],
    ['ada', 'read flows:/shared/board', false, /denied by none on flows:\/shared/],
    ['ada', 'update flows', true, /granted by editor/],
    ['bob', 'operate flows:/ops/daily', true, /granted by operator on flows:\/ops \(team:ops\)/],
    ['bob', 'delete flows:/ops/nightly/step-2', true, /manager on flows:\/ops\/nightly/],
    ['bob', 'update flows:/ops/daily', false, /gives only read, operate, not update/],
    ['bob', 'operate flows:/reports/weekly', true, /operator on flows:\/reports \(user:bob/],
    ['bob', 'read flows:/elsewhere', true, /granted by viewer/],
    ['bob', 'operate flows:/elsewhere', false, /none of your roles grants flows:operate/],
  ])('%s: %s -> %s', (who, question, allowed, reason) => {
    const decision = ask(who === 'ada' ? ada : bob, question);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).toMatch(reason);
  });
});

describe('precedence', () => {
  const U = 'user:ada@acme.example';
  const ops = 'team:ops';
  const qa = 'team:qa';
  it.each<[string, string[], GrantLine[], string, boolean, 'grant' | 'roles']>([
    // No grant covers the path: the tenant-wide roles decide.
    ['no grants at all', ['viewer'], [], 'read flows:/a/b', true, 'roles'],
    ['a grant elsewhere', ['viewer'], [[U, 'flows:/x', 'none']], 'read flows:/a', true, 'roles'],
    ['a grant on a sibling prefix is not a folder', ['viewer'], [[U, 'flows:/fin', 'none']], 'read flows:/finance', true, 'roles'],
    ['a grant on another entity', ['viewer'], [[U, 'connections:/', 'none']], 'read flows:/a', true, 'roles'],
    ['a grant inside the path does not decide above it', ['viewer'], [[U, 'flows:/a/b', 'none']], 'read flows:/a', true, 'roles'],
    // A folder's grant covers everything under it.
    ['the folder itself', ['viewer'], [[U, 'flows:/a', 'manager']], 'delete flows:/a', true, 'grant'],
    ['six levels under the folder', ['viewer'], [[U, 'flows:/a', 'manager']], 'delete flows:/a/b/c/d/e/f', true, 'grant'],
    ['the root covers every resource', ['viewer'], [[U, 'flows:/', 'operator']], 'operate flows:/any/thing', true, 'grant'],
    ['/* is the root', ['viewer'], [[U, 'flows:/*', 'operator']], 'operate flows:/x', true, 'grant'],
    ['/a/* is /a', ['viewer'], [[U, 'flows:/a/*', 'none']], 'read flows:/a', false, 'grant'],
    ['paths are case-sensitive', ['viewer'], [[U, 'flows:/Finance', 'none']], 'read flows:/finance', true, 'roles'],
    // The most specific grant wins, whoever holds it.
    ['item over folder (more)', ['viewer'], [[U, 'flows:/a', 'viewer'], [U, 'flows:/a/b', 'manager']], 'update flows:/a/b/c', true, 'grant'],
    ['item over folder (less)', ['editor'], [[U, 'flows:/a', 'manager'], [U, 'flows:/a/b', 'viewer']], 'update flows:/a/b', false, 'grant'],
    ["a team's deeper grant over the user's own", ['viewer'], [[U, 'flows:/a', 'manager'], [ops, 'flows:/a/b', 'viewer']], 'update flows:/a/b', false, 'grant'],
    ["the user's deeper grant over a team's none", ['viewer'], [[ops, 'flows:/a', 'none'], [U, 'flows:/a/b', 'viewer']], 'read flows:/a/b/c', true, 'grant'],
    ['none under a manager folder', ['admin'], [[U, 'flows:/a', 'manager'], [ops, 'flows:/a/secret', 'none']], 'read flows:/a/secret/x', false, 'grant'],
    // A grant replaces the tenant-wide roles under its path: none denies, a weaker level narrows.
    ['none beats an admin role', ['admin'], [[ops, 'flows:/a', 'none']], 'read flows:/a/b', false, 'grant'],
    ['viewer narrows an editor', ['editor'], [[U, 'flows:/a', 'viewer']], 'update flows:/a', false, 'grant'],
    ['manager widens a viewer', ['viewer'], [[U, 'flows:/a', 'manager']], 'create flows:/a/new', true, 'grant'],
    ['operator gives operate', ['api-user'], [[U, 'flows:/a', 'operator']], 'operate flows:/a', true, 'grant'],
    ['operator does not give delete', ['viewer'], [[U, 'flows:/a', 'operator']], 'delete flows:/a', false, 'grant'],
    // Same depth: none wins, otherwise the strongest (actions united).
    ['same depth: none over manager', ['viewer'], [[U, 'flows:/a', 'manager'], [ops, 'flows:/a', 'none']], 'read flows:/a', false, 'grant'],
    ["same depth: a team's none over the user's own", ['viewer'], [[ops, 'flows:/a', 'none'], [U, 'flows:/a', 'operator']], 'operate flows:/a/b', false, 'grant'],
    ['same depth: strongest of two teams', ['viewer'], [[ops, 'flows:/a', 'viewer'], [qa, 'flows:/a', 'manager']], 'delete flows:/a', true, 'grant'],
    ["same depth: the user's operator over a team's viewer", ['viewer'], [[ops, 'flows:/a', 'viewer'], [U, 'flows:/a', 'operator']], 'operate flows:/a', true, 'grant'],
    ['same depth, /a/* and /a are one path', ['viewer'], [[ops, 'flows:/a/*', 'none'], [U, 'flows:/a', 'manager']], 'read flows:/a', false, 'grant'],
    // Roles as grants: the role's permissions on that entity.
    ['a role grant gives its actions', ['viewer'], [[U, 'flows:/a', 'editor']], 'delete flows:/a', true, 'grant'],
    ['a role grant gives nothing it lacks', ['admin'], [[U, 'flows:/a', 'operator-like']], 'update flows:/a', false, 'grant'],
    ['a role united with a level at one depth', ['api-user'], [[U, 'flows:/a', 'viewer'], [ops, 'flows:/a', 'runner']], 'operate flows:/a', true, 'grant'],
  ])('%s', (_name, roles, grants, question, allowed, decidedBy) => {
    const links = emptyLinks();
    links.grants.set('operator-like', ['flows:read', 'flows:operate']);
    links.grants.set('runner', ['flows:operate']);
    const decision = ask(principal(roles, grants, { links }), question);
    expect(decision.allowed).toBe(allowed);
    expect(decision.grants !== undefined ? 'grant' : 'roles').toBe(decidedBy);
  });

  it('names the grants that decided: those that give the action, or the none grants, or all at that depth', () => {
    const p = principal(['viewer'], [[ops, 'flows:/a', 'viewer'], [qa, 'flows:/a', 'operator'], [U, 'flows:/b', 'viewer'], [ops, 'flows:/b', 'none']]);
    expect(ask(p, 'operate flows:/a/x').grants).toEqual([{ subject: qa, entity: 'flows', path: '/a', level: 'operator', role: null, actions: ['read', 'operate'] }]);
    expect(ask(p, 'read flows:/a/x').grants!.map((g) => g.subject)).toEqual([qa, ops]); // strongest first
    expect(ask(p, 'delete flows:/a').grants!.map((g) => g.subject)).toEqual([qa, ops]);
    expect(ask(p, 'read flows:/b').grants!.map((g) => g.subject)).toEqual([ops]);
    expect(ask(p, 'read flows:/b').grantedBy).toEqual([]);
  });

  it('answers without a path, or for entities without grants, with the roles only', () => {
    const p = principal(['viewer'], [[U, 'flows:/', 'none']]);
    expect(ask(p, 'read flows')).toMatchObject({ allowed: true, reason: 'granted by viewer' });
    expect(ask(p, 'read flows:/x')).toMatchObject({ allowed: false });
    expect(ask(p, 'read schedules:/x')).toMatchObject({ allowed: true, reason: 'granted by viewer' });
  });

  it('leaves super admins and edition.rbac=none alone, and another tenant still denied', () => {
    const root = principal(['super-admin'], [['user:root@example.com', 'flows:/', 'none']]);
    expect(authorize(root, 'delete', 'flows', T, '/a')).toMatchObject({ allowed: true });
    const off = principal(['viewer'], [[U, 'flows:/', 'none']], { edition: 'none' });
    expect(ask(off, 'delete flows:/a').allowed).toBe(true);
    const mine = principal(['viewer'], [[U, 'flows:/', 'manager']]);
    expect(authorize(mine, 'read', 'flows', 'another-tenant', '/a')).toMatchObject({ allowed: false, reason: /another tenant/ });
  });

  it.each(['relative/path', '/a/../b', '/a//b', '/a/', '', '/a/*/b', '/a*'])('denies the malformed path %j, with or without grants', (path) => {
    for (const p of [principal(['admin'], []), principal(['admin'], [[U, 'flows:/a', 'manager']])]) {
      const decision = authorize(p, 'read', 'flows', T, path);
      expect(decision).toMatchObject({ allowed: false, reason: /invalid resource path/ });
    }
  });

  it('hands out the same frozen decision for the same question (no allocation per check)', () => {
    const p = principal(['viewer'], [[U, 'flows:/a', 'operator']]);
    const first = ask(p, 'operate flows:/a/b');
    expect(ask(p, 'operate flows:/a/c')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('ResourceGrantIndex', () => {
  const index = new ResourceGrantIndex(refs([['u', 'flows:/a', 'viewer'], ['u', 'flows:/a/b/c', 'none'], ['t', 'connections:/', 'manager']], emptyLinks()));
  it.each([
    ['flows', '/a', '/a'],
    ['flows', '/a/b', '/a'],
    ['flows', '/a/b/c/d', '/a/b/c'],
    ['flows', '/ab', undefined],
    ['flows', '/', undefined],
    ['connections', '/x/y', '/'],
    ['formats', '/x', undefined],
  ])('%s:%s is decided at %s', (entity, path, expected) => {
    expect(index.decidingPath(entity, path)).toBe(expected);
  });

  it('lists entities (catalog order) and granted paths', () => {
    expect(index.entities()).toEqual(['connections', 'flows']);
    expect(index.pathsOf('flows')).toEqual(['/a', '/a/b/c']);
  });

  it.each([
    ['/', '/a', true],
    ['/a', '/a', true],
    ['/a', '/a/b', true],
    ['/a', '/ab', false],
    ['/a/b', '/a', false],
  ])('covers(%s, %s) = %s', (grantPath, path, expected) => {
    expect(covers(grantPath, path)).toBe(expected);
  });
});

describe('resource paths', () => {
  it.each([
    ['/finance/payroll', '/finance/payroll'],
    ['/finance/*', '/finance'],
    ['/*', '/'],
    ['/', '/'],
    ['/Finance Team/Q3 report', '/Finance Team/Q3 report'],
    ['/caf\u0065\u0301', '/caf\u00e9'],
    ['/a:b/c', '/a:b/c'],
    [`/${'x'.repeat(511)}`, `/${'x'.repeat(511)}`],
  ])('%j is %j', (raw, expected) => {
    expect(validateResourcePath(raw)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['finance', /absolute/],
    ['./finance', /absolute/],
    ['/finance/../hr', /relative segment "\.\."/],
    ['/./finance', /relative segment "\."/],
    ['/finance//payroll', /empty segment/],
    ['/finance/', /ends with \//],
    ['/a//*', /empty segment/],
    ['/fin*', /\* is allowed only as the whole last segment/],
    ['/a/*/b', /\* is allowed only/],
    ['/a/\u0000b', /control/],
    ['/a/\u202eb', /control/],
    ['/ a', /starts or ends with a space/],
    [`/${'x'.repeat(512)}`, /longer than 512/],
  ])('refuses %j (3)', (raw, message) => {
    expect(normalizeResourcePath(raw).problem).toMatch(message);
    expect(() => validateResourcePath(raw)).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
