// Multi-factor sign-in (SPEC §6, seed 003): a TOTP factor per user, enrolled, then confirmed
// with a current code (only then enforced), with 10 single-use recovery codes; disabled with
// a code; reset by an admin. The secret is kept encrypted under the master key; recovery codes
// only as hashes. The check of a typed code at sign-in and disable is in mfa-check.ts.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { decryptSecret, encryptSecret } from '../auth/secrets.js';
import { endSessionsOf, recordPasswordFailure } from '../auth/sessions.js';
import { matchTotp, newRecoveryCodes, newTotpSecret, otpauthUri, parseSecondFactor, recoveryCodeHash, totpIssuer, totpParameters } from '../auth/totp.js';
import { appendAudit } from '../store/audit-repo.js';
import type { Database, UserRow } from '../store/schema.js';
import { toUserObject } from '../store/user-repo.js';
import type { Deps } from './deps.js';
import { AppError, conflict, forbidden } from './errors.js';
import type { MfaEnrolment, User } from './model.js';
import { checkSecondFactor, codeRefused, factorOf, type CodeRefusal } from './mfa-check.js';

type Trx = Kysely<Database>;
type UserKey = Pick<UserRow, 'id' | 'tenant_id'>;
/** A transaction's outcome: done, or a refused code (recorded, then thrown once committed). */
type Outcome<T> = { refused: CodeRefusal } | { refused: null; value: T };

const keyOf = (principal: Principal): UserKey => ({ id: principal.userId, tenant_id: principal.tenantId });

/** A second factor guards interactive sign-in; an API key cannot manage it. */
function assertSignedIn(principal: Principal): void {
  if (principal.via === 'apiKey') {
    throw forbidden('a second factor is managed from a signed-in session, not with an API key', 'run `iamctl login`, then the mfa command');
  }
}

async function ownRow(trx: Trx, principal: Principal): Promise<UserRow> {
  return trx.selectFrom('users').selectAll().where('tenant_id', '=', principal.tenantId).where('id', '=', principal.userId).executeTakeFirstOrThrow();
}

const audit = (trx: Trx, at: string, principal: Principal, action: string, details: Record<string, unknown> = {}, result: 'success' | 'failure' = 'success') =>
  appendAudit(trx, { at, tenantId: principal.tenantId, actorId: principal.userId, action, target: `user:${principal.userId}`, result, details });

/**
 * A fresh secret, stored encrypted and pending: nothing is enforced until `confirmMfa`. A
 * pending enrolment is replaced only with `force`; a confirmed factor never is (disable it
 * first, with a code), so a stolen session cannot swap the factor.
 */
export async function enrollMfa(deps: Deps, principal: Principal, masterKey: Buffer, options: { force?: boolean } = {}): Promise<MfaEnrolment> {
  assertSignedIn(principal);
  const now = deps.now();
  const at = now.toISOString();
  const secret = newTotpSecret();
  const secretEnc = encryptSecret(masterKey, secret);
  await deps.store.write(async (trx) => {
    const existing = await factorOf(trx, keyOf(principal));
    if (existing?.confirmed_at) {
      throw conflict('MFA is already on for your account', 'to change devices: `iamctl mfa disable --code-stdin`, then `iamctl mfa enroll`');
    }
    if (existing && !options.force) {
      throw conflict('an MFA enrolment is already pending', 'confirm it with `iamctl mfa confirm --code-stdin`, or start over with `iamctl mfa enroll --force`');
    }
    const row = { secret_enc: secretEnc, created_at: at, confirmed_at: null, last_used_step: null };
    if (existing) {
      await trx.updateTable('mfa_factors').set(row).where('tenant_id', '=', principal.tenantId).where('user_id', '=', principal.userId).execute();
    } else {
      await trx.insertInto('mfa_factors').values({ tenant_id: principal.tenantId, user_id: principal.userId, ...row }).execute();
    }
    await audit(trx, at, principal, 'mfa.enroll', existing ? { replacedPending: true } : {});
  });
  return {
    secret,
    uri: otpauthUri(secret, principal.email),
    issuer: totpIssuer,
    account: principal.email,
    ...totpParameters,
    confirmed: false,
  };
}

async function issueRecoveryCodes(trx: Trx, user: UserKey, at: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await trx.deleteFrom('mfa_recovery_codes').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).execute();
  await trx
    .insertInto('mfa_recovery_codes')
    .values(codes.map((code) => ({ tenant_id: user.tenant_id, user_id: user.id, code_hash: recoveryCodeHash(parseNormalized(code)), created_at: at, used_at: null })))
    .execute();
  return codes;
}

function parseNormalized(code: string): string {
  const parsed = parseSecondFactor(code);
  if (parsed.kind !== 'recovery') throw new AppError('internal', 'a generated recovery code does not parse');
  return parsed.normalized;
}

export interface MfaActivation {
  user: User;
  /** Shown once; the store keeps only their hashes. */
  recoveryCodes: string[];
  /** The current session was restricted (MFA required) and no longer is. */
  unrestricted: boolean;
}

/**
 * Turns MFA on with a current code of the pending enrolment (a TOTP code only: there are no
 * recovery codes yet). The code counts as used. A restricted session that proves the factor
 * here becomes a full one.
 */
export async function confirmMfa(deps: Deps, principal: Principal, masterKey: Buffer, typed: string): Promise<MfaActivation> {
  assertSignedIn(principal);
  const now = deps.now();
  const at = now.toISOString();
  const input = parseSecondFactor(typed);
  const outcome = await deps.store.write(async (trx): Promise<Outcome<Omit<MfaActivation, 'user'> & { row: UserRow }>> => {
    const factor = await factorOf(trx, keyOf(principal));
    if (!factor) throw conflict('no MFA enrolment to confirm', 'start with `iamctl mfa enroll`');
    if (factor.confirmed_at) throw conflict('MFA is already on for your account', 'see `iamctl whoami`; `iamctl mfa recovery-codes` issues new recovery codes');
    if (input.kind !== 'totp') return { refused: 'malformed_code' };
    const match = matchTotp(decryptSecret(masterKey, factor.secret_enc), input.code, now, null);
    if (!match.ok) return { refused: match.reason };
    await trx
      .updateTable('mfa_factors')
      .set({ confirmed_at: at, last_used_step: match.step })
      .where('tenant_id', '=', principal.tenantId)
      .where('user_id', '=', principal.userId)
      .execute();
    await trx.updateTable('users').set({ mfa_enabled: 1, updated_at: at }).where('tenant_id', '=', principal.tenantId).where('id', '=', principal.userId).execute();
    const recoveryCodes = await issueRecoveryCodes(trx, keyOf(principal), at);
    let unrestricted = false;
    if (principal.restricted && principal.sessionId) {
      const lifted = await trx.updateTable('sessions').set({ restricted: 0 }).where('tenant_id', '=', principal.tenantId).where('id', '=', principal.sessionId).executeTakeFirst();
      unrestricted = Number(lifted.numUpdatedRows) === 1;
    }
    await audit(trx, at, principal, 'mfa.confirm', { recoveryCodes: recoveryCodes.length, ...(unrestricted ? { sessionUnrestricted: principal.sessionId } : {}) });
    return { refused: null, value: { recoveryCodes, unrestricted, row: await ownRow(trx, principal) } };
  });
  if (outcome.refused) throw codeRefused(outcome.refused);
  const { row, ...activation } = outcome.value;
  return { user: await toUserObject(deps.store.db, row), ...activation };
}

const mfaNotOn = () => conflict('MFA is not on for your account', 'turn it on with `iamctl mfa enroll`, then `iamctl mfa confirm --code-stdin`');

/**
 * Turns MFA off with a current code or a recovery code. A wrong code counts towards the
 * sign-in lockout (a stolen session must not be a way to guess codes), and a locked account
 * is answered like a wrong code.
 */
export async function disableMfa(deps: Deps, principal: Principal, masterKey: Buffer, typed: string): Promise<User> {
  assertSignedIn(principal);
  const now = deps.now();
  const at = now.toISOString();
  const outcome = await deps.store.write(async (trx): Promise<Outcome<UserRow>> => {
    const user = await ownRow(trx, principal);
    if (user.mfa_enabled !== 1) throw mfaNotOn();
    const check = await checkSecondFactor(trx, user, typed, masterKey, now);
    if (!check.ok) {
      if (check.reason !== 'locked') await recordPasswordFailure(trx, user, now);
      await audit(trx, at, principal, 'mfa.disable', { reason: check.reason }, 'failure');
      return { refused: check.reason };
    }
    await removeFactor(trx, user, at);
    await audit(trx, at, principal, 'mfa.disable', { with: check.method });
    return { refused: null, value: { ...user, mfa_enabled: 0, updated_at: at } };
  });
  if (outcome.refused) throw codeRefused(outcome.refused);
  return toUserObject(deps.store.db, outcome.value);
}

async function removeFactor(trx: Trx, user: UserKey, at: string): Promise<boolean> {
  await trx.deleteFrom('mfa_recovery_codes').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).execute();
  const removed = await trx.deleteFrom('mfa_factors').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).executeTakeFirst();
  await trx.updateTable('users').set({ mfa_enabled: 0, updated_at: at }).where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
  return Number(removed.numDeletedRows) > 0;
}

/** A new set of recovery codes; the old ones stop working. Needs MFA on. */
export async function regenerateRecoveryCodes(deps: Deps, principal: Principal): Promise<string[]> {
  assertSignedIn(principal);
  const at = deps.now().toISOString();
  return deps.store.write(async (trx) => {
    const user = await ownRow(trx, principal);
    if (user.mfa_enabled !== 1) throw mfaNotOn();
    const codes = await issueRecoveryCodes(trx, user, at);
    await audit(trx, at, principal, 'mfa.recovery-codes', { recoveryCodes: codes.length });
    return codes;
  });
}

export interface MfaReset {
  user: User;
  sessionsEnded: number;
}

/** What refuses a reset, checked before asking for confirmation (and again inside the change). */
export async function checkMfaReset(db: Trx, actor: Principal, user: UserRow): Promise<{ confirmed: boolean }> {
  if (user.id === actor.userId) {
    throw conflict('you cannot reset your own second factor', 'use `iamctl mfa disable --code-stdin` (a recovery code works too), or ask another administrator');
  }
  const factor = await factorOf(db, user);
  if (!factor) throw conflict(`${user.email} has no second factor`, 'nothing to reset');
  return { confirmed: factor.confirmed_at !== null };
}

/**
 * An admin clears another user's second factor (confirmed or pending) and recovery codes, and
 * ends all their sessions: whoever held them signs in again with the password alone (and, under
 * the admin policy, enrols again).
 */
export async function resetMfa(deps: Deps, actor: Principal, user: UserRow): Promise<MfaReset> {
  const at = deps.now().toISOString();
  const sessionsEnded = await deps.store.write(async (trx) => {
    const { confirmed } = await checkMfaReset(trx, actor, user);
    await removeFactor(trx, user, at);
    const ended = await endSessionsOf(trx, user, at);
    await appendAudit(trx, {
      at,
      tenantId: user.tenant_id,
      actorId: actor.userId,
      action: 'user.mfa-reset',
      target: `user:${user.id}`,
      details: { confirmed, sessionsEnded: ended },
    });
    return ended;
  });
  return { user: await toUserObject(deps.store.db, { ...user, mfa_enabled: 0, updated_at: at }), sessionsEnded };
}
