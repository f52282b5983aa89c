// Roles of a tenant: the catalog, built-in and custom roles, their grants and inheritance, and
// who holds them. Built-in roles are immutable; custom roles need edition.rbac=enterprise.
import type { Kysely } from 'kysely';
import { actionsOf, areaOf, areas, builtinRole, expandGrant, sortPermissions } from '../auth/catalog.js';
import type { Principal } from '../auth/principal.js';
import { descendantsOf, effectivePermissions, findCycle, type RoleLinks } from '../auth/role-graph.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation } from '../store/db.js';
import { findRoleRow, listRoleRows, loadRoleLinks, roleHolderRows, writeRoleLinks } from '../store/role-repo.js';
import type { Database, RoleRow } from '../store/schema.js';
import { MAIN_TENANT_ID, slugOfTenant } from '../store/tenant-repo.js';
import { emailsById } from '../store/user-repo.js';
import { assertCanConfer } from './role-assignments.js';
import { isoNow, type Deps } from './deps.js';
import { assertRbac } from './editions.js';
import { conflict, notFound, validationError } from './errors.js';
import type { CatalogEntry, Role, RoleDetail } from './model.js';
import { validateDescription, validateDisplayName, validateRoleName } from './validation.js';

/** The permission catalog of SPEC §3, one entry per entity. */
export function permissionCatalog(): CatalogEntry[] {
  return areas.flatMap((a) => a.entities.map((entity) => ({ area: a.name, entity, actions: [...actionsOf(entity)], superAdminOnly: a.global === true })));
}

export function toRole(row: RoleRow, tenant: string | null, links: RoleLinks): Role {
  const builtin = builtinRole(row.id);
  return {
    id: row.id,
    name: row.id,
    displayName: row.display_name,
    description: row.description,
    builtin: row.builtin === 1,
    tenant,
    inherits: [...(links.inherits.get(row.id) ?? [])],
    grants: builtin ? [...builtin.grants] : [...(links.grants.get(row.id) ?? [])],
    permissions: sortPermissions(effectivePermissions(links, row.id)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listRoles(deps: Deps, tenantId: string): Promise<Role[]> {
  const { db } = deps.store;
  const [rows, links, slug] = await Promise.all([listRoleRows(db, tenantId), loadRoleLinks(db, tenantId), slugOfTenant(db, tenantId)]);
  return rows.map((r) => toRole(r, slug, links));
}

async function existingRole(db: Kysely<Database>, tenantId: string, name: string): Promise<RoleRow> {
  const row = await findRoleRow(db, tenantId, name);
  if (!row) throw notFound(`role ${name}`, 'see `iamctl role list`');
  return row;
}

/** A role with the users holding it: directly, through a team, or through a role that inherits it. */
export async function showRole(deps: Deps, tenantId: string, name: string): Promise<RoleDetail> {
  const { db } = deps.store;
  const row = await existingRole(db, tenantId, name);
  const [links, slug] = await Promise.all([loadRoleLinks(db, tenantId), slugOfTenant(db, tenantId)]);
  const holders = await roleHolderRows(db, tenantId, [name, ...descendantsOf(links.inherits, name)]);
  const assigners = await emailsById(db, holders.map((h) => h.assignedBy));
  return {
    ...toRole(row, slug, links),
    holders: holders.map((h) => ({
      user: h.email,
      userId: h.userId,
      name: `${h.firstName} ${h.lastName}`.trim(),
      via: h.via,
      role: h.role,
      assignedBy: h.assignedBy ? (assigners.get(h.assignedBy) ?? h.assignedBy) : null,
      assignedAt: h.assignedAt,
    })),
  };
}

/** Validates grants (exit 3 naming the bad one) and returns them deduplicated and sorted. */
export function validateGrants(grants: readonly string[]): string[] {
  for (const grant of grants) {
    const reserved = expandGrant(grant).find((p) => areaOf(p.split(':')[0]!)?.global);
    if (reserved) throw validationError(`grant ${grant} is reserved to super admins: custom roles cannot hold ${reserved}`);
  }
  return [...new Set(grants)].sort();
}

const titleCase = (name: string) => name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

function cycleError(cycle: string[]) {
  return validationError(`inheritance cycle: ${cycle.join(' -> ')}`, 'a role cannot inherit, directly or through other roles, from itself');
}

function assertTenantRoles(tenantId: string): void {
  if (tenantId === MAIN_TENANT_ID) {
    throw validationError('custom roles belong to tenants: the main account has only super-admin', 'act in a tenant: --tenant <slug> (or `iamctl tenant switch <slug>`)');
  }
}

async function checkParents(db: Kysely<Database>, tenantId: string, parents: readonly string[]): Promise<void> {
  for (const parent of parents) await existingRole(db, tenantId, parent);
}

export interface CreateRoleInput {
  name: string;
  displayName?: string | undefined;
  description?: string | undefined;
  grants?: readonly string[] | undefined;
  inherits?: readonly string[] | undefined;
}

export async function createRole(deps: Deps, actor: Principal, tenantId: string, input: CreateRoleInput): Promise<Role> {
  assertRbac(actor.access.edition, 'enterprise', 'custom roles');
  const name = validateRoleName(input.name);
  assertTenantRoles(tenantId);
  if (builtinRole(name)) throw conflict(`role ${name} is built in`, `pick another name; a custom role may inherit it: --inherits ${name}`);
  const displayName = validateDisplayName(input.displayName ?? titleCase(name));
  const description = validateDescription(input.description ?? '');
  const grants = validateGrants(input.grants ?? []);
  const inherits = [...new Set(input.inherits ?? [])].sort();
  if (inherits.includes(name)) throw cycleError([name, name]);
  const at = isoNow(deps);
  const row: RoleRow = { tenant_id: tenantId, id: name, display_name: displayName, description, builtin: 0, created_at: at, updated_at: at };
  const taken = () => conflict(`role ${name} already exists`, `change it with \`iamctl role update ${name}\``);
  return deps.store.write(async (trx) => {
    if (await findRoleRow(trx, tenantId, name)) throw taken();
    await checkParents(trx, tenantId, inherits);
    const links = await loadRoleLinks(trx, tenantId);
    links.grants.set(name, grants);
    links.inherits.set(name, inherits);
    assertCanConfer(actor, tenantId, effectivePermissions(links, name), `create role ${name}`);
    await insertRole(trx, actor.userId, row, { grants, inherits });
    return toRole(row, await slugOfTenant(trx, tenantId), links);
  }).catch((error: unknown) => {
    // A concurrent create of the same name (PostgreSQL; SQLite writers are serialized).
    throw isUniqueViolation(error) ? taken() : error;
  });
}

export interface UpdateRoleInput {
  displayName?: string | undefined;
  description?: string | undefined;
  /** Replaces every grant. */
  grants?: readonly string[] | undefined;
  addGrants?: readonly string[] | undefined;
  removeGrants?: readonly string[] | undefined;
  /** Replaces every inherited role. */
  inherits?: readonly string[] | undefined;
  addInherits?: readonly string[] | undefined;
  removeInherits?: readonly string[] | undefined;
}

/** current, replaced by `set` when given, plus `add`, minus `remove` (each of which must be there). */
function edit(current: readonly string[], set: readonly string[] | undefined, add: readonly string[] = [], remove: readonly string[] = [], what: string): string[] {
  const next = new Set([...(set ?? current), ...add]);
  for (const item of remove) {
    if (!next.has(item)) throw validationError(`the role has no ${what} ${item}`, `its ${what}s: ${[...next].join(', ') || '(none)'}`);
    next.delete(item);
  }
  return [...next].sort();
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function updateRole(deps: Deps, actor: Principal, tenantId: string, name: string, input: UpdateRoleInput): Promise<Role> {
  assertRbac(actor.access.edition, 'enterprise', 'custom roles');
  const displayName = input.displayName === undefined ? undefined : validateDisplayName(input.displayName);
  const description = input.description === undefined ? undefined : validateDescription(input.description);
  for (const list of [input.grants, input.addGrants]) if (list) validateGrants(list);
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const row = await existingRole(trx, tenantId, name);
    if (row.builtin === 1) {
      throw conflict(`role ${name} is built in and cannot be changed`, `create a custom role that inherits it: iamctl role create my-${name} --inherits ${name}`);
    }
    const links = await loadRoleLinks(trx, tenantId);
    const before = { grants: links.grants.get(name) ?? [], inherits: links.inherits.get(name) ?? [] };
    const grants = edit(before.grants, input.grants, input.addGrants, input.removeGrants, 'grant');
    const inherits = edit(before.inherits, input.inherits, input.addInherits, input.removeInherits, 'inherited role');
    const cycle = findCycle(links.inherits, name, inherits);
    if (cycle) throw cycleError(cycle);
    await checkParents(trx, tenantId, inherits);
    const had = new Set(effectivePermissions(links, name));
    links.grants.set(name, grants);
    links.inherits.set(name, inherits);
    // Only what the change adds needs the actor to hold it; taking permissions away never does.
    assertCanConfer(actor, tenantId, effectivePermissions(links, name).filter((p) => !had.has(p)), `change role ${name}`);
    const changed: Record<string, unknown> = {};
    const patch: Partial<RoleRow> = {};
    if (displayName !== undefined && displayName !== row.display_name) changed.displayName = patch.display_name = displayName;
    if (description !== undefined && description !== row.description) changed.description = patch.description = description;
    const grantsChanged = !sameList(grants, before.grants);
    const inheritsChanged = !sameList(inherits, before.inherits);
    if (grantsChanged) changed.grants = grants;
    if (inheritsChanged) changed.inherits = inherits;
    const slug = await slugOfTenant(trx, tenantId);
    if (Object.keys(changed).length === 0) return toRole(row, slug, links);
    await writeRoleChange(trx, actor.userId, tenantId, name, { patch, grants: grantsChanged ? grants : undefined, inherits: inheritsChanged ? inherits : undefined, changed }, at);
    return toRole({ ...row, ...patch, updated_at: at }, slug, links);
  });
}

/**
 * Writes a new custom role (validated row; grants and parents checked by the caller) and the
 * `role.create` event, inside the caller's transaction. Parents must exist by then.
 */
export async function insertRole(
  trx: Kysely<Database>, actorId: string | null, row: RoleRow, links: { grants: readonly string[]; inherits: readonly string[] }, options: { linkParentsLater?: boolean } = {},
): Promise<void> {
  await trx.insertInto('roles').values(row).execute();
  // `apply` creates several roles that may inherit each other: it links parents once all exist.
  await writeRoleLinks(trx, row.tenant_id, row.id, { grants: links.grants, inherits: options.linkParentsLater ? undefined : links.inherits });
  await appendAudit(trx, { at: row.created_at, tenantId: row.tenant_id, actorId, action: 'role.create', target: `role:${row.id}`, details: { grants: [...links.grants], inherits: [...links.inherits] } });
}

export interface RoleChange {
  patch: Partial<RoleRow>;
  /** Replace the grants / parents when given. */
  grants?: readonly string[] | undefined;
  inherits?: readonly string[] | undefined;
  /** What changed, for the audit event. */
  changed: Record<string, unknown>;
}

/** Writes a change to a custom role and the `role.update` event, inside the caller's transaction. */
export async function writeRoleChange(trx: Kysely<Database>, actorId: string | null, tenantId: string, name: string, change: RoleChange, at: string): Promise<void> {
  await trx.updateTable('roles').set({ ...change.patch, updated_at: at }).where('tenant_id', '=', tenantId).where('id', '=', name).execute();
  await writeRoleLinks(trx, tenantId, name, { grants: change.grants, inherits: change.inherits });
  await appendAudit(trx, { at, tenantId, actorId, action: 'role.update', target: `role:${name}`, details: { changed: change.changed } });
}

export const defaultDisplayName = titleCase;

export { deleteRole, deleteRoleInTrx, type DeletedRole } from './role-delete.js';
