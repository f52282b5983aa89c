// A user's lifecycle (SPEC §6): update the profile, deactivate / activate, soft delete /
// restore, and purge (erasure of a deleted user). Each change exists twice: `...InTrx`, which
// runs inside a caller's transaction (declarative `apply --prune` and `user offboard` compose
// them), and a thin wrapper that opens the transaction. Every change writes its audit event in
// the same transaction. Nobody changes the status of their own account, and the last active
// super admin stays.
import type { Kysely } from 'kysely';
import { endSessionsOf } from '../auth/sessions.js';
import { appendAudit } from '../store/audit-repo.js';
import { isPostgres } from '../store/dialect.js';
import { revokePendingInvitations } from '../store/invitation-repo.js';
import type { Database, UserRow } from '../store/schema.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { findUserRow, nameColumns, toUserObject } from '../store/user-repo.js';
import { isoNow, type Deps } from './deps.js';
import { conflict, notFound, validationError } from './errors.js';
import type { User } from './model.js';
import { validatePersonName } from './validation.js';

/** Who makes a change: a user id, or null for the system. */
export interface LifecycleActor {
  userId: string | null;
}

export interface StatusChange {
  user: UserRow;
  /** Sessions of the user that were ended (deactivate, delete). */
  sessionsEnded: number;
  /** Pending invitations of the user that were revoked (deactivate, delete). */
  invitationsRevoked: number;
}

type UserKey = Pick<UserRow, 'id' | 'tenant_id'>;

/** A user of the tenant by email or id; `includeDeleted` for restore and purge. Others look missing (6). */
export async function lifecycleTarget(db: Kysely<Database>, tenantId: string, ref: string, options: { includeDeleted?: boolean } = {}): Promise<UserRow> {
  const row = await findUserRow(db, { ref, tenantId, includeDeleted: options.includeDeleted ?? false });
  if (!row) throw notFound(`user ${ref}`, options.includeDeleted ? 'see `iamctl user list --include-deleted`' : 'see `iamctl user list`');
  return row;
}

/** Refuses (7) a change of one's own account status. */
export function assertNotSelf(actor: LifecycleActor, user: UserKey & Pick<UserRow, 'email'>, verb: string): void {
  if (actor.userId !== null && actor.userId === user.id) {
    throw conflict(`you cannot ${verb} your own account`, 'ask another administrator');
  }
}

/** Refuses (7) taking the last active super admin out of service. */
export async function assertNotLastSuperAdmin(trx: Kysely<Database>, user: UserRow, verb: string): Promise<void> {
  if (user.tenant_id !== MAIN_TENANT_ID || user.status !== 'active') return;
  // Two super admins taking each other out at once must not both succeed: on PostgreSQL the
  // main account's row serializes these checks (SQLite's IMMEDIATE transactions already do).
  if (isPostgres(trx)) await trx.selectFrom('tenants').select('id').where('id', '=', MAIN_TENANT_ID).forUpdate().execute();
  const others = await trx
    .selectFrom('users as u')
    .innerJoin('role_assignments as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.user_id', '=', 'u.id'))
    .select('u.id')
    .where('u.tenant_id', '=', MAIN_TENANT_ID)
    .where('r.role_id', '=', 'super-admin')
    .where('u.status', '=', 'active')
    .where('u.id', '!=', user.id)
    .limit(1)
    .executeTakeFirst();
  if (!others) throw conflict(`cannot ${verb} ${user.email}: it is the last active super admin`, 'create or activate another super admin first');
}

export type LifecycleVerb = 'deactivate' | 'activate' | 'delete' | 'restore' | 'purge';

/**
 * The refusals that need no query: oneself (7) and a status the change does not apply to (7).
 * The `...InTrx` functions run it first; commands run it before asking for confirmation.
 */
export function assertLifecycleChange(actor: LifecycleActor, user: UserRow, verb: LifecycleVerb): void {
  assertNotSelf(actor, user, verb);
  const s = user.status;
  const refuse = (message: string, hint?: string) => {
    throw conflict(message, hint);
  };
  switch (verb) {
    case 'deactivate':
      if (s === 'inactive') refuse(`${user.email} is already inactive`);
      if (s === 'deleted') refuse(`${user.email} is deleted`, `restore it first: iamctl user restore ${user.email}`);
      break;
    case 'activate':
      if (s === 'deleted') refuse(`${user.email} is deleted, not inactive`, `restore it: iamctl user restore ${user.email}`);
      if (s === 'invited') refuse(`${user.email} is invited, not inactive`, 'the user becomes active by accepting the invitation');
      if (s === 'active') refuse(`${user.email} is already active`);
      break;
    case 'delete':
      if (s === 'deleted') refuse(`${user.email} is already deleted`);
      break;
    case 'restore':
      if (s !== 'deleted') refuse(`${user.email} is not deleted`, 'only deleted users can be restored');
      break;
    case 'purge':
      if (s !== 'deleted') refuse(`${user.email} is not deleted`, `delete it first: iamctl user delete ${user.email}`);
      break;
  }
}

async function setStatus(trx: Kysely<Database>, user: UserKey, fields: Partial<Pick<UserRow, 'status' | 'deleted_at'>>, at: string): Promise<void> {
  await trx.updateTable('users').set({ ...fields, updated_at: at }).where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
}

/** Ends the user's sessions and pending invitations: what taking an account out of service means. */
async function takeOutOfService(trx: Kysely<Database>, user: UserKey, at: string): Promise<Omit<StatusChange, 'user'>> {
  const sessionsEnded = await endSessionsOf(trx, user, at);
  const invitationsRevoked = await revokePendingInvitations(trx, user, at);
  return { sessionsEnded, invitationsRevoked };
}

/**
 * Deactivates an active or invited user: sessions end and pending invitations are revoked at
 * once; keys fail while the user is inactive (verification checks the user's status).
 */
export async function deactivateUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, at: string): Promise<StatusChange> {
  assertLifecycleChange(actor, user, 'deactivate');
  await assertNotLastSuperAdmin(trx, user, 'deactivate');
  await setStatus(trx, user, { status: 'inactive' }, at);
  const ended = await takeOutOfService(trx, user, at);
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: actor.userId,
    action: 'user.deactivate',
    target: `user:${user.id}`,
    details: { previousStatus: user.status, ...ended },
  });
  return { user: { ...user, status: 'inactive', updated_at: at }, ...ended };
}

/** Activates an inactive user (their keys work again; sessions stay ended). */
export async function activateUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, at: string): Promise<StatusChange> {
  assertLifecycleChange(actor, user, 'activate');
  await setStatus(trx, user, { status: 'active' }, at);
  await appendAudit(trx, { at, tenantId: user.tenant_id, actorId: actor.userId, action: 'user.activate', target: `user:${user.id}`, details: {} });
  return { user: { ...user, status: 'active', updated_at: at }, sessionsEnded: 0, invitationsRevoked: 0 };
}

/**
 * Soft-deletes a user: hidden from lists and lookups, sessions end and pending invitations are
 * revoked at once, keys fail. Roles, teams, grants and keys stay, for `restore`.
 */
export async function softDeleteUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, at: string): Promise<StatusChange> {
  assertLifecycleChange(actor, user, 'delete');
  await assertNotLastSuperAdmin(trx, user, 'delete');
  await setStatus(trx, user, { status: 'deleted', deleted_at: at }, at);
  const ended = await takeOutOfService(trx, user, at);
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: actor.userId,
    action: 'user.delete',
    target: `user:${user.id}`,
    details: { previousStatus: user.status, ...ended },
  });
  return { user: { ...user, status: 'deleted', deleted_at: at, updated_at: at }, ...ended };
}

/** Brings a soft-deleted user back, active, with everything they had. */
export async function restoreUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, at: string): Promise<StatusChange> {
  assertLifecycleChange(actor, user, 'restore');
  await setStatus(trx, user, { status: 'active', deleted_at: null }, at);
  await appendAudit(trx, { at, tenantId: user.tenant_id, actorId: actor.userId, action: 'user.restore', target: `user:${user.id}`, details: { deletedAt: user.deleted_at } });
  return { user: { ...user, status: 'active', deleted_at: null, updated_at: at }, sessionsEnded: 0, invitationsRevoked: 0 };
}

/**
 * Erases a soft-deleted user for good: the row and everything that follows it (roles, teams,
 * grants, keys, sessions, invitations, factors, settings, lockout; by the foreign keys'
 * cascades) and the sign-in attempts recorded under the email. Audit events keep the id only.
 */
export async function purgeUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, at: string): Promise<void> {
  assertLifecycleChange(actor, user, 'purge');
  await trx.deleteFrom('users').where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
  const attempts = await trx.deleteFrom('sign_in_attempts').where('email_lower', '=', user.email_lower).executeTakeFirst();
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: actor.userId,
    action: 'user.purge',
    target: `user:${user.id}`,
    details: { signInAttemptsErased: Number(attempts.numDeletedRows) },
  });
}

export interface UpdateUserInput {
  firstName?: string | undefined;
  /** '' clears it. */
  lastName?: string | undefined;
  /** Refused: emails are immutable (present so callers pass what they were given). */
  email?: string | undefined;
}

/** Validates the profile change; returns the fields that differ (none: nothing to write). */
export function profileChanges(user: UserRow, input: UpdateUserInput): { first_name?: string; last_name?: string } {
  if (input.email !== undefined) {
    throw validationError('the email of a user cannot change', 'create a new user with the new email (and delete this one) instead');
  }
  const changes: { first_name?: string; last_name?: string } = {};
  if (input.firstName !== undefined) {
    const firstName = validatePersonName(input.firstName, 'first name');
    if (firstName !== user.first_name) changes.first_name = firstName;
  }
  if (input.lastName !== undefined) {
    const lastName = validatePersonName(input.lastName, 'last name');
    if (lastName !== user.last_name) changes.last_name = lastName;
  }
  return changes;
}

/** Changes a user's names (audited with the names of the fields, not their values). */
export async function updateUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, input: UpdateUserInput, at: string): Promise<{ user: UserRow; changed: string[] }> {
  const changes = profileChanges(user, input);
  const changed = Object.keys(changes).map((k) => (k === 'first_name' ? 'firstName' : 'lastName'));
  if (changed.length === 0) return { user, changed };
  const firstName = changes.first_name ?? user.first_name;
  const lastName = changes.last_name ?? user.last_name;
  const fields = { first_name: firstName, last_name: lastName, ...nameColumns(firstName, lastName), updated_at: at };
  await trx.updateTable('users').set(fields).where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
  await appendAudit(trx, { at, tenantId: user.tenant_id, actorId: actor.userId, action: 'user.update', target: `user:${user.id}`, details: { changed } });
  return { user: { ...user, ...fields }, changed };
}

// --- wrappers: one transaction each -------------------------------------------------------

export type StatusVerb = Exclude<LifecycleVerb, 'purge'>;

const inTrx: Record<StatusVerb, typeof deactivateUserInTrx> = {
  deactivate: deactivateUserInTrx,
  activate: activateUserInTrx,
  delete: softDeleteUserInTrx,
  restore: restoreUserInTrx,
};

export interface StatusResult extends Omit<StatusChange, 'user'> {
  user: User;
}

/** One status change of a user of the tenant (by email or id), in its own transaction. */
export async function changeUserStatus(deps: Deps, actor: LifecycleActor, tenantId: string, ref: string, verb: StatusVerb): Promise<StatusResult> {
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const user = await lifecycleTarget(trx, tenantId, ref, { includeDeleted: verb === 'restore' });
    const change = await inTrx[verb](trx, actor, user, at);
    return { ...change, user: await toUserObject(trx, change.user) };
  });
}

export async function updateUser(deps: Deps, actor: LifecycleActor, tenantId: string, ref: string, input: UpdateUserInput): Promise<{ user: User; changed: string[] }> {
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const found = await lifecycleTarget(trx, tenantId, ref);
    const { user, changed } = await updateUserInTrx(trx, actor, found, input, at);
    return { user: await toUserObject(trx, user), changed };
  });
}

/** Purges a deleted user of the tenant; returns what the user was, for the message. */
export async function purgeUser(deps: Deps, actor: LifecycleActor, tenantId: string, ref: string): Promise<User> {
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const user = await lifecycleTarget(trx, tenantId, ref, { includeDeleted: true });
    const before = await toUserObject(trx, user);
    await purgeUserInTrx(trx, actor, user, at);
    return before;
  });
}
