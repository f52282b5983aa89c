// The permission catalog (SPEC §3) and the built-in roles (SPEC §2), as data.
import { validationError } from '../core/errors.js';

export const actions = ['create', 'read', 'update', 'delete', 'operate'] as const;
export type Action = (typeof actions)[number];

export const levels = ['manager', 'operator', 'viewer'] as const;
export type Level = (typeof levels)[number];

export interface Area {
  name: string;
  entities: readonly string[];
  operate: boolean;
  /** Only super admins hold permissions of this area. */
  global?: boolean;
}

export const areas: readonly Area[] = [
  { name: 'integrations', entities: ['connections', 'formats'], operate: true },
  { name: 'automation', entities: ['flows', 'schedules', 'listeners', 'webhooks'], operate: true },
  { name: 'data', entities: ['data', 'messages'], operate: true },
  { name: 'iam', entities: ['users', 'invitations', 'roles', 'teams', 'api-keys', 'identity-providers'], operate: false },
  { name: 'administration', entities: ['tenant-settings', 'audit', 'stats'], operate: false },
  { name: 'global', entities: ['tenants', 'global-settings', 'environment'], operate: false, global: true },
];

const areaByEntity = new Map<string, Area>(areas.flatMap((a) => a.entities.map((e) => [e, a] as const)));
const areaByName = new Map<string, Area>(areas.map((a) => [a.name, a]));

export const entities: readonly string[] = areas.flatMap((a) => a.entities);

export function isEntity(name: string): boolean {
  return areaByEntity.has(name);
}

export function isAction(name: string): name is Action {
  return (actions as readonly string[]).includes(name);
}

export function areaOf(entity: string): Area | undefined {
  return areaByEntity.get(entity);
}

/** The actions an entity supports (operate only where its area has it). */
export function actionsOf(entity: string): readonly Action[] {
  const area = areaByEntity.get(entity);
  if (!area) return [];
  return area.operate ? actions : actions.filter((a) => a !== 'operate');
}

const levelActions: Record<Level, readonly Action[]> = {
  manager: actions,
  operator: ['read', 'operate'],
  viewer: ['read'],
};

/** The actions a capability level grants on an entity. */
export function levelActionsOn(level: Level, entity: string): Action[] {
  const supported = new Set(actionsOf(entity));
  return levelActions[level].filter((a) => supported.has(a));
}

/**
 * Expands one grant (`entity:action`, `entity:*`, `area:level`) into permissions
 * (`entity:action`). Throws a validation error naming what is unknown.
 */
export function expandGrant(grant: string): string[] {
  const parts = grant.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw validationError(`invalid grant "${grant}": expected entity:action, entity:* or area:level`, 'see `iamctl role permissions`');
  }
  const [subject, verb] = parts as [string, string];
  const area = areaByName.get(subject);
  // "data" names both an area and an entity: a level after it means the area.
  if (area && (!isEntity(subject) || (levels as readonly string[]).includes(verb))) {
    if (!(levels as readonly string[]).includes(verb)) {
      throw validationError(`unknown level "${verb}" in grant "${grant}": use manager, operator or viewer`);
    }
    if (verb === 'operator' && !area.operate) {
      throw validationError(`area ${area.name} has no operate action, so no operator level: use ${area.name}:viewer or ${area.name}:manager`);
    }
    return area.entities.flatMap((e) => levelActionsOn(verb as Level, e).map((a) => `${e}:${a}`));
  }
  if (!isEntity(subject)) {
    throw validationError(`unknown entity or area "${subject}" in grant "${grant}"`, 'see `iamctl role permissions`');
  }
  if (verb === '*') return actionsOf(subject).map((a) => `${subject}:${a}`);
  if (!isAction(verb)) {
    throw validationError(`unknown action "${verb}" in grant "${grant}": use ${actions.join(', ')} or *`);
  }
  if (!actionsOf(subject).includes(verb)) {
    throw validationError(`entity ${subject} has no ${verb} action`);
  }
  return [`${subject}:${verb}`];
}

export interface BuiltinRole {
  id: string;
  displayName: string;
  description: string;
  /** 'main' for the main account only; 'tenant' for every tenant. */
  scope: 'main' | 'tenant';
  grants: readonly string[];
  /** Counted as an administrator in `user stats` and reviews. */
  admin: boolean;
}

const allAreas = (filter: (a: Area) => boolean) => areas.filter(filter).map((a) => `${a.name}:manager`);

export const builtinRoles: readonly BuiltinRole[] = [
  {
    id: 'super-admin',
    displayName: 'Super Admin',
    description: 'Full system access: all tenants, global settings and environment information.',
    scope: 'main',
    grants: allAreas(() => true),
    admin: true,
  },
  {
    id: 'admin',
    displayName: 'Administrator',
    description: 'Everything in its tenant: platform entities, users, invitations, roles, teams, keys, tenant settings, audit, stats.',
    scope: 'tenant',
    grants: allAreas((a) => !a.global),
    admin: true,
  },
  {
    id: 'editor',
    displayName: 'Editor',
    description: 'Manager on integrations, automation and data; reads stats; own keys only.',
    scope: 'tenant',
    grants: ['integrations:manager', 'automation:manager', 'data:manager', 'stats:read'],
    admin: false,
  },
  {
    id: 'operator',
    displayName: 'Operator',
    description: 'Reads flows, schedules, connections, data and stats; runs flows and schedules.',
    scope: 'tenant',
    grants: ['flows:read', 'schedules:read', 'connections:read', 'data:read', 'stats:read', 'flows:operate', 'schedules:operate'],
    admin: false,
  },
  {
    id: 'viewer',
    displayName: 'Viewer',
    description: 'Reads flows, schedules and stats.',
    scope: 'tenant',
    grants: ['flows:read', 'schedules:read', 'stats:read'],
    admin: false,
  },
  {
    id: 'api-user',
    displayName: 'API User',
    description: 'Calls user-defined APIs (listeners) and reads its own messages; nothing else.',
    scope: 'tenant',
    grants: ['listeners:operate', 'messages:read'],
    admin: false,
  },
];

const builtinById = new Map(builtinRoles.map((r) => [r.id, r]));

export function builtinRole(id: string): BuiltinRole | undefined {
  return builtinById.get(id);
}

const builtinPermissionCache = new Map<string, readonly string[]>();

/** The permissions a built-in role grants, expanded. */
export function builtinPermissions(id: string): readonly string[] {
  let cached = builtinPermissionCache.get(id);
  if (!cached) {
    const role = builtinById.get(id);
    cached = role ? [...new Set(role.grants.flatMap(expandGrant))] : [];
    builtinPermissionCache.set(id, cached);
  }
  return cached;
}

/** Every permission in the catalog. */
export function allPermissions(options: { includeGlobal: boolean }): string[] {
  return areas
    .filter((a) => options.includeGlobal || !a.global)
    .flatMap((a) => a.entities.flatMap((e) => actionsOf(e).map((act) => `${e}:${act}`)));
}

let permissionRank: Map<string, number> | undefined;

/** Permissions in catalog order (area, entity, then create/read/update/delete/operate), deduplicated. */
export function sortPermissions(permissions: Iterable<string>): string[] {
  permissionRank ??= new Map(allPermissions({ includeGlobal: true }).map((p, i) => [p, i]));
  const rank = permissionRank;
  return [...new Set(permissions)].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || a.localeCompare(b));
}

/** Permissions grouped by entity (catalog order): which actions each entity gets. */
export function groupByEntity(permissions: Iterable<string>): { entity: string; actions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const permission of sortPermissions(permissions)) {
    const [entity, action] = permission.split(':') as [string, string];
    groups.set(entity, [...(groups.get(entity) ?? []), action]);
  }
  return [...groups].map(([entity, actions]) => ({ entity, actions }));
}
