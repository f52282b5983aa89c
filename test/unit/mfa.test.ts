// MFA on both dialects: enrolment, confirmation, sign-in with codes and recovery codes (replay,
// skew, lockout), disable, new recovery codes and the admin reset. Codes come from the secret
// (otpauth) at the injected clock.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { authenticateSession, checkPassword, completeLogin, login } from '../../src/auth/sessions.js';
import { decryptSecret } from '../../src/auth/secrets.js';
import { confirmMfa, disableMfa, enrollMfa, regenerateRecoveryCodes, resetMfa } from '../../src/core/mfa.js';
import { verifyAudit } from '../../src/core/audit.js';
import { goodPassword, seed, type Seeded } from '../helpers/fixtures.js';
import { codeAt, stepsFrom, wrongCodeAt } from '../helpers/mfa.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const email = 'ada@acme.example';
const masterKey = randomBytes(32);

describe.each(dialects)('MFA on %s', (dialect) => {
  let t: TestStore;
  let s: Seeded;
  /** The session token of the user's first sign-in. */
  let token: string;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    s = await seed(t);
    await s.activeUser(email, { roles: ['admin'] });
    const signed = await s.signIn(email);
    token = signed.token;
    return signed.principal;
  }

  /** Enrols and confirms: the secret and the recovery codes. The confirming code's step is used. */
  async function enrolled(principal: Principal) {
    const { secret } = await enrollMfa(t.deps, principal, masterKey);
    const { recoveryCodes } = await confirmMfa(t.deps, principal, masterKey, codeAt(secret, t.clock.now));
    t.clock.advanceMinutes(1); // past the step the confirmation used
    return { secret, recoveryCodes };
  }

  const signIn = (code?: string) =>
    login(t.deps, { email, password: goodPassword, ...(code === undefined ? {} : { secondFactor: { code, masterKey } }) });
  const failureOf = (promise: Promise<unknown>) => promise.then(() => null, (e) => e);
  const factorRow = () => t.store.db.selectFrom('mfa_factors').selectAll().executeTakeFirst();
  const events = async (action: string) =>
    (await t.store.db.selectFrom('audit_events').select(['result', 'details']).where('action', '=', action).orderBy('seq').execute()).map((e) => ({
      result: e.result,
      details: JSON.parse(e.details),
    }));

  describe('enroll and confirm', () => {
    it('stores the secret encrypted and pending: nothing is enforced until confirmed', async () => {
      const principal = await setup();
      const enrolment = await enrollMfa(t.deps, principal, masterKey);
      expect(enrolment).toMatchObject({ account: email, issuer: 'iamctl', algorithm: 'SHA1', digits: 6, period: 30, confirmed: false });
      expect(enrolment.uri).toContain(`secret=${enrolment.secret}`);
      const row = (await factorRow())!;
      expect(row.secret_enc).not.toContain(enrolment.secret);
      expect(decryptSecret(masterKey, row.secret_enc)).toBe(enrolment.secret);
      expect(row.confirmed_at).toBeNull();
      expect((await s.row(email)).mfa_enabled).toBe(0);
      expect(await signIn()).toMatchObject({ secondFactor: null, restricted: false });
      expect(await events('mfa.enroll')).toEqual([{ result: 'success', details: {} }]);
    });

    it('enrolling twice is a conflict (7) unless --force, which replaces the pending secret', async () => {
      const principal = await setup();
      const first = await enrollMfa(t.deps, principal, masterKey);
      await expect(enrollMfa(t.deps, principal, masterKey)).rejects.toMatchObject({ code: 'conflict', message: /already pending/ });
      const second = await enrollMfa(t.deps, principal, masterKey, { force: true });
      expect(second.secret).not.toBe(first.secret);
      await expect(confirmMfa(t.deps, principal, masterKey, codeAt(first.secret, t.clock.now))).rejects.toMatchObject({ code: 'unauthenticated' });
      await confirmMfa(t.deps, principal, masterKey, codeAt(second.secret, t.clock.now));
    });

    it('never replaces a confirmed factor, not even with --force (disable it first)', async () => {
      const principal = await setup();
      await enrolled(principal);
      for (const force of [false, true]) {
        await expect(enrollMfa(t.deps, principal, masterKey, { force })).rejects.toMatchObject({ code: 'conflict', message: /already on/ });
      }
    });

    it('confirm without an enrolment is a conflict (7), and so is a second confirm', async () => {
      const principal = await setup();
      await expect(confirmMfa(t.deps, principal, masterKey, '123456')).rejects.toMatchObject({ code: 'conflict', message: /no MFA enrolment/ });
      const { secret } = await enrollMfa(t.deps, principal, masterKey);
      await confirmMfa(t.deps, principal, masterKey, codeAt(secret, t.clock.now));
      await expect(confirmMfa(t.deps, principal, masterKey, codeAt(secret, t.clock.now))).rejects.toMatchObject({ code: 'conflict' });
    });

    it.each([
      ['a wrong code', (secret: string, at: Date) => wrongCodeAt(secret, at), 'wrong_code'],
      ['an expired code (two steps old)', (secret: string, at: Date) => codeAt(secret, stepsFrom(at, -2)), 'wrong_code'],
      ['five digits', () => '12345', 'malformed_code'],
      ['letters', () => 'abcdef', 'malformed_code'],
      ['a recovery-code shape (there are none yet)', () => 'abcde-fghjk', 'malformed_code'],
    ])('confirm refuses %s (4) and changes nothing', async (_label, code, reason) => {
      const principal = await setup();
      const { secret } = await enrollMfa(t.deps, principal, masterKey);
      const error = await failureOf(confirmMfa(t.deps, principal, masterKey, code(secret, t.clock.now)));
      expect(error).toMatchObject({ code: 'unauthenticated', data: { reason } });
      expect((await factorRow())!.confirmed_at).toBeNull();
      expect((await s.row(email)).mfa_enabled).toBe(0);
      expect(await t.store.db.selectFrom('mfa_recovery_codes').selectAll().execute()).toEqual([]);
    });

    it('turns MFA on and issues 10 recovery codes, stored only as hashes', async () => {
      const principal = await setup();
      const { secret } = await enrollMfa(t.deps, principal, masterKey);
      const result = await confirmMfa(t.deps, principal, masterKey, codeAt(secret, t.clock.now));
      expect(result.user.mfaEnabled).toBe(true);
      expect(result.recoveryCodes).toHaveLength(10);
      const stored = await t.store.db.selectFrom('mfa_recovery_codes').selectAll().execute();
      expect(stored).toHaveLength(10);
      const text = JSON.stringify(stored);
      for (const code of result.recoveryCodes) expect(text).not.toContain(code.replace('-', ''));
      expect((await s.row(email)).mfa_enabled).toBe(1);
      expect(await events('mfa.confirm')).toEqual([{ result: 'success', details: { recoveryCodes: 10 } }]);
    });

    it('an API key cannot manage the factor (5)', async () => {
      const principal = await setup();
      const viaKey: Principal = { ...principal, via: 'apiKey', sessionId: null, keyId: 'k' };
      await expect(enrollMfa(t.deps, viaKey, masterKey)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(regenerateRecoveryCodes(t.deps, viaKey)).rejects.toMatchObject({ code: 'forbidden' });
    });
  });

  describe('sign-in with MFA on', () => {
    it('needs a code after the password; the password step says so only when the password is right', async () => {
      const principal = await setup();
      await enrolled(principal);
      expect((await checkPassword(t.deps, { email, password: goodPassword })).needsCode).toBe(true);
      await expect(checkPassword(t.deps, { email, password: 'Wrong-Password-1' })).rejects.toMatchObject({ message: 'wrong email or password' });
      await expect(signIn()).rejects.toMatchObject({ code: 'unauthenticated', message: /needs an authentication code/ });
    });

    it.each([
      ['the current step', 0, true],
      ['one step behind (skew)', -1, true],
      ['one step ahead (skew)', 1, true],
      ['two steps behind (expired)', -2, false],
      ['two steps ahead', 2, false],
    ])('a code of %s (%i steps) is accepted: %s', async (_label, steps, ok) => {
      const principal = await setup();
      const { secret } = await enrolled(principal);
      const error = await failureOf(signIn(codeAt(secret, stepsFrom(t.clock.now, steps))));
      if (ok) expect(error).toBeNull();
      else expect(error).toMatchObject({ code: 'unauthenticated', data: { reason: 'wrong_code' } });
    });

    it('accepts a code once: the same code again, or an older one, is a replay (4)', async () => {
      const principal = await setup();
      const { secret } = await enrolled(principal);
      const code = codeAt(secret, t.clock.now);
      expect(await signIn(code)).toMatchObject({ secondFactor: 'totp' });
      await expect(signIn(code)).rejects.toMatchObject({ data: { reason: 'reused_code' }, message: /already used/ });
      await expect(signIn(codeAt(secret, stepsFrom(t.clock.now, -1)))).rejects.toMatchObject({ data: { reason: 'reused_code' } });
      t.clock.advanceMinutes(0.5);
      expect(await signIn(codeAt(secret, t.clock.now))).toMatchObject({ secondFactor: 'totp' });
    });

    it('two sign-ins racing with one code: exactly one gets a session', async () => {
      const principal = await setup();
      const { secret } = await enrolled(principal);
      const code = codeAt(secret, t.clock.now);
      const checked = await Promise.all([1, 2].map(() => checkPassword(t.deps, { email, password: goodPassword })));
      const outcomes = await Promise.allSettled(checked.map((c) => completeLogin(t.deps, c, { code, masterKey })));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { data: { reason: 'reused_code' } } });
    });

    it('recovery codes work in place of a code, once each, in any case and with or without the hyphen', async () => {
      const principal = await setup();
      const { recoveryCodes } = await enrolled(principal);
      const [first, second] = recoveryCodes as [string, string];
      expect(await signIn(first)).toMatchObject({ secondFactor: 'recovery', recoveryCodesLeft: 9 });
      await expect(signIn(first)).rejects.toMatchObject({ data: { reason: 'used_recovery_code' } });
      expect(await signIn(second.toUpperCase().replace('-', ''))).toMatchObject({ recoveryCodesLeft: 8 });
      await expect(signIn('zzzzz-zzzzz')).rejects.toMatchObject({ data: { reason: 'wrong_code' } });
    });

    it.each(['12345', '1234567', 'abc', 'abcde-fghju', '------'])('a malformed code %j is refused (4)', async (code) => {
      const principal = await setup();
      await enrolled(principal);
      await expect(signIn(code)).rejects.toMatchObject({ code: 'unauthenticated', data: { reason: 'malformed_code' } });
    });

    it('wrong codes count toward the sign-in lockout, with wrong passwords; every failure is audited', async () => {
      const principal = await setup();
      const { secret } = await enrolled(principal);
      await expect(login(t.deps, { email, password: 'Wrong-Password-1' })).rejects.toMatchObject({ code: 'unauthenticated' });
      for (const code of ['000000', 'abc', wrongCodeAt(secret, t.clock.now), wrongCodeAt(secret, t.clock.now)]) {
        await expect(signIn(code)).rejects.toMatchObject({ code: 'unauthenticated' });
        t.clock.advanceMinutes(1 / 60);
      }
      // Locked now: even the right password and code are refused, at the password step.
      await expect(signIn(codeAt(secret, t.clock.now))).rejects.toMatchObject({ message: 'wrong email or password' });
      const logins = await events('auth.login');
      expect(logins.filter((e) => e.result === 'failure').map((e) => e.details.reason)).toEqual([
        'wrong_password', 'wrong_code', 'malformed_code', 'wrong_code', 'wrong_code', 'locked',
      ]);
      expect(await events('user.lock')).toHaveLength(1);
      expect(await verifyAudit(t.deps)).toMatchObject({ ok: true });
    });

    it('a successful sign-in records the factor used (never the code)', async () => {
      const principal = await setup();
      const { secret } = await enrolled(principal);
      const code = codeAt(secret, t.clock.now);
      await signIn(code);
      const last = (await events('auth.login')).at(-1)!;
      expect(last.details).toMatchObject({ mfa: 'totp' });
      expect(JSON.stringify(await t.store.db.selectFrom('audit_events').selectAll().execute())).not.toContain(code);
    });

    it('a master key other than the one that encrypted the secret is a clear error (3)', async () => {
      const principal = await setup();
      const { secret } = await enrolled(principal);
      const other = randomBytes(32);
      await expect(login(t.deps, { email, password: goodPassword, secondFactor: { code: codeAt(secret, t.clock.now), masterKey: other } })).rejects.toMatchObject({
        code: 'validation',
        message: /master key/,
      });
    });
  });

  describe('disable, recovery codes, reset', () => {
    it('disable needs MFA on (7) and a right code (4, counted toward the lockout and audited)', async () => {
      const principal = await setup();
      await expect(disableMfa(t.deps, principal, masterKey, '123456')).rejects.toMatchObject({ code: 'conflict' });
      const { secret } = await enrolled(principal);
      await expect(disableMfa(t.deps, principal, masterKey, wrongCodeAt(secret, t.clock.now))).rejects.toMatchObject({ code: 'unauthenticated' });
      const attempts = await t.store.db.selectFrom('sign_in_attempts').select('succeeded').where('email_lower', '=', email).where('succeeded', '=', 0).execute();
      expect(attempts).toHaveLength(1);
      expect(await events('mfa.disable')).toEqual([{ result: 'failure', details: { reason: 'wrong_code' } }]);
      const user = await disableMfa(t.deps, principal, masterKey, codeAt(secret, t.clock.now));
      expect(user.mfaEnabled).toBe(false);
      expect(await factorRow()).toBeUndefined();
      expect(await t.store.db.selectFrom('mfa_recovery_codes').selectAll().execute()).toEqual([]);
      expect(await signIn()).toMatchObject({ secondFactor: null });
    });

    it('disable takes a recovery code too (a lost device)', async () => {
      const principal = await setup();
      const { recoveryCodes } = await enrolled(principal);
      expect((await disableMfa(t.deps, principal, masterKey, recoveryCodes[3]!)).mfaEnabled).toBe(false);
    });

    it('new recovery codes replace the old ones; they need MFA on (7)', async () => {
      const principal = await setup();
      await expect(regenerateRecoveryCodes(t.deps, principal)).rejects.toMatchObject({ code: 'conflict' });
      const { recoveryCodes: old } = await enrolled(principal);
      const fresh = await regenerateRecoveryCodes(t.deps, principal);
      expect(fresh).toHaveLength(10);
      expect(fresh.filter((c) => old.includes(c))).toEqual([]);
      await expect(signIn(old[0]!)).rejects.toMatchObject({ data: { reason: 'wrong_code' } });
      expect(await signIn(fresh[0]!)).toMatchObject({ secondFactor: 'recovery' });
    });

    it('an admin resets a factor: audited, every session of the user ends, the password alone signs in again', async () => {
      const principal = await setup();
      await enrolled(principal);
      const admin = await s.activeUser('boss@acme.example', { roles: ['admin'] });
      const adminPrincipal = (await s.signIn(admin.email)).principal;
      const session = await s.signIn(email).catch(() => null);
      expect(session).toBeNull(); // a code is needed now
      const result = await resetMfa(t.deps, adminPrincipal, await s.row(email));
      expect(result).toMatchObject({ user: { mfaEnabled: false }, sessionsEnded: 1 });
      await expect(authenticateSession(t.deps, token)).rejects.toMatchObject({ code: 'unauthenticated', message: /ended/ });
      expect(await factorRow()).toBeUndefined();
      expect(await events('user.mfa-reset')).toEqual([{ result: 'success', details: { confirmed: true, sessionsEnded: 1 } }]);
      expect(await signIn()).toMatchObject({ secondFactor: null });
    });

    it('reset refuses oneself (7) and a user without a factor (7); it clears a pending enrolment too', async () => {
      const principal = await setup();
      const admin = await s.activeUser('boss@acme.example', { roles: ['admin'] });
      const adminPrincipal = (await s.signIn(admin.email)).principal;
      await expect(resetMfa(t.deps, adminPrincipal, await s.row(email))).rejects.toMatchObject({ code: 'conflict', message: /no second factor/ });
      await expect(resetMfa(t.deps, adminPrincipal, await s.row(admin.email))).rejects.toMatchObject({ code: 'conflict', message: /your own/ });
      await enrollMfa(t.deps, principal, masterKey);
      expect((await resetMfa(t.deps, adminPrincipal, await s.row(email))).user.mfaEnabled).toBe(false);
      expect(await events('user.mfa-reset')).toEqual([{ result: 'success', details: { confirmed: false, sessionsEnded: 1 } }]);
    });
  });
});
