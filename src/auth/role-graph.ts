// Role inheritance as a graph (pure): what a role grants with everything it inherits, which
// roles inherit it, and the cycle a change would close.
import { builtinPermissions, builtinRole, expandGrant } from './catalog.js';

export interface RoleLinks {
  /** Custom roles' grants as written (`entity:action`, `entity:*`, `area:level`). */
  grants: Map<string, string[]>;
  /** role -> the roles it inherits directly. */
  inherits: Map<string, string[]>;
}

export const emptyLinks = (): RoleLinks => ({ grants: new Map(), inherits: new Map() });

/**
 * A grant read back from the store, expanded. Grants were validated when written; one the
 * catalog no longer knows grants nothing rather than failing every command.
 */
export function expandStoredGrant(grant: string): string[] {
  try {
    return expandGrant(grant);
  } catch {
    return [];
  }
}

/** The permissions a role grants by itself (not through what it inherits). */
export function ownPermissions(links: RoleLinks, roleId: string): readonly string[] {
  if (builtinRole(roleId)) return builtinPermissions(roleId);
  return [...new Set((links.grants.get(roleId) ?? []).flatMap(expandStoredGrant))];
}

/** The roles a role inherits, directly or not (without itself), nearest first. */
export function ancestorsOf(inherits: ReadonlyMap<string, readonly string[]>, roleId: string): string[] {
  const seen = new Set<string>([roleId]);
  const order: string[] = [];
  const queue = [...(inherits.get(roleId) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    order.push(next);
    queue.push(...(inherits.get(next) ?? []));
  }
  return order;
}

/** The roles that inherit a role, directly or not (without itself). */
export function descendantsOf(inherits: ReadonlyMap<string, readonly string[]>, roleId: string): string[] {
  const children = new Map<string, string[]>();
  for (const [child, parents] of inherits) {
    for (const parent of parents) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  return ancestorsOf(children, roleId);
}

/** Everything a role grants: its own permissions and those of every role it inherits. */
export function effectivePermissions(links: RoleLinks, roleId: string): string[] {
  const all = new Set(ownPermissions(links, roleId));
  for (const ancestor of ancestorsOf(links.inherits, roleId)) {
    for (const permission of ownPermissions(links, ancestor)) all.add(permission);
  }
  return [...all];
}

/**
 * The cycle that giving `roleId` the parents `parents` would close, as a path that starts and
 * ends with `roleId` (`a -> b -> a`), or null when there is none.
 */
export function findCycle(inherits: ReadonlyMap<string, readonly string[]>, roleId: string, parents: readonly string[]): string[] | null {
  for (const parent of parents) {
    if (parent === roleId) return [roleId, roleId];
    // Breadth-first from the parent, remembering how each role was reached.
    const cameFrom = new Map<string, string>([[parent, roleId]]);
    const queue = [parent];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const next of current === roleId ? [] : (inherits.get(current) ?? [])) {
        if (cameFrom.has(next)) continue;
        cameFrom.set(next, current);
        if (next === roleId) {
          const path = [roleId];
          for (let at = current; at !== roleId; at = cameFrom.get(at)!) path.unshift(at);
          return [roleId, ...path];
        }
        queue.push(next);
      }
    }
  }
  return null;
}
