import { describe, expect, it } from 'vitest';
import { validateColor, validateEmail, validatePersonName, validateSlug, validateTenantName } from '../../src/core/validation.js';
import { argon2Params, checkPasswordPolicy } from '../../src/auth/passwords.js';

describe('emails', () => {
  it.each(['ada@acme.example', 'Ada.Lovelace+ops@sub.acme.example', "o'brien@x.io", 'a@b.co'])('accepts %s', (email) => {
    expect(validateEmail(email)).toBe(email);
  });
  it.each([
    ['no-at.example', /no @/],
    ['two@@acme.example', /more than one @/],
    ['a@b@c.example', /more than one @/],
    ['has space@acme.example', /spaces/],
    ['comma,@acme.example', /before @/],
    ['a@acme', /domain/],
    ['a@-acme.example', /domain/],
    ['a@acme.123', /domain/],
    ['.a@acme.example', /before @/],
    ['a..b@acme.example', /before @/],
    ['nul\0@acme.example', /control/],
    ['', /empty/],
    [`${'a'.repeat(64)}@${'b'.repeat(186)}.com`, /longer than 254/],
    [`${'a'.repeat(65)}@acme.example`, /before @/],
    ['bidi\u202e@acme.example', /control/],
  ])('refuses %j (%s)', (email, reason) => {
    expect(() => validateEmail(email)).toThrow(reason);
    try {
      validateEmail(email);
    } catch (e) {
      expect(e).toMatchObject({ code: 'validation' });
    }
  });
});

describe('names', () => {
  it.each([
    ['Ada', 'Ada'],
    ['  Zoë  ', 'Zoë'],
    ['Jean-Luc', 'Jean-Luc'],
    ["D'Angelo", "D'Angelo"],
    ['J. R. R.', 'J. R. R.'],
    ['José', 'José'],
    ['Zoe\u0308', 'Zoë'], // NFC
    ['李小龍', '李小龍'],
  ])('accepts first name %j as %j', (input, output) => {
    expect(validatePersonName(input, 'first name')).toBe(output);
  });
  it.each([
    ['A', /at least 2/],
    ['Ada1', /letters/],
    ['Ada 😀', /letters/],
    ['Ada\u202eEvil', /bidirectional/],
    ['Ada\u0007', /control/],
    ['a'.repeat(101), /more than 100/],
    ['', /at least 2/],
    ['-Ada', /letters/],
    ["Robert'); DROP TABLE users;--", /letters/],
  ])('refuses first name %j', (input, reason) => {
    expect(() => validatePersonName(input, 'first name')).toThrow(reason);
  });
  it('allows an empty last name and caps it at 100', () => {
    expect(validatePersonName('', 'last name')).toBe('');
    expect(() => validatePersonName('b'.repeat(101), 'last name')).toThrow(/more than 100/);
  });
});

describe('tenants', () => {
  it.each(['ab', 'acme', 'acme-2', '9lives', 'a'.repeat(63)])('accepts slug %s', (slug) => expect(validateSlug(slug)).toBe(slug));
  it.each(['a', 'Acme', 'has space', '-acme', 'a'.repeat(64), 'acme_co', 'ac.me', ''])('refuses slug %j', (slug) => {
    expect(() => validateSlug(slug)).toThrow(/invalid tenant slug/);
  });
  it.each([['#1f6feb', '#1f6feb'], ['#ABCDEF', '#abcdef']])('accepts colour %s', (c, out) => expect(validateColor(c)).toBe(out));
  it.each(['1f6feb', '#1f6fe', '#1f6febb', 'red', '#ggg000'])('refuses colour %s', (c) => expect(() => validateColor(c)).toThrow(/#RRGGBB/));
  it('refuses empty and control-character tenant names', () => {
    expect(() => validateTenantName('  ')).toThrow();
    expect(() => validateTenantName('Acme\nCorp')).toThrow();
    expect(validateTenantName(' Acme Corp ')).toBe('Acme Corp');
  });
});

describe('passwords', () => {
  it('hashes with argon2id at or above m=19 MiB, t=2, p=1', () => {
    expect(argon2Params.type).toBe(2);
    expect(argon2Params.memoryCost).toBeGreaterThanOrEqual(19 * 1024);
    expect(argon2Params.timeCost).toBeGreaterThanOrEqual(2);
    expect(argon2Params.parallelism).toBeGreaterThanOrEqual(1);
  });
  it.each([
    ['Short1A', /too short/],
    ['alllowercase1', /uppercase/],
    ['ALLUPPERCASE1', /lowercase/],
    ['NoDigitsHere', /digit/],
    [`Aa1${'x'.repeat(254)}`, /too long/],
    ['Password1', /too common/],
    ['Qwerty123', /too common/],
    ['Ada@Acme.Example1', null],
  ])('policy on %j', async (password, reason) => {
    const check = checkPasswordPolicy(password, 'someone@acme.example');
    if (reason) await expect(check).rejects.toThrow(reason);
    else await expect(check).resolves.toBe(password);
  });
  it('refuses the email as password, in any case', async () => {
    await expect(checkPasswordPolicy('Ada1@Acme.example', 'ada1@acme.example')).rejects.toThrow(/must not be the email/);
  });
  it('normalizes NFKC before hashing', async () => {
    expect(await checkPasswordPolicy('Ｐassword-９xyz', null)).toBe('Password-9xyz');
  });
});
