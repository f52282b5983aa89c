import { describe, expect, it } from 'vitest';
import { canonicalJson, checkRun, eventHash, genesisHash, type StoredEvent } from '../../src/core/audit-chain.js';
import { decodeCursor, encodeCursor } from '../../src/core/cursor.js';
import { newId } from '../../src/core/ids.js';
import { parseSettingValue, settingDef } from '../../src/core/settings-registry.js';
import { resolveSetting } from '../../src/core/settings.js';
import { csvCell, csvLine } from '../../src/output/csv.js';
import { decryptSecret, encryptSecret, newMasterKey, parseMasterKey } from '../../src/auth/secrets.js';
import { generateKey, parseKey } from '../../src/auth/api-keys.js';

describe('audit chain', () => {
  const chain = (n: number): StoredEvent[] => {
    const events: StoredEvent[] = [];
    let prev = genesisHash;
    for (let seq = 1; seq <= n; seq++) {
      const e = { seq, at: `2026-01-01T00:00:0${seq}.000Z`, tenantId: 'main', actorId: 'u', action: 'x.y', target: null, result: 'success', details: canonicalJson({ b: 1, a: [seq] }) };
      const hash = eventHash(prev, e);
      events.push({ ...e, prevHash: prev, hash });
      prev = hash;
    }
    return events;
  };
  it('canonicalizes key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [{ z: 1, y: 2 }] } })).toBe('{"a":{"c":[{"y":2,"z":1}],"d":2},"b":1}');
  });
  it('accepts an intact run and finds the first edit', () => {
    const events = chain(5);
    expect(checkRun({ seq: 0, hash: genesisHash }, events)).toEqual({ seq: 5, hash: events[4]!.hash });
    events[2] = { ...events[2]!, action: 'x.z' };
    expect(checkRun({ seq: 0, hash: genesisHash }, events)).toEqual({ break: { seq: 3, reason: expect.stringMatching(/edited/) } });
  });
});

describe('cursors', () => {
  const isPos = (v: unknown): v is { seq: number } => typeof (v as { seq?: unknown }).seq === 'number';
  it('round-trip and refuse edits', () => {
    const c = encodeCursor({ seq: 42 });
    expect(decodeCursor(c, isPos)).toEqual({ seq: 42 });
    expect(() => decodeCursor(c.slice(1), isPos)).toThrow(/invalid --cursor/);
    expect(() => decodeCursor(encodeCursor({ other: 1 }), isPos)).toThrow(/invalid --cursor/);
  });
});

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
  ])('escapes %j', (input, output) => expect(csvCell(input)).toBe(output));
  it('joins a line', () => expect(csvLine(['a', '=b'])).toBe("a,'=b"));
});

describe('settings', () => {
  it.each([
    ['security.apiKeys.enabled', 'false', false],
    ['security.apiKeys.maxTtlDays', '90', 90],
    ['security.apiKeys.maxTtlDays', 'null', null],
    ['inspection.minSeverity', 'error', 'error'],
    ['notifications.defaultEmails', 'a@x.example, b@x.example', ['a@x.example', 'b@x.example']],
  ])('parses %s=%s', (key, raw, value) => expect(parseSettingValue(settingDef(key), raw)).toEqual(value));
  it.each([
    ['security.apiKeys.enabled', 'yes'],
    ['security.apiKeys.maxTtlDays', '0'],
    ['security.apiKeys.maxTtlDays', '1.5'],
    ['sessions.ttlHours', 'null'],
    ['inspection.minSeverity', 'loud'],
    ['billing.owner', 'not-an-email'],
  ])('refuses %s=%s', (key, raw) => expect(() => parseSettingValue(settingDef(key), raw)).toThrow(/invalid value/));
  it('refuses unknown keys', () => expect(() => settingDef('no.such.key')).toThrow(/unknown setting/));
  it('resolves user ?? tenant ?? global ?? default, within the scopes a key allows', () => {
    const stored = { global: new Map<string, unknown>([['security.apiKeys.enabled', false], ['sessions.ttlHours', 4]]), tenant: new Map<string, unknown>([['security.apiKeys.enabled', true], ['sessions.ttlHours', 99]]), user: new Map<string, unknown>() };
    expect(resolveSetting(stored, 'security.apiKeys.enabled')).toEqual({ key: 'security.apiKeys.enabled', value: true, source: 'tenant' });
    stored.user.set('security.apiKeys.enabled', false);
    expect(resolveSetting(stored, 'security.apiKeys.enabled').source).toBe('user');
    // sessions.ttlHours is global-only: a stray tenant value is ignored.
    expect(resolveSetting(stored, 'sessions.ttlHours')).toMatchObject({ value: 4, source: 'global' });
    expect(resolveSetting(stored, 'invitations.ttlHours')).toMatchObject({ value: 72, source: 'default' });
  });
});

describe('secrets and keys', () => {
  it('encrypts with AES-256-GCM and refuses another key', () => {
    const key = parseMasterKey(newMasterKey());
    const envelope = encryptSecret(key, 'sk-live-123');
    expect(envelope).not.toContain('sk-live-123');
    expect(decryptSecret(key, envelope)).toBe('sk-live-123');
    expect(() => decryptSecret(parseMasterKey(newMasterKey()), envelope)).toThrow(/cannot be decrypted/);
  });
  it('makes keys of the specified shape whose checksum catches any one-character change', () => {
    const { key, id, hint } = generateKey();
    expect(key).toMatch(/^iak_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$/);
    expect(parseKey(key)).toMatchObject({ ok: true, id });
    expect(hint).toBe(`iak_${id}_…${key.slice(-4)}`);
    const i = 20;
    const changed = key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
    expect(parseKey(changed)).toEqual({ ok: false });
    expect(parseKey(`${key}x`)).toEqual({ ok: false });
  });
  it('makes random ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, newId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{16}$/);
  });
});
