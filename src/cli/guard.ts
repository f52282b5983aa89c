// What a command's registry entry demands of the principal, decided in one place: the runner
// enforces it, and the authorization matrix test evaluates the same function for every command
// against every role.
import { authorize } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import { assertRbac, editionsOf, tenantsRefusal } from '../core/editions.js';
import { forbidden, type AppError } from '../core/errors.js';
import type { CommandSpec } from './registry-types.js';

/** Where the guard's permission is checked: the acting tenant, the main account, or nowhere (the handler checks it). */
export function guardScope(spec: CommandSpec): 'acting' | 'main' | null {
  const guard = spec.guard;
  if (guard.kind !== 'permission' || guard.in === 'object') return null;
  return guard.in === 'main' ? 'main' : 'acting';
}

/**
 * Throws forbidden (5) when the principal may not run the command: a restricted session, an
 * edition that lacks the feature, or a permission it does not hold. `tenantId`: the tenant of
 * `guardScope` (the main account's id for 'main'), null when the scope is null.
 */
export function checkGuard(spec: CommandSpec, principal: Principal, tenantId: string | null): void {
  const guard = spec.guard;
  if (guard.kind === 'none') return;
  if (principal.restricted && !(guard.kind === 'signed-in' && guard.restrictedOk)) {
    throw forbidden('your session is restricted until you enrol a second factor', 'run `iamctl mfa enroll`, then `iamctl mfa confirm`');
  }
  const what = `\`iamctl ${spec.path.join(' ')}\``;
  if (spec.edition?.rbac) assertRbac(principal.access.edition, spec.edition.rbac, what);
  if (spec.edition?.tenants && !editionsOf(principal.settings).tenants) throw tenantsRefusal(what);
  if (guard.kind !== 'permission' || tenantId === null) return;
  authorizeOrThrow(principal, guard.permission, tenantId);
}

/** The one authorization function, as a refusal (5) carrying its reason and the fix. */
export function authorizeOrThrow(principal: Principal, permission: string, tenantId: string, resourcePath?: string) {
  const [entity, action] = permission.split(':') as [string, string];
  const decision = authorize(principal, action as never, entity, tenantId, resourcePath);
  if (!decision.allowed) throw forbiddenError(permission, decision.reason);
  return decision;
}

export function forbiddenError(permission: string, reason: string): AppError {
  return forbidden(`not allowed: ${reason}`, forbiddenHint(permission));
}

function forbiddenHint(permission: string): string {
  if (permission.startsWith('tenants:') || permission.startsWith('global-settings:') || permission.startsWith('environment:')) {
    return 'only super admins may do this';
  }
  return `ask an administrator for a role that grants ${permission}`;
}
