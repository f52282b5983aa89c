import { describe, expect, it } from 'vitest';
import { generateKey, keyHint, looksLikeKey, parseKey, randomBase62 } from '../../src/auth/api-key-format.js';
import { sha256Hex } from '../../src/auth/tokens.js';

describe('API key format', () => {
  it('generates iak_<12 id>_<43 secret><6 checksum> from base62, storing only the secret hash', () => {
    const k = generateKey();
    expect(k.key).toMatch(/^iak_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$/);
    expect(k.key.startsWith(`iak_${k.id}_`)).toBe(true);
    const parsed = parseKey(k.key);
    expect(parsed).toEqual({ ok: true, id: k.id, secret: k.key.slice(17, 60) });
    expect(k.secretHash).toBe(sha256Hex(k.key.slice(17, 60)));
    expect(k.hint).toBe(`iak_${k.id}_…${k.key.slice(-4)}`);
    expect(keyHint(k.id, k.key)).toBe(k.hint);
  });

  it('keeps the id when regenerating and changes the secret', () => {
    const a = generateKey();
    const b = generateKey(a.id);
    expect(b.id).toBe(a.id);
    expect(b.key).not.toBe(a.key);
  });

  it('draws every base62 character and nothing else', () => {
    const text = randomBase62(20_000);
    expect(text).toMatch(/^[0-9A-Za-z]+$/);
    expect(new Set(text).size).toBe(62);
  });

  const good = generateKey().key;
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
  it.each([
    ['empty', ''],
    ['wrong prefix', good.replace(/^iak_/, 'iax_')],
    ['no prefix', good.slice(4)],
    ['too short', good.slice(0, -1)],
    ['too long', `${good}A`],
    ['bad checksum', flip(good, good.length - 1)],
    ['changed secret, same checksum', flip(good, 30)],
    ['changed id, same checksum', flip(good, 6)],
    ['non-base62 character', `${good.slice(0, 20)}-${good.slice(21)}`],
    ['non-ASCII look-alike', `${good.slice(0, 20)}а${good.slice(21)}`],
    ['surrounding space', ` ${good}`],
    ['newline inside', `${good.slice(0, 30)}\n${good.slice(30)}`],
  ])('refuses a malformed key before any query: %s', (_name, key) => {
    expect(parseKey(key)).toEqual({ ok: false });
  });

  it('recognises a whole key (a secret) pasted where an id belongs', () => {
    expect(looksLikeKey(good)).toBe(true);
    expect(looksLikeKey(generateKey().hint)).toBe(false);
    expect(looksLikeKey('abcdefghijkl')).toBe(false);
  });
});
