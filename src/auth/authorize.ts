// The one authorization function. Every command's guard and every finer check goes through it;
// no command looks at roles by hand.
import { areaOf, isAction, isEntity, type Action } from './catalog.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import type { Principal } from './principal.js';
import { malformedPath, type ResourceGrantRef } from './resource-access.js';
import { normalizeResourcePath } from '../core/validation.js';

export interface Decision {
  allowed: boolean;
  /** One sentence a person can act on. */
  reason: string;
  /**
   * The roles that grant the permission, when allowed by a role: how each was reached (`via`)
   * and where its chain starts (`origin`: 'direct' or 'team:NAME').
   */
  grantedBy: { role: string; via: string; origin?: string }[];
  /**
   * When resource grants decided (a path was given and a grant covers it): the grants that
   * did, i.e. those giving the action, or the `none` grants, or the grants that do not give it.
   */
  grants?: ResourceGrantRef[];
}

const deny = (reason: string): Decision => ({ allowed: false, reason, grantedBy: [] });

/**
 * May `principal` perform `action` on `entity` in the tenant `tenantId`?
 * `path` narrows the decision to one resource (resource-scoped grants).
 */
export function authorize(principal: Principal, action: Action, entity: string, tenantId: string, path?: string): Decision {
  if (!isEntity(entity)) return deny(`unknown entity "${entity}"`);
  if (!isAction(action)) return deny(`unknown action "${action}"`);
  const permission = `${entity}:${action}`;
  const { access } = principal;
  if (access.isSuperAdmin) {
    return { allowed: true, reason: 'super admins may do everything in every tenant', grantedBy: access.grantedBy(permission) };
  }
  if (areaOf(entity)?.global) return deny(`${permission} is reserved to super admins`);
  if (tenantId === MAIN_TENANT_ID && principal.tenantId !== MAIN_TENANT_ID) return deny(`${permission} in the main account is reserved to super admins`);
  if (tenantId !== principal.tenantId) return deny('the object belongs to another tenant');
  if (access.edition === 'none') {
    return { allowed: true, reason: 'RBAC is off (edition.rbac=none): every signed-in user may do everything in their tenant', grantedBy: [] };
  }
  if (path !== undefined) {
    // Grants decide where one covers the path; elsewhere the tenant-wide roles do.
    if (principal.resourceDecision) {
      const scoped = principal.resourceDecision(action, entity, path);
      if (scoped) return scoped;
    } else {
      const problem = normalizeResourcePath(path).problem;
      if (problem !== undefined) return malformedPath(path, problem);
    }
  }
  if (access.permissions.has(permission)) {
    const grantedBy = access.grantedBy(permission);
    const names = grantedBy.map((g) => (g.via === 'direct' ? g.role : `${g.role} (${g.via})`));
    return { allowed: true, reason: `granted by ${names.join(', ')}`, grantedBy };
  }
  return deny(`none of your roles grants ${permission}`);
}
