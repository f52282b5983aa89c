// Sign-in, sessions and sign-in lockout (SPEC §9). A session is a 256-bit token kept by the
// client; the store keeps only its SHA-256, with an absolute expiry.
import type { Kysely } from 'kysely';
import { addHours, addMinutes, isoNow, type Deps } from '../core/deps.js';
import { unauthenticated } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { settingNumber } from '../core/settings.js';
import { appendAudit } from '../store/audit-repo.js';
import { loadStoredSettings } from '../store/settings-repo.js';
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
}

export interface LoginResult extends NewSession {
  user: UserRow;
}

/**
 * Password sign-in. Every failure (unknown email, wrong password, locked, not active, tenant
 * inactive) does the same argon2 work and answers the same way; the audit event says why.
 */
export async function login(deps: Deps, input: LoginInput): Promise<LoginResult> {
  const { db } = deps.store;
  const emailLower = input.email.trim().toLowerCase();
  const user = await db.selectFrom('users').selectAll().where('email_lower', '=', emailLower).executeTakeFirst();
  const check = await verifyPassword(user?.password_hash ?? null, input.password);
  const now = deps.now();
  const at = now.toISOString();

  let failure: string | null = null;
  if (!user) failure = 'unknown_email';
  else if (!check.ok) failure = 'wrong_password';
  else if (user.status !== 'active') failure = `user_${user.status}`;
  else if (await isLocked(db, user, at)) failure = 'locked';
  else {
    const tenant = await db.selectFrom('tenants').select('status').where('id', '=', user.tenant_id).executeTakeFirst();
    if (tenant?.status !== 'active') failure = 'tenant_inactive';
  }
  // A wrong password on a locked account is reported as locked in the audit trail.
  if (user && failure === 'wrong_password' && (await isLocked(db, user, at))) failure = 'locked';

  if (failure) {
    await deps.store.write(async (trx) => {
      await trx.insertInto('sign_in_attempts').values({ id: newId(), email_lower: emailLower, at, succeeded: 0 }).execute();
      await appendAudit(trx, {
        at,
        tenantId: user?.tenant_id ?? MAIN_TENANT_ID,
        actorId: null,
        action: 'auth.login',
        target: user?.id ?? null,
        result: 'failure',
        details: { reason: failure },
      });
      if (user && failure === 'wrong_password') await lockIfTooManyFailures(trx, user, now);
    });
    throw badCredentials();
  }

  const signedIn = user!;
  return deps.store.write(async (trx) => {
    await trx.insertInto('sign_in_attempts').values({ id: newId(), email_lower: emailLower, at, succeeded: 1 }).execute();
    await trx
      .updateTable('users')
      .set({ last_login_at: at, ...(check.rehash ? { password_hash: check.rehash } : {}) })
      .where('id', '=', signedIn.id)
      .execute();
    const created = await createSession(trx, signedIn, 'password', now);
    await appendAudit(trx, {
      at,
      tenantId: signedIn.tenant_id,
      actorId: signedIn.id,
      action: 'auth.login',
      target: signedIn.id,
      details: { session: created.session.id, ...(check.rehash ? { rehashed: true } : {}) },
    });
    return { ...created, user: { ...signedIn, last_login_at: at } };
  });
}

/** Whether the account is locked (too many failed password sign-ins) at `at`. */
export async function isLocked(db: Kysely<Database>, user: UserRow, at: string): Promise<boolean> {
  const lock = await db
    .selectFrom('lockouts')
    .select('locked_until')
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  return lock !== undefined && lock.locked_until > at;
}

/** Locks the account when the failures since the last success (or unlock) reach the limit. */
async function lockIfTooManyFailures(trx: Kysely<Database>, user: UserRow, now: Date): Promise<void> {
  const settings = await loadStoredSettings(trx, { tenantId: user.tenant_id });
  const maxAttempts = settingNumber(settings, 'security.lockout.maxAttempts');
  const windowMinutes = settingNumber(settings, 'security.lockout.windowMinutes');
  const windowStart = addMinutes(now, -windowMinutes);
  const lastReset = await trx
    .selectFrom('sign_in_attempts')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('email_lower', '=', user.email_lower)
    .where('succeeded', '=', 1)
    .executeTakeFirst();
  const lock = await trx
    .selectFrom('lockouts')
    .select('locked_at')
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  const since = [windowStart, lastReset?.at ?? '', lock?.locked_at ?? ''].sort().at(-1)!;
  const failures = await trx
    .selectFrom('sign_in_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_lower', '=', user.email_lower)
    .where('succeeded', '=', 0)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(failures.n) < maxAttempts) return;
  const at = now.toISOString();
  const values = { tenant_id: user.tenant_id, user_id: user.id, locked_at: at, locked_until: addMinutes(now, windowMinutes) };
  await trx.deleteFrom('lockouts').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).execute();
  await trx.insertInto('lockouts').values(values).execute();
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: null,
    action: 'user.lock',
    target: user.id,
    details: { failures: Number(failures.n), until: values.locked_until },
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
