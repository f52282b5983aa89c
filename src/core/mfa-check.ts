// The check of a typed second factor at sign-in (and at `mfa disable`), and the admin MFA
// policy. Kept apart from enrolment so sign-in loads only what it needs.
import type { Kysely } from 'kysely';
import { loadAccess, type RbacEdition } from '../auth/access.js';
import { decryptSecret } from '../auth/secrets.js';
import { isLocked } from '../auth/sessions.js';
import { matchTotp, parseSecondFactor, recoveryCodeHash } from '../auth/totp.js';
import type { Database, UserRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { AppError } from './errors.js';
import { resolveSetting, settingBool } from './settings.js';

type Trx = Kysely<Database>;
type UserKey = Pick<UserRow, 'id' | 'tenant_id'>;

/** Why a typed code was refused (audited as the reason; `-o json` errors carry it). */
export type CodeRefusal = 'malformed_code' | 'wrong_code' | 'reused_code' | 'used_recovery_code' | 'locked';

const codeMessages: Record<CodeRefusal, string> = {
  malformed_code: 'the authentication code is malformed: 6 digits, or a recovery code (xxxxx-xxxxx)',
  wrong_code: 'wrong or expired authentication code',
  reused_code: 'this authentication code was already used: wait for the next one',
  used_recovery_code: 'this recovery code was already used',
  // A lock that began after the password was checked: answered like a wrong code.
  locked: 'wrong or expired authentication code',
};

export function codeRefused(reason: CodeRefusal): AppError {
  return new AppError('unauthenticated', codeMessages[reason], {
    hint: 'codes change every 30 seconds: type the one your app shows now (check the device clock), or a recovery code',
    data: { reason },
  });
}

export type SecondFactorCheck = { ok: true; method: 'totp' | 'recovery'; recoveryCodesLeft: number | null } | { ok: false; reason: CodeRefusal };

export const factorOf = (trx: Trx, user: UserKey) =>
  trx.selectFrom('mfa_factors').selectAll().where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).executeTakeFirst();

/**
 * Checks a code (or a recovery code) against the user's confirmed factor, inside the caller's
 * transaction, and uses it up: a TOTP step is recorded (no replay), a recovery code is marked.
 * Both updates are conditional, so two concurrent uses of one code cannot both pass.
 */
export async function checkSecondFactor(trx: Trx, user: UserKey, typed: string, masterKey: Buffer, now: Date): Promise<SecondFactorCheck> {
  const at = now.toISOString();
  if (await isLocked(trx, user, at)) return { ok: false, reason: 'locked' };
  const input = parseSecondFactor(typed);
  if (input.kind === 'malformed') return { ok: false, reason: 'malformed_code' };
  const factor = await factorOf(trx, user);
  if (!factor?.confirmed_at) throw new AppError('internal', 'the account has MFA on but no confirmed factor');
  if (input.kind === 'recovery') {
    const hash = recoveryCodeHash(input.normalized);
    const used = await trx
      .updateTable('mfa_recovery_codes')
      .set({ used_at: at })
      .where('tenant_id', '=', user.tenant_id)
      .where('user_id', '=', user.id)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 1) return { ok: true, method: 'recovery', recoveryCodesLeft: await recoveryCodesLeft(trx, user) };
    const known = await trx.selectFrom('mfa_recovery_codes').select('used_at').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).where('code_hash', '=', hash).executeTakeFirst();
    return { ok: false, reason: known ? 'used_recovery_code' : 'wrong_code' };
  }
  const lastUsed = factor.last_used_step === null ? null : Number(factor.last_used_step);
  const match = matchTotp(decryptSecret(masterKey, factor.secret_enc), input.code, now, lastUsed);
  if (!match.ok) return match;
  const recorded = await trx
    .updateTable('mfa_factors')
    .set({ last_used_step: match.step })
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', match.step)]))
    .executeTakeFirst();
  if (Number(recorded.numUpdatedRows) !== 1) return { ok: false, reason: 'reused_code' };
  return { ok: true, method: 'totp', recoveryCodesLeft: null };
}

async function recoveryCodesLeft(trx: Trx, user: UserKey): Promise<number> {
  const row = await trx
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * security.mfaRequiredForAdmins (tenant over global): does it apply to this user? Admins and
 * super admins by their effective roles (direct, team or inherited).
 */
export async function mfaRequiredFor(db: Trx, user: UserKey): Promise<boolean> {
  const settings = await loadStoredSettings(db, { tenantId: user.tenant_id });
  if (!settingBool(settings, 'security.mfaRequiredForAdmins')) return false;
  const access = await loadAccess(db, user.tenant_id, user.id, resolveSetting(settings, 'edition.rbac').value as RbacEdition);
  return access.isAdmin || access.isSuperAdmin;
}

