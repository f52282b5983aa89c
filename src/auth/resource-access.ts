// Resource-scoped access (SPEC "Resource-scoped access"; seed 003's flow, connection and folder
// permissions), pure: which grant decides an action on one resource path, and the structure a
// principal's grants are loaded into once per command, so that a decision is a handful of map
// lookups (test/bench/access.mjs).
//
// Precedence, for one user, one entity and one path (README "Resource-scoped access"):
// 1. The grants that count are the user's own and their teams' on that entity whose path is
//    the path itself or a folder above it (`/` covers every resource of the entity).
// 2. Only the deepest of them decide (an item's grant overrides its folder's); no grant at
//    all: the tenant-wide roles decide (authorize() falls through).
// 3. At that depth, `none` wins over everything else; otherwise the actions of the grants
//    there are united (for levels: the strongest wins). What they do not give is denied,
//    whatever the tenant-wide roles allow.
import { normalizeResourcePath } from '../core/validation.js';
import type { Decision } from './authorize.js';
import { actionsOf, areaOf, entities, levelActionsOn, type Action } from './catalog.js';
import { effectivePermissions, type RoleLinks } from './role-graph.js';

export const grantLevels = ['manager', 'operator', 'viewer', 'none'] as const;
export type GrantLevel = (typeof grantLevels)[number];

export function isGrantLevel(name: string): name is GrantLevel {
  return (grantLevels as readonly string[]).includes(name);
}

/** Entities that have resources (flows, connections, data...): the areas with an operate action. */
export const resourceEntities: readonly string[] = entities.filter((e) => areaOf(e)?.operate === true);

export function isResourceEntity(entity: string): boolean {
  return resourceEntities.includes(entity);
}

/** The actions a level gives on an entity (`none`: nothing). */
export function levelActions(level: GrantLevel, entity: string): Action[] {
  return level === 'none' ? [] : levelActionsOn(level, entity);
}

/** One grant as decisions see and explain it. */
export interface ResourceGrantRef {
  /** `user:<email>` or `team:<name>`. */
  subject: string;
  entity: string;
  /** Normalized: absolute, no trailing `/*`. */
  path: string;
  /** The level granted, or null when the grant names a role. */
  level: GrantLevel | null;
  role: string | null;
  /** What it gives on the entity now (a role's actions follow the role). */
  actions: readonly Action[];
}

/** `operator on flows:/finance (team:ops)` */
export function describeGrant(g: ResourceGrantRef): string {
  return `${g.level ?? `role ${g.role}`} on ${g.entity}:${g.path} (${g.subject})`;
}

const actionIndex: Record<Action, number> = { create: 0, read: 1, update: 2, delete: 3, operate: 4 };

/** The grants of one path: what decides wherever this path is the deepest granted one. */
interface PathNode {
  grants: ResourceGrantRef[];
  /** The `none` grants among them (they win at this depth). */
  denies: ResourceGrantRef[];
  /** Decisions per action, made on first use (frozen: callers share them). */
  decisions: (Decision | undefined)[];
}

const strongestFirst = (a: ResourceGrantRef, b: ResourceGrantRef) => b.actions.length - a.actions.length || a.subject.localeCompare(b.subject);

/**
 * A principal's resource grants (own and teams'), indexed by entity and path. A decision walks
 * the path's folders from the deepest up and stops at the first granted one: at most one map
 * lookup per level of the path.
 */
export class ResourceGrantIndex {
  readonly grants: readonly ResourceGrantRef[];
  readonly #byEntity = new Map<string, Map<string, PathNode>>();

  constructor(grants: readonly ResourceGrantRef[]) {
    this.grants = grants;
    for (const grant of grants) {
      let paths = this.#byEntity.get(grant.entity);
      if (!paths) this.#byEntity.set(grant.entity, (paths = new Map()));
      let node = paths.get(grant.path);
      if (!node) paths.set(grant.path, (node = { grants: [], denies: [], decisions: [] }));
      node.grants.push(grant);
      if (grant.level === 'none') node.denies.push(grant);
    }
    for (const paths of this.#byEntity.values()) for (const node of paths.values()) node.grants.sort(strongestFirst);
  }

  /** The granted paths of an entity, sorted. */
  pathsOf(entity: string): string[] {
    return [...(this.#byEntity.get(entity)?.keys() ?? [])].sort();
  }

  /** The entities with grants, in catalog order. */
  entities(): string[] {
    return entities.filter((e) => this.#byEntity.has(e));
  }

  /** The deepest granted path covering `path` (normalized), or undefined when no grant covers it. */
  decidingPath(entity: string, path: string): string | undefined {
    const paths = this.#byEntity.get(entity);
    if (!paths) return undefined;
    for (let at = path; ; ) {
      if (paths.has(at)) return at;
      if (at === '/') return undefined;
      const slash = at.lastIndexOf('/');
      at = slash === 0 ? '/' : at.slice(0, slash);
    }
  }

  /**
   * The decision of the grants on `action` at `rawPath` of `entity`, or null when no grant
   * covers the path (then the tenant-wide roles decide). A malformed path is denied.
   */
  decide(action: Action, entity: string, rawPath: string): Decision | null {
    const normalized = normalizeResourcePath(rawPath);
    if (normalized.problem !== undefined) return malformedPath(rawPath, normalized.problem);
    const paths = this.#byEntity.get(entity);
    if (!paths) return null;
    const at = this.decidingPath(entity, normalized.path);
    if (at === undefined) return null;
    const node = paths.get(at)!;
    const i = actionIndex[action];
    return (node.decisions[i] ??= decideAtNode(node, action));
  }
}

/** What a malformed path gets: no, whoever asks (never an error: authorize() answers). */
export function malformedPath(rawPath: string, problem: string): Decision {
  return { allowed: false, reason: `invalid resource path ${JSON.stringify(rawPath)}: ${problem}`, grantedBy: [] };
}

function decideAtNode(node: PathNode, action: Action): Decision {
  const freeze = (allowed: boolean, reason: string, grants: ResourceGrantRef[]): Decision => Object.freeze({ allowed, reason, grantedBy: [], grants });
  if (node.denies.length > 0) {
    return freeze(false, `denied by ${node.denies.map(describeGrant).join(', ')}: level none removes access there, whatever the roles allow`, node.denies);
  }
  const giving = node.grants.filter((g) => g.actions.includes(action));
  if (giving.length > 0) return freeze(true, `granted by ${giving.map(describeGrant).join(', ')}`, giving);
  const given = [...new Set(node.grants.flatMap((g) => g.actions))];
  const one = node.grants.length === 1;
  return freeze(
    false,
    `${node.grants.map(describeGrant).join(', ')} ${one ? 'is the most specific grant' : 'are the most specific grants'} there and ${one ? 'gives' : 'give'} ${given.length > 0 ? `only ${given.join(', ')}` : 'nothing'}, not ${action}`,
    node.grants,
  );
}

/** The actions of `entity` a role's permissions give (a grant naming a role gives these). */
export function roleActionsOn(permissions: Iterable<string>, entity: string): Action[] {
  const prefix = `${entity}:`;
  const granted = new Set<string>();
  for (const p of permissions) if (p.startsWith(prefix)) granted.add(p.slice(prefix.length));
  return actionsOf(entity).filter((a) => granted.has(a));
}

/**
 * What a stored grant gives on its entity now: its level's actions, or its role's (with what the
 * role inherits, as the role is now). A level the catalog no longer knows gives nothing.
 */
export function grantActions(entity: string, level: string | null, roleId: string | null, links: RoleLinks): Action[] {
  if (level !== null) return isGrantLevel(level) ? levelActions(level, entity) : [];
  return roleId !== null ? roleActionsOn(effectivePermissions(links, roleId), entity) : [];
}

/** Does a grant on `grantPath` cover `path` (the path itself or anything under it)? Both normalized. */
export function covers(grantPath: string, path: string): boolean {
  return grantPath === '/' || path === grantPath || (path.startsWith(grantPath) && path.charCodeAt(grantPath.length) === 47);
}
