// Effective access of a user in their tenant: the union over their roles, their teams' roles
// and inherited roles (SPEC §1), computed once per command. A check is then a set lookup, and
// the roles behind each permission are indexed up front so explaining a decision is a lookup too.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { loadRoleLinks } from '../store/role-repo.js';
import { allPermissions, builtinRole } from './catalog.js';
import { ownPermissions, type RoleLinks } from './role-graph.js';

export type RbacEdition = 'none' | 'basic' | 'enterprise';

export interface RoleSource {
  role: string;
  /** 'direct', 'team:NAME', or 'inherited:CHILD' (the reached role that inherits this one). */
  via: string;
  /** Where the chain starts: 'direct' or 'team:NAME' (an inherited role keeps its origin). */
  origin: string;
}

/** A role a user holds: directly ('direct') or through a team ('team:NAME'). */
export type HeldRole = Pick<RoleSource, 'role' | 'via'>;

export interface EffectiveAccess {
  /** Every role reached, with how (a role reached from two origins appears twice). */
  roles: RoleSource[];
  permissions: ReadonlySet<string>;
  /** Which reached roles grant a permission (indexed when the access is computed). */
  grantedBy(permission: string): RoleSource[];
  isSuperAdmin: boolean;
  isAdmin: boolean;
  edition: RbacEdition;
}

/** The role graph of one tenant: custom roles' grants and every inheritance link. */
export type RoleGraph = RoleLinks;

export async function loadRoleGraph(db: Kysely<Database>, tenantId: string): Promise<RoleGraph> {
  return loadRoleLinks(db, tenantId);
}

/** Pure: effective access from the roles a user holds directly and through teams. */
export function computeAccess(held: readonly HeldRole[], graph: RoleGraph, edition: RbacEdition): EffectiveAccess {
  // basic: built-in roles held directly only (no custom roles, no teams); none: RBAC off.
  const start = edition === 'enterprise' ? held : held.filter((h) => h.via === 'direct' && builtinRole(h.role));
  const reached: RoleSource[] = [];
  const seen = new Set<string>();
  const queue: RoleSource[] = start.map((h) => ({ role: h.role, via: h.via, origin: h.via }));
  while (queue.length > 0) {
    const next = queue.shift()!;
    const key = `${next.origin}\u0000${next.role}`;
    if (seen.has(key)) continue; // also what stops an inheritance cycle
    seen.add(key);
    reached.push(next);
    if (edition !== 'enterprise') continue;
    for (const parent of graph.inherits.get(next.role) ?? []) {
      queue.push({ role: parent, via: `inherited:${next.role}`, origin: next.origin });
    }
  }
  const bySource = new Map<string, RoleSource[]>();
  for (const source of reached) {
    for (const permission of ownPermissions(graph, source.role)) {
      const list = bySource.get(permission);
      if (list) list.push(source);
      else bySource.set(permission, [source]);
    }
  }
  const isSuperAdmin = reached.some((r) => r.role === 'super-admin');
  const isAdmin = isSuperAdmin || reached.some((r) => builtinRole(r.role)?.admin === true);
  let permissions: ReadonlySet<string>;
  if (isSuperAdmin) permissions = new Set(allPermissions({ includeGlobal: true }));
  else if (edition === 'none') permissions = new Set(allPermissions({ includeGlobal: false }));
  else permissions = new Set(bySource.keys());
  const none: RoleSource[] = [];
  return {
    roles: reached,
    permissions,
    grantedBy: (permission) => bySource.get(permission) ?? none,
    isSuperAdmin,
    isAdmin,
    edition,
  };
}

/** The roles a user holds directly and through teams. */
export async function loadHeldRoles(db: Kysely<Database>, tenantId: string, userId: string): Promise<HeldRole[]> {
  const [direct, viaTeams] = await Promise.all([
    db.selectFrom('role_assignments').select('role_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute(),
    db
      .selectFrom('team_members as m')
      .innerJoin('team_roles as r', (j) => j.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.team_id', '=', 'm.team_id'))
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
      .select(['r.role_id', 't.name'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.user_id', '=', userId)
      .execute(),
  ]);
  return [
    ...direct.map((d) => ({ role: d.role_id, via: 'direct' })),
    ...viaTeams.map((t) => ({ role: t.role_id, via: `team:${t.name}` })),
  ];
}

/** Loads a user's roles (direct and through teams) and computes their effective access. */
export async function loadAccess(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  edition: RbacEdition,
): Promise<EffectiveAccess> {
  const [held, graph] = await Promise.all([loadHeldRoles(db, tenantId, userId), loadRoleGraph(db, tenantId)]);
  return computeAccess(held, graph, edition);
}
