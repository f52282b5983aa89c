// Sign-in, sessions and sign-in lockout (SPEC §9). A session is a 256-bit token kept by the
// client; the store keeps only its SHA-256, with an absolute expiry.
import type { Kysely } from 'kysely';
import { addHours, addMinutes, isoNow, type Deps } from '../core/deps.js';
import { unauthenticated } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { settingNumber } from '../core/settings.js';
import { appendAudit } from '../store/audit-repo.js';
import { isPostgres } from '../store/dialect.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import type { CodeRefusal } from '../core/mfa-check.js';
import type { Database, SessionRow, UserRow } from '../store/schema.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { verifyPassword } from './passwords.js';
import { principalFor, notSignedInHint, type Principal } from './principal.js';
import { newToken, sha256Hex } from './tokens.js';

export interface NewSession {
  token: string;
  session: SessionRow;
}

export async function createSession(
  trx: Kysely<Database>,
  user: Pick<UserRow, 'id' | 'tenant_id'>,
  via: SessionRow['via'],
  now: Date,
  options: { restricted?: boolean } = {},
): Promise<NewSession> {
  const settings = await loadStoredSettings(trx, { tenantId: user.tenant_id });
  const token = newToken();
  const session: SessionRow = {
    id: newId(),
    tenant_id: user.tenant_id,
    user_id: user.id,
    token_hash: sha256Hex(token),
    via,
    restricted: options.restricted ? 1 : 0,
    created_at: now.toISOString(),
    expires_at: addHours(now, settingNumber(settings, 'sessions.ttlHours')),
    last_seen_at: null,
    revoked_at: null,
  };
  await trx.insertInto('sessions').values(session).execute();
  return { token, session };
}

const badCredentials = () => unauthenticated('wrong email or password', 'check both, or ask an administrator to reset the password');

export interface LoginInput {
  email: string;
  password: string;
  /** The second factor, for an account with MFA on (see `PasswordChecked.needsCode`). */
  secondFactor?: SecondFactor | undefined;
}

export interface SecondFactor {
  /** A 6-digit TOTP code or a recovery code, as typed. */
  code: string;
  /** The master key that decrypts the TOTP secret. */
  masterKey: Buffer;
}

export interface LoginResult extends NewSession {
  user: UserRow;
  /** The admin MFA policy applies and no factor is confirmed: enrol, confirm, whoami, logout only. */
  restricted: boolean;
  /** How the second factor was given, if the account has one. */
  secondFactor: 'totp' | 'recovery' | null;
  /** After a recovery code: how many are left. */
  recoveryCodesLeft: number | null;
}

/** A password that checked out; the account may still need its second factor. */
export interface PasswordChecked {
  readonly user: UserRow;
  readonly rehash: string | null;
  /** MFA is on: `completeLogin` needs a code. Known only to someone who gave the right password. */
  readonly needsCode: boolean;
}

/**
 * Password sign-in, both steps at once (the second factor, when needed, in `input`).
 */
export async function login(deps: Deps, input: LoginInput): Promise<LoginResult> {
  return completeLogin(deps, await checkPassword(deps, input), input.secondFactor);
}

/**
 * The first step of sign-in. Every failure (unknown email, wrong password, locked, not active,
 * tenant inactive) does the same argon2 work and answers the same way; the audit event says why.
 * Only after it passes does the caller learn whether a code is needed (and ask for one).
 */
export async function checkPassword(deps: Deps, input: Pick<LoginInput, 'email' | 'password'>): Promise<PasswordChecked> {
  const { db } = deps.store;
  const emailLower = input.email.trim().toLowerCase();
  const user = await db.selectFrom('users').selectAll().where('email_lower', '=', emailLower).executeTakeFirst();
  const check = await verifyPassword(user?.password_hash ?? null, input.password);
  const now = deps.now();
  const at = now.toISOString();

  let failure: string | null = null;
  if (!user) failure = 'unknown_email';
  else if (!check.ok) failure = (await isLocked(db, user, at)) ? 'locked' : 'wrong_password';
  else if (user.status !== 'active') failure = `user_${user.status}`;
  else if (await isLocked(db, user, at)) failure = 'locked';
  else {
    const tenant = await db.selectFrom('tenants').select('status').where('id', '=', user.tenant_id).executeTakeFirst();
    if (tenant?.status !== 'active') failure = 'tenant_inactive';
  }

  if (failure) {
    await deps.store.write(async (trx) => {
      await recordLoginFailure(trx, emailLower, at, user, failure);
      if (user && failure === 'wrong_password') await lockIfTooManyFailures(trx, user, now);
    });
    throw badCredentials();
  }
  return { user: user!, rehash: check.rehash, needsCode: user!.mfa_enabled === 1 };
}

async function recordLoginFailure(trx: Kysely<Database>, emailLower: string, at: string, user: UserRow | undefined, reason: string): Promise<void> {
  await trx.insertInto('sign_in_attempts').values({ id: newId(), email_lower: emailLower, at, succeeded: 0 }).execute();
  await appendAudit(trx, {
    at,
    tenantId: user?.tenant_id ?? MAIN_TENANT_ID,
    actorId: null,
    action: 'auth.login',
    target: user ? `user:${user.id}` : null,
    result: 'failure',
    details: { reason },
  });
}

/**
 * The second step: checks the code when the account has MFA on (a wrong one counts towards the
 * lockout, like a wrong password), then opens the session, restricted when the admin MFA policy
 * applies to a user without a confirmed factor.
 */
export async function completeLogin(deps: Deps, checked: PasswordChecked, secondFactor?: SecondFactor): Promise<LoginResult> {
  const { user, rehash } = checked;
  const now = deps.now();
  const at = now.toISOString();
  const mfa = await import('../core/mfa-check.js');
  if (checked.needsCode && !secondFactor) {
    throw unauthenticated('this account needs an authentication code after the password', 'pass --code-stdin (the line after the password), or sign in at a terminal');
  }
  type Outcome = { refused: CodeRefusal } | { refused: null; result: LoginResult };
  const outcome = await deps.store.write(async (trx): Promise<Outcome> => {
    // The password was checked outside this transaction: a deactivation or deletion that
    // committed since must not be outlived by a session opened now. The row lock (PostgreSQL;
    // SQLite's IMMEDIATE transaction serializes anyway) orders this with the status change,
    // which ends every session of the user in its own transaction.
    let current = trx.selectFrom('users').select('status').where('tenant_id', '=', user.tenant_id).where('id', '=', user.id);
    if (isPostgres(trx)) current = current.forUpdate();
    if ((await current.executeTakeFirst())?.status !== 'active') throw badCredentials();
    let factor: Awaited<ReturnType<typeof mfa.checkSecondFactor>> | null = null;
    if (checked.needsCode) {
      factor = await mfa.checkSecondFactor(trx, user, secondFactor!.code, secondFactor!.masterKey, now);
      if (!factor.ok) {
        await recordLoginFailure(trx, user.email_lower, at, user, factor.reason);
        if (factor.reason !== 'locked') await lockIfTooManyFailures(trx, user, now);
        return { refused: factor.reason };
      }
    }
    const restricted = !checked.needsCode && (await mfa.mfaRequiredFor(trx, user));
    await trx.insertInto('sign_in_attempts').values({ id: newId(), email_lower: user.email_lower, at, succeeded: 1 }).execute();
    await trx
      .updateTable('users')
      .set({ last_login_at: at, ...(rehash ? { password_hash: rehash } : {}) })
      .where('id', '=', user.id)
      .execute();
    const created = await createSession(trx, user, 'password', now, { restricted });
    const method = factor?.ok ? factor.method : null;
    await appendAudit(trx, {
      at,
      tenantId: user.tenant_id,
      actorId: user.id,
      action: 'auth.login',
      target: `user:${user.id}`,
      details: { session: created.session.id, ...(rehash ? { rehashed: true } : {}), ...(method ? { mfa: method } : {}), ...(restricted ? { restricted: true } : {}) },
    });
    return {
      refused: null,
      result: {
        ...created,
        user: { ...user, last_login_at: at },
        restricted,
        secondFactor: method,
        recoveryCodesLeft: factor?.ok ? factor.recoveryCodesLeft : null,
      },
    };
  });
  if (outcome.refused) throw mfa.codeRefused(outcome.refused);
  return outcome.result;
}

/** The account's lock row, if it was ever locked (locked_until may be past). */
export async function lockOf(db: Kysely<Database>, user: Pick<UserRow, 'id' | 'tenant_id'>): Promise<{ locked_until: string } | undefined> {
  return db.selectFrom('lockouts').select('locked_until').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).executeTakeFirst();
}

/** Whether the account is locked at `at` (ISO time). */
export async function isLocked(db: Kysely<Database>, user: Pick<UserRow, 'id' | 'tenant_id'>, at: string): Promise<boolean> {
  const lock = await lockOf(db, user);
  return lock !== undefined && lock.locked_until > at;
}

/**
 * Records a failed password check of a known account outside sign-in (e.g. a wrong current
 * password at `password change`), so guessing there counts towards the same lockout.
 */
export async function recordPasswordFailure(trx: Kysely<Database>, user: UserRow, now: Date): Promise<void> {
  await trx.insertInto('sign_in_attempts').values({ id: newId(), email_lower: user.email_lower, at: now.toISOString(), succeeded: 0 }).execute();
  await lockIfTooManyFailures(trx, user, now);
}

/**
 * Locks the account for the window when the failures within the window reach the limit.
 * Failures only count after the last success and after the end of the last lock (its expiry,
 * or the moment an admin unlocked it, which sets locked_until to then): attempts made while
 * locked, or before an unlock, never lock the account again by themselves.
 */
async function lockIfTooManyFailures(trx: Kysely<Database>, user: UserRow, now: Date): Promise<void> {
  // Concurrent failures of one account are counted one after another, so parallel guesses
  // cannot slip past the limit (on SQLite the IMMEDIATE transaction already serializes them).
  if (isPostgres(trx)) {
    await trx.selectFrom('users').select('id').where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).forUpdate().execute();
  }
  const settings = await loadStoredSettings(trx, { tenantId: user.tenant_id });
  const maxAttempts = settingNumber(settings, 'security.lockout.maxAttempts');
  const windowMinutes = settingNumber(settings, 'security.lockout.windowMinutes');
  const windowStart = addMinutes(now, -windowMinutes);
  const lastSuccess = await trx
    .selectFrom('sign_in_attempts')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('email_lower', '=', user.email_lower)
    .where('succeeded', '=', 1)
    .executeTakeFirst();
  const lock = await lockOf(trx, user);
  const since = [windowStart, lastSuccess?.at ?? '', lock?.locked_until ?? ''].sort().at(-1)!;
  const failures = await trx
    .selectFrom('sign_in_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_lower', '=', user.email_lower)
    .where('succeeded', '=', 0)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  if (Number(failures.n) < maxAttempts) return;
  const at = now.toISOString();
  const lockedUntil = addMinutes(now, windowMinutes);
  await trx
    .insertInto('lockouts')
    .values({ tenant_id: user.tenant_id, user_id: user.id, locked_at: at, locked_until: lockedUntil })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ locked_at: at, locked_until: lockedUntil }))
    .execute();
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: null,
    action: 'user.lock',
    target: `user:${user.id}`,
    details: { failures: Number(failures.n), until: lockedUntil },
  });
}

/** Resolves a session token to its principal, or says why it cannot be used. */
export async function authenticateSession(deps: Deps, token: string): Promise<Principal> {
  const { db } = deps.store;
  const session = await db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!session) throw unauthenticated('your session is not valid (signed out, or from another store)', notSignedInHint);
  if (session.revoked_at) throw unauthenticated('your session has ended', notSignedInHint);
  if (session.expires_at <= isoNow(deps)) throw unauthenticated('your session has expired', notSignedInHint);
  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  if (!user) throw unauthenticated('your session is not valid', notSignedInHint);
  return principalFor(db, user, {
    via: session.via === 'sso' ? 'sso' : 'session',
    sessionId: session.id,
    keyId: null,
    restricted: session.restricted === 1,
  });
}

/** Ends the current session, or every session of its user. */
export async function logout(deps: Deps, principal: Principal, all: boolean): Promise<number> {
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    let q = trx.updateTable('sessions').set({ revoked_at: at }).where('revoked_at', 'is', null);
    q = all ? q.where('tenant_id', '=', principal.tenantId).where('user_id', '=', principal.userId) : q.where('id', '=', principal.sessionId ?? '');
    const result = await q.executeTakeFirst();
    const ended = Number(result.numUpdatedRows);
    await appendAudit(trx, {
      at,
      tenantId: principal.tenantId,
      actorId: principal.userId,
      action: all ? 'auth.logout-all' : 'auth.logout',
      target: principal.userId,
      details: { sessions: ended },
    });
    return ended;
  });
}

/** Ends every live session of a user (deactivation, deletion, password set by an admin...). */
export async function endSessionsOf(
  trx: Kysely<Database>,
  user: Pick<UserRow, 'id' | 'tenant_id'>,
  at: string,
  options: { except?: string | null } = {},
): Promise<number> {
  let q = trx
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null);
  if (options.except) q = q.where('id', '!=', options.except);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
