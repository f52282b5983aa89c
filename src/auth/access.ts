// Effective access of a user in their tenant: the union over their roles, their teams' roles
// and inherited roles (SPEC §1), computed once per command. A check is then a set lookup.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { allPermissions, builtinPermissions, builtinRole, expandGrant } from './catalog.js';

export type RbacEdition = 'none' | 'basic' | 'enterprise';

export interface RoleSource {
  role: string;
  /** 'direct', 'team:NAME', or 'inherited:PARENT' (the role that inherits this one). */
  via: string;
}

export interface EffectiveAccess {
  /** Every role reached, with how. */
  roles: RoleSource[];
  permissions: ReadonlySet<string>;
  /** Which reached roles grant a permission (for explanations; not on the hot path). */
  grantedBy(permission: string): RoleSource[];
  isSuperAdmin: boolean;
  isAdmin: boolean;
  edition: RbacEdition;
}

interface RoleGraph {
  /** Custom roles' grants (expanded to permissions). */
  permissions: Map<string, string[]>;
  inherits: Map<string, string[]>;
}

async function loadRoleGraph(db: Kysely<Database>, tenantId: string): Promise<RoleGraph> {
  const [perms, inherits] = await Promise.all([
    db.selectFrom('role_permissions').select(['role_id', 'permission']).where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('role_inherits').select(['role_id', 'inherits_role_id']).where('tenant_id', '=', tenantId).execute(),
  ]);
  const graph: RoleGraph = { permissions: new Map(), inherits: new Map() };
  for (const p of perms) {
    const list = graph.permissions.get(p.role_id) ?? [];
    list.push(...expandGrant(p.permission));
    graph.permissions.set(p.role_id, list);
  }
  for (const i of inherits) {
    graph.inherits.set(i.role_id, [...(graph.inherits.get(i.role_id) ?? []), i.inherits_role_id]);
  }
  return graph;
}

function permissionsOfRole(graph: RoleGraph, roleId: string): readonly string[] {
  return builtinRole(roleId) ? builtinPermissions(roleId) : (graph.permissions.get(roleId) ?? []);
}

/** Pure: effective access from the roles a user holds directly and through teams. */
export function computeAccess(
  held: RoleSource[],
  graph: RoleGraph,
  edition: RbacEdition,
): EffectiveAccess {
  // basic: built-in roles only (no custom roles, no teams); none: RBAC off.
  const start = edition === 'enterprise' ? held : held.filter((h) => h.via === 'direct' && builtinRole(h.role));
  const reached: RoleSource[] = [];
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const next = queue.shift()!;
    const key = `${next.role}|${next.via}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reached.push(next);
    if (edition === 'enterprise') {
      for (const parent of graph.inherits.get(next.role) ?? []) {
        if (!reached.some((r) => r.role === parent)) queue.push({ role: parent, via: `inherited:${next.role}` });
      }
    }
  }
  const isSuperAdmin = reached.some((r) => r.role === 'super-admin');
  const isAdmin = isSuperAdmin || reached.some((r) => builtinRole(r.role)?.admin === true);
  let permissions: Set<string>;
  if (isSuperAdmin) permissions = new Set(allPermissions({ includeGlobal: true }));
  else if (edition === 'none') permissions = new Set(allPermissions({ includeGlobal: false }));
  else permissions = new Set(reached.flatMap((r) => permissionsOfRole(graph, r.role)));
  return {
    roles: reached,
    permissions,
    grantedBy: (permission) => reached.filter((r) => permissionsOfRole(graph, r.role).includes(permission)),
    isSuperAdmin,
    isAdmin,
    edition,
  };
}

/** Loads a user's roles (direct and through teams) and computes their effective access. */
export async function loadAccess(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  edition: RbacEdition,
): Promise<EffectiveAccess> {
  const [direct, viaTeams, graph] = await Promise.all([
    db.selectFrom('role_assignments').select('role_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute(),
    db
      .selectFrom('team_members as m')
      .innerJoin('team_roles as r', (j) => j.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.team_id', '=', 'm.team_id'))
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
      .select(['r.role_id', 't.name'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.user_id', '=', userId)
      .execute(),
    loadRoleGraph(db, tenantId),
  ]);
  const held: RoleSource[] = [
    ...direct.map((d) => ({ role: d.role_id, via: 'direct' })),
    ...viaTeams.map((t) => ({ role: t.role_id, via: `team:${t.name}` })),
  ];
  return computeAccess(held, graph, edition);
}
