// Resource-scoped access: grant a user or a team a level or a role on one resource path of one
// entity (`flows:/finance/payroll`), change it, revoke it. Who may: `roles:update` in the tenant,
// or whoever holds manager on that resource through a grant. The plain-data pair `putGrant` /
// `removeGrant` (with `listTenantGrants` in access-list.ts) is what `apply`/`export` build on.
import type { Kysely } from 'kysely';
import { authorize } from '../auth/authorize.js';
import { actionsOf, isEntity, type Action } from '../auth/catalog.js';
import type { Principal } from '../auth/principal.js';
import { grantActions, grantLevels, isGrantLevel, isResourceEntity, levelActions, resourceEntities, type GrantLevel } from '../auth/resource-access.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation } from '../store/db.js';
import { deleteGrant, findGrantRow, grantObject, insertGrant, teamSubject, updateGrant, userSubject, type GrantRow } from '../store/grant-repo.js';
import { findRoleRow, loadRoleLinks } from '../store/role-repo.js';
import type { Database } from '../store/schema.js';
import { findTeamRow } from '../store/team-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { findUserRow } from '../store/user-repo.js';
import { isoNow, type Deps } from './deps.js';
import { assertRbac } from './editions.js';
import { AppError, conflict, forbidden, notFound, validationError } from './errors.js';
import { newId } from './ids.js';
import type { GrantSpec, ResourceGrant } from './model.js';
import { validateResourcePath } from './validation.js';

export interface Resource {
  entity: string;
  /** Normalized (see validateResourcePath). */
  path: string;
}

const targetHint = 'use <entity>:<path>, e.g. flows:/finance/payroll or connections:/prod/*';

/** `<entity>[:<path>]` (the entity may be singular: `flow:/finance`); the path is undefined when omitted. */
export function parseResourceFilter(target: string): { entity: string; path: string | undefined } {
  const colon = target.indexOf(':');
  const word = colon === -1 ? target : target.slice(0, colon);
  const entity = isEntity(word) ? word : isEntity(`${word}s`) ? `${word}s` : undefined;
  if (!entity) throw validationError(`unknown entity "${word}"`, `entities with resources: ${resourceEntities.join(', ')}`);
  if (!isResourceEntity(entity)) {
    throw validationError(`${entity} has no resources to grant access to`, `entities with resources: ${resourceEntities.join(', ')}`);
  }
  return { entity, path: colon === -1 ? undefined : validateResourcePath(target.slice(colon + 1)) };
}

/** `<entity>:<path>`: one resource, or a folder of them. */
export function parseResource(target: string): Resource {
  const { entity, path } = parseResourceFilter(target);
  if (path === undefined) throw validationError(`no resource path in "${target}"`, targetHint);
  return { entity, path };
}

/** A user (email or id, optionally `user:`) or `team:NAME` of the tenant. */
export interface GrantSubject {
  /** The `subject` column: `user:<id>` or `team:<id>`. */
  key: string;
  /** As people read it: `user:<email>` or `team:<name>`. */
  label: string;
  /** The audit target: `user:<id>` (never an email) or `team:<name>`. */
  auditTarget: string;
  userId: string | null;
  teamId: string | null;
}

/** Another tenant's user or team looks missing (6), like an unknown one. */
export async function resolveSubject(db: Kysely<Database>, tenantId: string, ref: string): Promise<GrantSubject> {
  if (ref.startsWith('team:')) {
    const name = ref.slice(5);
    const team = await findTeamRow(db, tenantId, name);
    if (!team) throw notFound(`team ${name}`, 'see `iamctl team list`');
    return { key: teamSubject(team.id), label: `team:${team.name}`, auditTarget: `team:${team.name}`, userId: null, teamId: team.id };
  }
  const userRef = ref.startsWith('user:') ? ref.slice(5) : ref;
  const user = await findUserRow(db, { ref: userRef, tenantId });
  if (!user) throw notFound(`user ${userRef}`, 'users and teams are looked up in the tenant you act in; a team is team:NAME');
  return { key: userSubject(user.id), label: `user:${user.email}`, auditTarget: `user:${user.id}`, userId: user.id, teamId: null };
}

/** What a grant gives: a level, or a role's permissions on the entity. */
export interface GrantWhat {
  level: GrantLevel | null;
  roleId: string | null;
  actions: Action[];
}

/** A level or a role of the tenant; a name that is both is the level. Unknown: 3. */
export async function resolveGrantName(db: Kysely<Database>, tenantId: string, name: string, entity: string): Promise<GrantWhat> {
  if (isGrantLevel(name)) return { level: name, roleId: null, actions: levelActions(name, entity) };
  const role = await findRoleRow(db, tenantId, name);
  if (!role) {
    throw validationError(`unknown level or role "${name}"`, `levels: ${grantLevels.join(', ')}; roles: see \`iamctl role list\``);
  }
  const actions = grantActions(entity, null, name, await loadRoleLinks(db, tenantId));
  if (actions.length === 0) {
    throw validationError(`role ${name} gives nothing on ${entity}`, 'to take access away there, grant the level none');
  }
  return { level: null, roleId: name, actions };
}

/** Does the actor hold manager on the resource through a grant (every action, decided by a grant)? */
export function managesResource(actor: Principal, tenantId: string, entity: string, path: string): boolean {
  return actionsOf(entity).every((action) => {
    const decision = authorize(actor, action, entity, tenantId, path);
    return decision.allowed && decision.grants !== undefined;
  });
}

/**
 * Grants on a resource are administered with `roles:update` in the tenant, or by whoever holds
 * manager on that resource through a grant (seed 003's flow owners). Otherwise forbidden (5).
 */
export function assertMayAdministerGrants(actor: Principal, tenantId: string, entity: string, path: string): void {
  const roles = authorize(actor, 'update', 'roles', tenantId);
  if (roles.allowed || managesResource(actor, tenantId, entity, path)) return;
  throw forbidden(
    `not allowed: changing grants on ${entity}:${path} needs roles:update or manager on that resource (${roles.reason})`,
    'ask an administrator, or whoever manages that resource',
  );
}

/** Nobody gives what they do not hold: each action, tenant-wide or on that resource. */
function assertCanConfer(actor: Principal, tenantId: string, entity: string, path: string, actions: readonly Action[]): void {
  for (const action of actions) {
    if (authorize(actor, action, entity, tenantId).allowed || authorize(actor, action, entity, tenantId, path).allowed) continue;
    throw forbidden(`you cannot grant ${entity}:${action} on ${path}: you do not hold it there`, 'ask an administrator to do it');
  }
}

export interface GrantChange {
  outcome: 'created' | 'updated' | 'unchanged';
  row: GrantRow;
  /** What the grant gave before an update (a level or a role name). */
  previous: string | null;
}

const nameOf = (g: { level: string | null; role_id: string | null }) => g.level ?? g.role_id ?? 'none';

/**
 * Creates or replaces the grant of `spec` inside the caller's transaction, with its audit event
 * when something changes. Validates and resolves names; does not authorize (callers do).
 */
export async function putGrant(trx: Kysely<Database>, actorId: string | null, tenantId: string, spec: GrantSpec, at: string): Promise<GrantChange> {
  const { entity, path } = parseResource(`${spec.entity}:${spec.path}`);
  const subject = await resolveSubject(trx, tenantId, spec.subject);
  const what = await resolveGrantName(trx, tenantId, spec.grant, entity);
  return writeGrant(trx, actorId, tenantId, subject, entity, path, what, at);
}

async function writeGrant(
  trx: Kysely<Database>, actorId: string | null, tenantId: string, subject: GrantSubject, entity: string, path: string, what: GrantWhat, at: string,
): Promise<GrantChange> {
  const existing = await findGrantRow(trx, tenantId, entity, path, subject.key);
  const gives = { level: what.level, role_id: what.roleId };
  if (existing && existing.level === gives.level && existing.role_id === gives.role_id) return { outcome: 'unchanged', row: existing, previous: null };
  const row: GrantRow = existing
    ? { ...existing, ...gives, created_by: actorId, created_at: at }
    : { tenant_id: tenantId, id: newId(), subject: subject.key, user_id: subject.userId, team_id: subject.teamId, entity, path, ...gives, created_by: actorId, created_at: at };
  if (existing) await updateGrant(trx, tenantId, existing.id, { ...gives, created_by: actorId, created_at: at });
  else await insertGrant(trx, row);
  const previous = existing ? nameOf(existing) : null;
  await appendAudit(trx, {
    at, tenantId, actorId, action: 'access.grant', target: subject.auditTarget,
    details: { entity, path, grant: nameOf(gives), ...(previous !== null ? { previous } : {}) },
  });
  return { outcome: existing ? 'updated' : 'created', row, previous };
}

/** Removes the grant of a subject on a resource inside the caller's transaction (audited); false when there is none. */
export async function removeGrant(trx: Kysely<Database>, actorId: string | null, tenantId: string, subject: GrantSubject, entity: string, path: string, at: string): Promise<GrantRow | null> {
  const existing = await findGrantRow(trx, tenantId, entity, path, subject.key);
  if (!existing) return null;
  await deleteGrant(trx, tenantId, existing.id);
  await appendAudit(trx, { at, tenantId, actorId, action: 'access.revoke', target: subject.auditTarget, details: { entity, path, grant: nameOf(existing) } });
  return existing;
}

function assertTenantScope(actor: Principal, tenantId: string): void {
  assertRbac(actor.access.edition, 'enterprise', 'resource grants');
  if (tenantId === MAIN_TENANT_ID) {
    throw validationError('resource grants belong to tenants: the main account has only super admins', 'act in a tenant: --tenant <slug>');
  }
}

export interface GrantInput {
  /** A user (email or id) or team:NAME. */
  subject: string;
  /** A level or a role name. */
  grant: string;
  /** `<entity>:<path>`. */
  on: string;
}

/** `access grant`: gives, or changes what the subject has there. Giving what it already has is a conflict (7). */
export async function grantAccess(deps: Deps, actor: Principal, tenantId: string, input: GrantInput): Promise<{ grant: ResourceGrant; outcome: 'created' | 'updated'; previous: string | null }> {
  assertTenantScope(actor, tenantId);
  const { entity, path } = parseResource(input.on);
  assertMayAdministerGrants(actor, tenantId, entity, path);
  const at = isoNow(deps);
  try {
    return await deps.store.write(async (trx) => {
      const subject = await resolveSubject(trx, tenantId, input.subject);
      const what = await resolveGrantName(trx, tenantId, input.grant, entity);
      assertCanConfer(actor, tenantId, entity, path, what.actions);
      const change = await writeGrant(trx, actor.userId, tenantId, subject, entity, path, what, at);
      if (change.outcome === 'unchanged') {
        throw conflict(`${subject.label} already has ${input.grant} on ${entity}:${path}`, `see \`iamctl access list --on ${entity}:${path}\``);
      }
      return { grant: await grantObject(trx, tenantId, change.row.id), outcome: change.outcome, previous: change.previous };
    });
  } catch (error) {
    // The same subject granted on the same resource concurrently (PostgreSQL).
    if (isUniqueViolation(error)) throw conflict(`a grant for ${input.subject} on ${entity}:${path} was made meanwhile`, 'run the command again to replace it');
    throw error;
  }
}

export interface RevokeInput {
  subject: string;
  on: string;
}

/** The grant `access revoke` would remove (6 when there is none), authorized; for confirming before revoking. */
export async function findGrantToRevoke(deps: Deps, actor: Principal, tenantId: string, input: RevokeInput): Promise<{ label: string; entity: string; path: string; grant: string }> {
  assertTenantScope(actor, tenantId);
  const { entity, path } = parseResource(input.on);
  assertMayAdministerGrants(actor, tenantId, entity, path);
  const subject = await resolveSubject(deps.store.db, tenantId, input.subject);
  const row = await findGrantRow(deps.store.db, tenantId, entity, path, subject.key);
  if (!row) throw noSuchGrant(subject.label, entity, path);
  return { label: subject.label, entity, path, grant: nameOf(row) };
}

const noSuchGrant = (label: string, entity: string, path: string) =>
  new AppError('not_found', `${label} has no grant on ${entity}:${path}`, { hint: `see \`iamctl access list --on ${entity}:${path}\`: a grant on a folder above is revoked on that folder` });

/** `access revoke`: removes the subject's grant on exactly that resource (6 when there is none). */
export async function revokeAccess(deps: Deps, actor: Principal, tenantId: string, input: RevokeInput): Promise<ResourceGrant> {
  assertTenantScope(actor, tenantId);
  const { entity, path } = parseResource(input.on);
  assertMayAdministerGrants(actor, tenantId, entity, path);
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const subject = await resolveSubject(trx, tenantId, input.subject);
    const existing = await findGrantRow(trx, tenantId, entity, path, subject.key);
    if (!existing) throw noSuchGrant(subject.label, entity, path);
    const grant = await grantObject(trx, tenantId, existing.id);
    await removeGrant(trx, actor.userId, tenantId, subject, entity, path, at);
    return grant;
  });
}
