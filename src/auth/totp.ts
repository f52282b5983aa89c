// The second factor's primitives (SPEC §6 "Multi-factor sign-in"): TOTP per RFC 6238 with the
// parameters every authenticator app understands (SHA-1, 6 digits, 30 s), computed by the
// otpauth library; and single-use recovery codes, kept only as SHA-256.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sha256Hex } from './tokens.js';

export const totpIssuer = 'iamctl';
export const totpParameters = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Steps of clock skew accepted on either side of the current one. */
export const totpSkewSteps = 1;
export const recoveryCodeCount = 10;

function totpOf(secretBase32: string, account = ''): TOTP {
  return new TOTP({ issuer: totpIssuer, label: account, secret: Secret.fromBase32(secretBase32), ...totpParameters });
}

/** A fresh secret: 160 random bits (RFC 4226's recommended length), as base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function otpauthUri(secretBase32: string, account: string): string {
  return totpOf(secretBase32, account).toString();
}

/** The time step (counter) of an instant. */
export function totpStep(at: Date): number {
  return TOTP.counter({ period: totpParameters.period, timestamp: at.getTime() });
}

/** The code of an instant (what an authenticator app shows then); tests use it too. */
export function totpCode(secretBase32: string, at: Date): string {
  return totpOf(secretBase32).generate({ timestamp: at.getTime() });
}

/**
 * Checks a 6-digit code against the steps around `at` (±1). A code is good once: one of a step
 * at or before `lastUsedStep` is a replay. Returns the step to record as used.
 */
export function matchTotp(
  secretBase32: string,
  code: string,
  at: Date,
  lastUsedStep: number | null,
): { ok: true; step: number } | { ok: false; reason: 'wrong_code' | 'reused_code' } {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: at.getTime(), window: totpSkewSteps });
  if (delta === null) return { ok: false, reason: 'wrong_code' };
  const step = totpStep(at) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: 'reused_code' };
  return { ok: true, step };
}

// Recovery codes: 10 characters of Crockford base32 (50 bits), shown as xxxxx-xxxxx.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

export function newRecoveryCodes(count = recoveryCodeCount): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    let code = '';
    for (const byte of bytes) code += alphabet[byte & 31];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

export function recoveryCodeHash(normalized: string): string {
  return sha256Hex(`iamctl-recovery:${normalized}`);
}

export type SecondFactorInput = { kind: 'totp'; code: string } | { kind: 'recovery'; normalized: string } | { kind: 'malformed' };

/**
 * What a typed second factor is: 6 digits (spaces allowed, as apps show "123 456"), or a
 * recovery code (case, hyphens and spaces ignored; Crockford's look-alikes i/l -> 1, o -> 0).
 */
export function parseSecondFactor(input: string): SecondFactorInput {
  const compact = input.replace(/[\s-]/g, '').toLowerCase();
  if (/^\d{6}$/.test(compact)) return { kind: 'totp', code: compact };
  const normalized = compact.replace(/[il]/g, '1').replace(/o/g, '0');
  if (normalized.length === 10 && [...normalized].every((c) => alphabet.includes(c))) return { kind: 'recovery', normalized };
  return { kind: 'malformed' };
}
