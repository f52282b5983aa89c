// Passwords and lockouts (SPEC §6): a user changes their own password (knowing the current
// one; their other sessions end); an admin sets another user's password (all of that user's
// sessions end) and clears a sign-in lockout.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/passwords.js';
import { endSessionsOf, isLocked, lockOf, recordPasswordFailure } from '../auth/sessions.js';
import { appendAudit } from '../store/audit-repo.js';
import { revokePendingInvitations } from '../store/invitation-repo.js';
import type { Database, UserRow } from '../store/schema.js';
import { findUserRow, toUserObject } from '../store/user-repo.js';
import type { Deps } from './deps.js';
import { conflict, forbidden, notFound, unauthenticated, validationError } from './errors.js';
import type { User } from './model.js';

/** A user of the given tenant by email or id; users of other tenants look missing (6). */
export async function findUserIn(deps: Deps, tenantId: string, ref: string): Promise<UserRow> {
  const row = await findUserRow(deps.store.db, { ref, tenantId });
  if (!row) throw notFound(`user ${ref}`, 'see `iamctl user list`');
  return row;
}

export interface PasswordChange {
  user: User;
  /** Other sessions of the user that were ended. */
  sessionsEnded: number;
}

/**
 * The principal's own password. A wrong current password is an authentication error (4) and
 * counts towards the sign-in lockout, like a wrong password at login; a locked account
 * answers the same way.
 */
export async function changeOwnPassword(deps: Deps, principal: Principal, input: { current: string; next: string }): Promise<PasswordChange> {
  const { db } = deps.store;
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', principal.tenantId)
    .where('id', '=', principal.userId)
    .executeTakeFirstOrThrow();
  const check = await verifyPassword(user.password_hash, input.current);
  const now = deps.now();
  const at = now.toISOString();
  const audit = (trx: Kysely<Database>, result: 'success' | 'failure', details: Record<string, unknown>) =>
    appendAudit(trx, { at, tenantId: user.tenant_id, actorId: user.id, action: 'user.password-change', target: `user:${user.id}`, result, details });
  if (!check.ok || (await isLocked(db, user, at))) {
    await deps.store.write(async (trx) => {
      if (!check.ok) await recordPasswordFailure(trx, user, now);
      await audit(trx, 'failure', { reason: check.ok ? 'locked' : 'wrong current password' });
    });
    throw unauthenticated('the current password is wrong', 'give your current password first, then the new one');
  }
  const normalized = await checkPasswordPolicy(input.next, user.email);
  if (normalized === input.current.normalize('NFKC')) throw validationError('the new password must differ from the current one');
  const passwordHash = await hashPassword(normalized);
  const sessionsEnded = await deps.store.write(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: at }).where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
    const ended = await endSessionsOf(trx, user, at, { except: principal.sessionId });
    await audit(trx, 'success', { sessionsEnded: ended });
    return ended;
  });
  return { user: await toUserObject(db, { ...user, password_hash: passwordHash, updated_at: at }), sessionsEnded };
}

/**
 * An admin sets another user's password: every session of that user ends. An invited user
 * becomes active (their pending invitations are revoked: the password is set now).
 */
export async function setUserPassword(deps: Deps, actor: Principal, user: UserRow, password: string): Promise<PasswordChange> {
  if (user.id === actor.userId) {
    throw forbidden('use `iamctl password change` for your own password', 'it asks for your current password first');
  }
  const passwordHash = await hashPassword(await checkPasswordPolicy(password, user.email));
  const at = deps.now().toISOString();
  const status = user.status === 'invited' ? 'active' : user.status;
  const sessionsEnded = await deps.store.write(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, status, updated_at: at })
      .where('tenant_id', '=', user.tenant_id)
      .where('id', '=', user.id)
      .execute();
    const invitationsRevoked = user.status === 'invited' ? await revokePendingInvitations(trx, user, at) : 0;
    const ended = await endSessionsOf(trx, user, at);
    await appendAudit(trx, {
      at,
      tenantId: user.tenant_id,
      actorId: actor.userId,
      action: 'user.set-password',
      target: `user:${user.id}`,
      details: { sessionsEnded: ended, ...(status !== user.status ? { activated: true, invitationsRevoked } : {}) },
    });
    return ended;
  });
  return { user: await toUserObject(deps.store.db, { ...user, password_hash: passwordHash, status, updated_at: at }), sessionsEnded };
}

/**
 * Clears a sign-in lockout. The lock row stays with locked_until set to now: failures before
 * the unlock then no longer count towards the next lock.
 */
export async function unlockUser(deps: Deps, actor: Principal, user: UserRow): Promise<User> {
  const at = deps.now().toISOString();
  await deps.store.write(async (trx) => {
    const lock = await lockOf(trx, user);
    if (!lock || lock.locked_until <= at) throw conflict(`${user.email} is not locked`, 'a lockout ends by itself after security.lockout.windowMinutes');
    await trx.updateTable('lockouts').set({ locked_until: at }).where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).execute();
    await appendAudit(trx, {
      at,
      tenantId: user.tenant_id,
      actorId: actor.userId,
      action: 'user.unlock',
      target: `user:${user.id}`,
      details: { lockedUntil: lock.locked_until },
    });
  });
  return toUserObject(deps.store.db, user);
}
