// Planning a tenant's custom roles: names, grants, parents (known, and without cycles through
// stored roles too), what changes, and (with --prune) what goes.
import { builtinRole } from '../../auth/catalog.js';
import { effectivePermissions, emptyLinks } from '../../auth/role-graph.js';
import { validateGrants } from '../roles.js';
import { validateDescription, validateDisplayName, validateRoleName } from '../validation.js';
import type { DeclTenant } from './model.js';
import * as steps from './steps.js';
import { sameSorted, type Planner, type RoleSet, type TenantTarget } from './planner.js';

export function planRoles(p: Planner, tenant: DeclTenant, t: TenantTarget): RoleSet {
  const { state } = t;
  const listed = new Map<string, (typeof tenant.roles)[number]>();
  for (const role of tenant.roles) {
    const name = p.check(role.where, 'name', () => validateRoleName(role.name));
    if (name === undefined) continue;
    if (builtinRole(name)) {
      p.problem(role.where, `role ${name} is built in: pick another name (a custom role may inherit it)`, 'name');
      continue;
    }
    if (listed.has(name)) {
      p.problem(role.where, `role ${name} is listed twice in tenant ${t.slug}`, 'name');
      continue;
    }
    listed.set(name, role);
  }
  const keptStored = [...state.roles.values()].filter((r) => r.builtin === 1 || listed.has(r.id) || !p.options.prune).map((r) => r.id);
  const names = new Set([...keptStored, ...listed.keys()]);
  const has = (name: string) => names.has(name) && name !== 'super-admin';
  // The graph once applied: stored links of kept roles, replaced by what the file lists.
  const links = emptyLinks();
  for (const id of keptStored) {
    if (state.links.grants.has(id)) links.grants.set(id, state.links.grants.get(id)!);
    if (state.links.inherits.has(id)) links.inherits.set(id, state.links.inherits.get(id)!);
  }
  const valid = new Map<string, { grants?: string[]; inherits?: string[]; displayName?: string; description?: string }>();
  for (const [name, role] of listed) {
    const grants = role.grants === undefined ? undefined : p.check(role.where, 'grants', () => validateGrants(role.grants!));
    const displayName = role.displayName === undefined ? undefined : p.check(role.where, 'displayName', () => validateDisplayName(role.displayName!));
    const description = role.description === undefined ? undefined : p.check(role.where, 'description', () => validateDescription(role.description!));
    let inherits: string[] | undefined;
    if (role.inherits !== undefined) {
      inherits = [...new Set(role.inherits)].sort();
      for (const parent of inherits) if (!has(parent)) p.problem(role.where, `unknown role ${parent} (inherited by ${name})`, 'inherits');
    }
    if (grants !== undefined) links.grants.set(name, grants);
    else if (!state.roles.has(name)) links.grants.set(name, []);
    if (inherits !== undefined) links.inherits.set(name, inherits);
    valid.set(name, { grants, inherits, displayName, description });
  }
  for (const [name, role] of listed) {
    const cycle = cycleFrom(links.inherits, name);
    if (cycle) p.problem(role.where, `inheritance cycle: ${cycle.join(' -> ')}`, 'inherits');
  }
  for (const [name, v] of valid) {
    const stored = state.roles.get(name);
    if (!stored) {
      p.entry('created', 'role', t.slug, name);
      p.need('roles:create', t.id, `create role ${name}`);
      p.step(2, steps.createRole(t.id, name, { displayName: v.displayName, description: v.description, grants: v.grants ?? [], inherits: v.inherits ?? [] }));
      continue;
    }
    const changed: string[] = [];
    if (v.displayName !== undefined && v.displayName !== stored.display_name) changed.push('displayName');
    if (v.description !== undefined && v.description !== stored.description) changed.push('description');
    const grantsChanged = v.grants !== undefined && !sameSorted(v.grants, state.links.grants.get(name) ?? []);
    const inheritsChanged = v.inherits !== undefined && !sameSorted(v.inherits, state.links.inherits.get(name) ?? []);
    if (grantsChanged) changed.push('grants');
    if (inheritsChanged) changed.push('inherits');
    p.entry(changed.length > 0 ? 'updated' : 'unchanged', 'role', t.slug, name, changed);
    if (changed.length > 0) {
      p.need('roles:update', t.id, `update role ${name}`);
      p.step(3, steps.updateRole(t.id, name, {
        displayName: changed.includes('displayName') ? v.displayName : undefined,
        description: changed.includes('description') ? v.description : undefined,
        grants: grantsChanged ? v.grants : undefined,
        inherits: inheritsChanged ? v.inherits : undefined,
      }));
    }
  }
  if (p.options.prune) {
    for (const stored of state.roles.values()) {
      if (stored.builtin === 1 || listed.has(stored.id)) continue;
      p.entry('deleted', 'role', t.slug, stored.id);
      p.need('roles:delete', t.id, `delete role ${stored.id}`);
      p.step(8, steps.deleteRole(t.id, stored.id));
    }
  }
  // Nobody hands out what they do not hold: every role the file creates or changes.
  for (const name of valid.keys()) {
    for (const permission of effectivePermissions(links, name)) {
      p.need(permission, t.id, `give role ${name} ${permission}`);
    }
  }
  return { has, links };
}

/** A cycle through `start` in the inheritance graph, as a path, or null. */
function cycleFrom(inherits: ReadonlyMap<string, readonly string[]>, start: string): string[] | null {
  const path: string[] = [start];
  const visit = (node: string, seen: Set<string>): boolean => {
    for (const parent of inherits.get(node) ?? []) {
      if (parent === start) {
        path.push(parent);
        return true;
      }
      if (seen.has(parent)) continue;
      seen.add(parent);
      path.push(parent);
      if (visit(parent, seen)) return true;
      path.pop();
    }
    return false;
  };
  return visit(start, new Set([start])) ? path : null;
}
