// Every command of the registry against every built-in role and a custom role, through the
// same guard function the runner uses. THE TABLE BELOW IS THE SPECIFICATION: a command without
// an entry fails here; when you add a command, add its line (keyed by its words).
import { describe, expect, it } from 'vitest';
import type { RbacEdition } from '../../src/auth/access.js';
import type { Principal } from '../../src/auth/principal.js';
import { emptyLinks } from '../../src/auth/role-graph.js';
import { checkGuard, guardScope } from '../../src/cli/guard.js';
import { commands } from '../../src/cli/registry.js';
import type { CommandSpec } from '../../src/cli/registry-types.js';
import { authorizeOrThrow } from '../../src/cli/guard.js';
import { isAppError } from '../../src/core/errors.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { principalWith } from '../helpers/principals.js';

const SA = 'super-admin';
const AD = 'admin';
const CU = 'custom';
const roles = [SA, AD, 'editor', 'operator', 'viewer', 'api-user', CU] as const;
type RoleName = (typeof roles)[number];

// The custom role: IAM viewer + stats, inheriting the built-in operator.
const customLinks = () => {
  const links = emptyLinks();
  links.grants.set(CU, ['iam:viewer', 'stats:read']);
  links.inherits.set(CU, ['operator']);
  return links;
};

type Expectation =
  | { guard: 'none' } // runs without a principal (init, login, db ...)
  | { guard: 'signed-in' } // any principal
  | { allow: readonly RoleName[]; needs?: 'basic' | 'enterprise' | 'tenants' };

const none = { guard: 'none' } as const;
const signedIn = { guard: 'signed-in' } as const;
const supers = [SA] as const;
const admins = [SA, AD] as const;
const iamReaders = [SA, AD, CU] as const;

const expectations: Record<string, Expectation> = {
  init: none,
  login: none,
  logout: none,
  whoami: signedIn,
  'tenant create': { allow: supers },
  'tenant list': { allow: supers },
  'tenant show': { allow: admins },
  'tenant update': { allow: admins },
  'tenant deactivate': { allow: supers, needs: 'tenants' },
  'tenant activate': { allow: supers, needs: 'tenants' },
  'tenant switch': { allow: supers },
  'switch-tenant': { allow: supers },
  'tenant current': signedIn,
  'tenant default': { allow: supers },
  'user create': { allow: admins },
  'user update': { allow: admins },
  'user move': { allow: supers },
  'user deactivate': { allow: admins },
  'user activate': { allow: admins },
  'user delete': { allow: admins },
  'user restore': { allow: admins },
  'user purge': { allow: admins },
  'user set-password': { allow: admins },
  'user unlock': { allow: admins },
  'user import': { allow: admins },
  'user export': { allow: iamReaders },
  'user list': { allow: iamReaders },
  'user show': { allow: iamReaders },
  'user stats': { allow: iamReaders },
  'audit export': { allow: admins },
  'audit prune': { allow: supers },
  'db backup': { allow: supers },
  completion: none,
  'user mfa-reset': { allow: admins },
  // Also roles:read, checked by the handler.
  'user diagnose': { allow: iamReaders },
  // Also api-keys:delete, teams:update, roles:update and invitations:delete, checked by the handler.
  'user offboard': { allow: admins },
  'mfa enroll': signedIn,
  'mfa confirm': signedIn,
  'mfa disable': signedIn,
  'mfa recovery-codes': signedIn,
  'invite create': { allow: admins },
  'invite list': { allow: iamReaders },
  'invite resend': { allow: admins },
  'invite revoke': { allow: admins },
  'invite accept': none,
  'password change': signedIn,
  'session list': signedIn,
  'session revoke': signedIn,
  'sso configure': { allow: supers },
  'sso show': { allow: supers },
  'sso map-group': { allow: supers },
  'sso unmap-group': { allow: supers },
  'sso mappings': { allow: supers },
  'sso provision': none,
  'role list': { allow: iamReaders, needs: 'basic' },
  'role show': { allow: iamReaders, needs: 'basic' },
  'role permissions': signedIn,
  'role create': { allow: admins, needs: 'enterprise' },
  'role update': { allow: admins, needs: 'enterprise' },
  'role delete': { allow: admins, needs: 'enterprise' },
  'role assign': { allow: admins, needs: 'basic' },
  'role unassign': { allow: admins, needs: 'basic' },
  'team create': { allow: admins, needs: 'enterprise' },
  'team list': { allow: iamReaders, needs: 'enterprise' },
  'team show': { allow: iamReaders, needs: 'enterprise' },
  'team delete': { allow: admins, needs: 'enterprise' },
  'team add-member': { allow: admins, needs: 'enterprise' },
  'team remove-member': { allow: admins, needs: 'enterprise' },
  'team grant': { allow: admins, needs: 'enterprise' },
  'team revoke': { allow: admins, needs: 'enterprise' },
  // Handlers also let a manager of the resource (through a grant) change and list grants there.
  'access grant': { allow: admins, needs: 'enterprise' },
  'access revoke': { allow: admins, needs: 'enterprise' },
  'access list': { allow: iamReaders, needs: 'enterprise' },
  'can-i': signedIn,
  // Own keys: everyone; another user's keys: api-keys:* checked by the handler (test/e2e/keys.test.ts).
  'key create': signedIn,
  'key list': signedIn,
  'key show': signedIn,
  'key regenerate': signedIn,
  'key revoke': signedIn,
  'key verify': none,
  // The tenant scope by default; --global and --user need other permissions, checked by the
  // handler (test/e2e/settings.test.ts).
  'settings list': { allow: admins },
  'settings get': { allow: admins },
  'settings set': { allow: admins },
  'settings unset': { allow: admins },
  'audit list': { allow: admins },
  // Also roles, teams, api-keys and invitations :read, checked by the handler (IAM viewers hold them all).
  review: { allow: iamReaders },
  'audit verify': { allow: supers },
  env: { allow: supers },
  // Each object of the file is authorized again against its tenant (test/e2e/apply.test.ts).
  apply: { allow: admins },
  export: { allow: admins },
  'db migrate': none,
  'db status': none,
};

/** Commands a restricted (MFA-pending) session may run, besides those needing no principal. */
const restrictedOk = new Set(['whoami', 'mfa enroll', 'mfa confirm']);

const key = (spec: CommandSpec) => spec.path.join(' ');

function principalFor(role: RoleName, options: { edition?: RbacEdition; tenants?: boolean; restricted?: boolean } = {}): Principal {
  return principalWith([role], {
    links: customLinks(),
    edition: options.edition ?? 'enterprise',
    global: { 'edition.tenants': options.tenants ?? true },
    restricted: options.restricted ?? false,
  });
}

/**
 * Would the runner let the principal run the command (acting in their own tenant)? For
 * `in: 'object'` guards, the permission the handler checks is evaluated against an object of
 * the principal's own tenant.
 */
function allowed(spec: CommandSpec, principal: Principal): boolean {
  const scope = guardScope(spec);
  try {
    checkGuard(spec, principal, scope === 'main' ? MAIN_TENANT_ID : scope === 'acting' ? principal.tenantId : null);
    if (spec.guard.kind === 'permission' && spec.guard.in === 'object') authorizeOrThrow(principal, spec.guard.permission, principal.tenantId);
    return true;
  } catch (error) {
    if (isAppError(error) && error.code === 'forbidden') return false;
    throw error;
  }
}

function expectationOf(spec: CommandSpec): Expectation {
  const expectation = expectations[key(spec)];
  if (!expectation) {
    throw new Error(`no authorization expectation for \`iamctl ${key(spec)}\`: add it to the table in test/unit/authz-matrix.test.ts`);
  }
  return expectation;
}

describe('authorization matrix: every command x every role', () => {
  it('has an entry for every command of the registry, and none for a command that does not exist', () => {
    const registered = new Set(commands.map(key));
    expect(commands.map(key).filter((k) => !(k in expectations)), 'commands without an expectation').toEqual([]);
    expect(Object.keys(expectations).filter((k) => !registered.has(k)), 'expectations for unknown commands').toEqual([]);
  });

  const cases = commands.flatMap((spec) => roles.map((role) => [key(spec), role, spec] as const));
  it.each(cases)('%s as %s', (_name, role, spec) => {
    const expectation = expectationOf(spec);
    if ('guard' in expectation) {
      expect(spec.guard.kind).toBe(expectation.guard);
      return;
    }
    expect(spec.guard.kind).toBe('permission');
    expect(allowed(spec, principalFor(role))).toBe(expectation.allow.includes(role));
  });

  it.each(commands.map((spec) => [key(spec), spec] as const))('%s: a restricted session is refused unless allowed', (_name, spec) => {
    if (spec.guard.kind === 'none') return;
    expect(allowed(spec, principalFor(SA, { restricted: true }))).toBe(restrictedOk.has(key(spec)));
  });

  const editions: { edition: RbacEdition; tenants: boolean; lacks: string[] }[] = [
    { edition: 'enterprise', tenants: true, lacks: [] },
    { edition: 'basic', tenants: true, lacks: ['enterprise'] },
    { edition: 'none', tenants: true, lacks: ['enterprise', 'basic'] },
    { edition: 'enterprise', tenants: false, lacks: ['tenants'] },
  ];
  it.each(editions)('edition.rbac=$edition edition.tenants=$tenants: a super admin is refused exactly what the edition lacks', ({ edition, tenants, lacks }) => {
    for (const spec of commands) {
      const expectation = expectationOf(spec);
      if ('guard' in expectation) continue;
      const refused = expectation.needs !== undefined && lacks.includes(expectation.needs);
      expect(allowed(spec, principalFor(SA, { edition, tenants })), key(spec)).toBe(!refused);
    }
  });

  it('edition refusals name the setting that decides them', () => {
    const spec = commands.find((c) => key(c) === 'team create')!;
    expect(() => checkGuard(spec, principalFor(AD, { edition: 'basic' }), 't-test')).toThrow(/needs edition\.rbac=enterprise/);
    const deactivate = commands.find((c) => key(c) === 'tenant deactivate')!;
    expect(() => checkGuard(deactivate, principalFor(SA, { tenants: false }), MAIN_TENANT_ID)).toThrow(/edition\.tenants=false/);
  });

  it('edition.rbac=none lets every signed-in user do everything in their tenant, never super-admin things', () => {
    for (const spec of commands) {
      const expectation = expectationOf(spec);
      if ('guard' in expectation || expectation.needs) continue;
      const global = spec.guard.kind === 'permission' && spec.guard.in === 'main';
      expect(allowed(spec, principalFor('viewer', { edition: 'none' })), key(spec)).toBe(!global);
    }
  });
});
