// Codes for tests, computed from the secret with otpauth directly (the authenticator-app
// parameters spelled out, so a wrong parameter in the tool would show), never by waiting.
import { Secret, TOTP } from 'otpauth';

/** The code an authenticator app shows at `at` (default: now). */
export function codeAt(secret: string, at: Date = new Date()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });
}

/** `at` moved by whole 30-second steps. */
export function stepsFrom(at: Date, steps: number): Date {
  return new Date(at.getTime() + steps * 30_000);
}

/** A 6-digit code that is none of the codes valid around `at` (and the next step, for a slow run). */
export function wrongCodeAt(secret: string, at: Date = new Date()): string {
  const valid = new Set([-1, 0, 1, 2].map((s) => codeAt(secret, stepsFrom(at, s))));
  let n = Number(codeAt(secret, at));
  do n = (n + 1) % 1_000_000;
  while (valid.has(String(n).padStart(6, '0')));
  return String(n).padStart(6, '0');
}
