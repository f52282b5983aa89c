// The TOTP and recovery-code primitives, against RFC 6238's test vectors and otpauth itself.
import { describe, expect, it } from 'vitest';
import {
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  parseSecondFactor,
  recoveryCodeHash,
  totpCode,
  totpStep,
} from '../../src/auth/totp.js';
import { codeAt, stepsFrom } from '../helpers/mfa.js';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" (ASCII), 8-digit codes; the
// last 6 digits are what a 6-digit generator gives.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const rfcVectors: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP', () => {
  it.each(rfcVectors)('RFC 6238 vector at %i s', (seconds, eightDigits) => {
    expect(totpCode(rfcSecret, new Date(seconds * 1000))).toBe(eightDigits.slice(-6));
  });

  it('makes 160-bit base32 secrets, different each time, that authenticator apps read from the URI', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(a);
    const uri = new URL(otpauthUri(a, 'ada@acme.example'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/iamctl:ada@acme.example');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ issuer: 'iamctl', secret: a, algorithm: 'SHA1', digits: '6', period: '30' });
  });

  const now = new Date('2026-01-15T10:00:10.000Z');
  const secret = newTotpSecret();
  it.each([
    ['the current step', 0, null, true],
    ['one step back (clock skew)', -1, null, true],
    ['one step ahead (clock skew)', 1, null, true],
    ['two steps back (expired)', -2, null, false],
    ['two steps ahead', 2, null, false],
  ] as const)('accepts %s: %s', (_label, steps, lastUsed, ok) => {
    const result = matchTotp(secret, codeAt(secret, stepsFrom(now, steps)), now, lastUsed);
    expect(result.ok).toBe(ok);
    if (result.ok) expect(result.step).toBe(totpStep(now) + steps);
    else expect(result.reason).toBe('wrong_code');
  });

  it.each([
    ['the step already used', 0, 0],
    ['an earlier step than the one used', -1, 0],
  ])('refuses %s as a replay', (_label, steps, lastUsedOffset) => {
    const result = matchTotp(secret, codeAt(secret, stepsFrom(now, steps)), now, totpStep(now) + lastUsedOffset);
    expect(result).toEqual({ ok: false, reason: 'reused_code' });
  });

  it('accepts the next step after one was used', () => {
    expect(matchTotp(secret, codeAt(secret, stepsFrom(now, 1)), now, totpStep(now))).toEqual({ ok: true, step: totpStep(now) + 1 });
  });
});

describe('second-factor input and recovery codes', () => {
  it.each([
    ['123456', { kind: 'totp', code: '123456' }],
    [' 123 456 ', { kind: 'totp', code: '123456' }],
    ['abcde-fghjk', { kind: 'recovery', normalized: 'abcdefghjk' }],
    ['ABCDE FGHJK', { kind: 'recovery', normalized: 'abcdefghjk' }],
    ['abcdefghjk', { kind: 'recovery', normalized: 'abcdefghjk' }],
    ['0oil1-22222', { kind: 'recovery', normalized: '0011122222' }],
    ['12345', { kind: 'malformed' }],
    ['1234567', { kind: 'malformed' }],
    ['12345a', { kind: 'malformed' }],
    ['abcde-fghju', { kind: 'malformed' }],
    ['', { kind: 'malformed' }],
    ['; drop table users', { kind: 'malformed' }],
  ])('reads %j', (input, expected) => {
    expect(parseSecondFactor(input)).toEqual(expected);
  });

  it('makes 10 distinct codes of 50 bits that parse, and hashes them one-way', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
      const parsed = parseSecondFactor(code);
      expect(parsed.kind).toBe('recovery');
      const hash = recoveryCodeHash((parsed as { normalized: string }).normalized);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).not.toContain(code.replace('-', ''));
    }
  });
});
