// Reading resource grants: by resource (what applies there, from folders above, and inside it),
// by user (their own and their teams'), the effective access of a user (what they may do at each
// granted path, decided by the one authorization function), and every grant of a tenant as plain
// data for `export`.
import type { Kysely } from 'kysely';
import { authorize } from '../auth/authorize.js';
import { actionsOf } from '../auth/catalog.js';
import type { Principal } from '../auth/principal.js';
import { covers, type ResourceGrantRef } from '../auth/resource-access.js';
import { listGrantRows, toResourceGrants } from '../store/grant-repo.js';
import type { Database } from '../store/schema.js';
import { managesResource } from './access-grants.js';
import { forbidden } from './errors.js';
import type { EffectiveResourceAccess, GrantSpec, ResourceGrant, ResourceGrantSummary } from './model.js';

export interface GrantFilter {
  /** An entity, or one resource (or folder) of it. */
  on?: { entity: string; path: string | undefined } | undefined;
  /** Grants that reach this user: their own and their teams'. */
  userId?: string | undefined;
}

/**
 * Who may list: anyone their own grants; a manager of a resource (through a grant) the grants on
 * it; otherwise `roles:read`, and `users:read` too when naming another user (as `can-i --as`).
 */
export function assertMayListGrants(actor: Principal, tenantId: string, query: { on?: GrantFilter['on']; self: boolean; otherUser: boolean }): void {
  if (query.self) return;
  if (!query.otherUser && query.on?.path !== undefined && managesResource(actor, tenantId, query.on.entity, query.on.path)) return;
  for (const [entity, action] of query.otherUser ? [['roles', 'read'], ['users', 'read']] as const : [['roles', 'read']] as const) {
    const decision = authorize(actor, action, entity, tenantId);
    if (!decision.allowed) {
      throw forbidden(`not allowed: ${decision.reason}`, 'you may list your own grants (--user yourself) and those on resources you manage');
    }
  }
}

/** `access list`: grants of the tenant, of one entity or resource, or reaching one user. */
export async function listAccess(db: Kysely<Database>, tenantId: string, filter: GrantFilter = {}): Promise<ResourceGrant[]> {
  const rows = await listGrantRows(db, tenantId, { entity: filter.on?.entity, userId: filter.userId });
  const grants = await toResourceGrants(db, tenantId, rows);
  const teamOf = new Map(rows.map((r) => [r.id, r.teamName]));
  const at = filter.on?.path;
  const result: ResourceGrant[] = [];
  for (const grant of grants) {
    if (filter.userId !== undefined) {
      const team = teamOf.get(grant.id);
      grant.via = team ? `team:${team}` : 'direct';
    }
    if (at !== undefined) {
      const relation = grant.path === at ? 'exact' : covers(grant.path, at) ? 'inherited' : covers(at, grant.path) ? 'nested' : undefined;
      if (!relation) continue;
      grant.relation = relation;
    }
    result.push(grant);
  }
  return result;
}

const summary = (g: ResourceGrantRef): ResourceGrantSummary => ({
  subject: g.subject, entity: g.entity, path: g.path, level: g.level, role: g.role, actions: [...g.actions],
});

/**
 * `access list --effective`: for each entity the user has grants on, what they may do at `/`
 * (where no grant covers a path, the tenant-wide roles decide) and at every granted path, each
 * answered by authorize() itself. With `on`, that entity or that one resource only.
 */
export function effectiveAccess(principal: Principal, tenantId: string, on?: GrantFilter['on']): EffectiveResourceAccess[] {
  const index = principal.resourceGrants;
  const entities = on ? [on.entity] : (index?.entities() ?? []);
  const rows: EffectiveResourceAccess[] = [];
  for (const entity of entities) {
    const paths = on?.path !== undefined ? [on.path] : [...new Set(['/', ...(index?.pathsOf(entity) ?? [])])];
    for (const path of paths) {
      const decisions = actionsOf(entity).map((action) => [action, authorize(principal, action, entity, tenantId, path)] as const);
      const deciding = new Map<string, ResourceGrantSummary>();
      for (const [, d] of decisions) for (const g of d.grants ?? []) deciding.set(`${g.subject}\u0000${g.path}`, summary(g));
      rows.push({
        user: principal.email,
        entity,
        path,
        actions: decisions.filter(([, d]) => d.allowed).map(([action]) => action),
        decidedBy: decisions.some(([, d]) => d.grants !== undefined) ? 'grant' : 'roles',
        grants: [...deciding.values()],
      });
    }
  }
  return rows;
}

/** Every grant of a tenant as plain data (users by email, teams by name, no ids), for `export`. */
export async function listTenantGrants(db: Kysely<Database>, tenantId: string): Promise<GrantSpec[]> {
  const grants = await listAccess(db, tenantId);
  return grants.map((g) => ({ subject: g.subject, entity: g.entity, path: g.path, grant: g.level ?? g.role ?? 'none' }));
}
