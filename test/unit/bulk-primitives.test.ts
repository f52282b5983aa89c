// The pure parts of bulk import/export: hash schemes, time bounds, the readers, the
// fingerprint set, line splitting, and streamed CSV/JSON output.
import { Readable, Writable } from 'node:stream';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/passwords.js';
import { decodeText, detectFormat, FatalFormatProblem, readRecords, type ImportFormat, type ReadItem } from '../../src/core/import-readers.js';
import { checkRecord } from '../../src/core/import-rows.js';
import { parseTimeBound, validatePasswordHash } from '../../src/core/validation.js';
import { RecordWriter } from '../../src/output/stream.js';
import { FingerprintSet } from '../../src/util/fingerprint-set.js';
import { readLines } from '../../src/util/lines.js';

const argon2Hash = '$argon2id$v=19$m=19456,t=2,p=1$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0';
const bcryptHash = bcrypt.hashSync('Imported-Pass1', 4);

describe('imported password hashes', () => {
  it.each([
    [argon2Hash, 'argon2'],
    ['$argon2i$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A', 'argon2'],
    ['$argon2id$v=19$m=19456,p=1,t=2$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0', 'argon2'],
    [bcryptHash, 'bcrypt'],
    [bcryptHash.replace('$2b$', '$2a$'), 'bcrypt'],
    [bcryptHash.replace('$2b$', '$2y$'), 'bcrypt'],
  ])('accepts %s', (hash, scheme) => {
    expect(validatePasswordHash(hash)).toEqual({ hash, scheme });
  });
  it.each([
    ['$6$rounds=5000$salt$hash', /unknown scheme/],
    ['$1$salt$hash', /unknown scheme/],
    ['$pbkdf2-sha256$29000$abc$def', /unknown scheme/],
    ['pbkdf2_sha256$260000$salt$hash=', /unknown scheme/],
    ['{SSHA}abcdefgh', /unknown scheme/],
    ['5f4dcc3b5aa765d61d8327deb882cf99', /unknown scheme/],
    ['$2b$10$short', /malformed/],
    ['$argon2id$v=19$m=19456$nope', /malformed/],
    ['$argon2id$v=19$m=19456,p=1$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0', /malformed/],
    ['Correct-Horse-9', /plain-text password/],
    ['hunter2', /plain-text password/],
  ])('refuses %s', (value, reason) => {
    expect(() => validatePasswordHash(value)).toThrow(reason);
    try {
      validatePasswordHash(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });

  it('verifies bcrypt ($2a$, $2b$, $2y$) once and asks for an argon2id re-hash', async () => {
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const hash = bcryptHash.replace('$2b$', prefix);
      const ok = await verifyPassword(hash, 'Imported-Pass1');
      expect(ok.ok).toBe(true);
      expect(ok.rehash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(validatePasswordHash(ok.rehash!).scheme).toBe('argon2');
      expect(await verifyPassword(ok.rehash, 'Imported-Pass1')).toEqual({ ok: true, rehash: null });
      expect(await verifyPassword(hash, 'Wrong-Pass1')).toEqual({ ok: false, rehash: null });
    }
  });
});

describe('--since / --until', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  it.each([
    ['7d', '2026-03-03T12:00:00.000Z'],
    ['12h', '2026-03-10T00:00:00.000Z'],
    ['30m', '2026-03-10T11:30:00.000Z'],
    ['2w', '2026-02-24T12:00:00.000Z'],
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T08:15', '2026-01-31T08:15:00.000Z'],
    ['2026-01-31T08:15:30Z', '2026-01-31T08:15:30.000Z'],
    ['2026-01-31T08:15:30+02:00', '2026-01-31T06:15:30.000Z'],
    ['2026-01-31 08:15:30.5Z', '2026-01-31T08:15:30.500Z'],
  ])('reads %s', (value, iso) => {
    expect(parseTimeBound(value, now, '--since')).toBe(iso);
  });
  it.each(['yesterday', '7', '7y', '-7d', '2026-13-01', '2026/01/31', ''])('refuses %j (3)', (value) => {
    expect(() => parseTimeBound(value, now, '--since')).toThrow(/invalid --since/);
  });
});

async function read(format: ImportFormat, text: string | Buffer): Promise<{ items: ReadItem[]; fatal?: FatalFormatProblem; bom: boolean }> {
  const decoded = decodeText(Readable.from([Buffer.from(text)]));
  const items: ReadItem[] = [];
  try {
    for await (const item of readRecords(format, decoded.chunks)) items.push(item);
  } catch (error) {
    if (error instanceof FatalFormatProblem) return { items, fatal: error, bom: decoded.bom() };
    throw error;
  }
  return { items, bom: decoded.bom() };
}

describe('readers', () => {
  it('reads CSV records with the line each starts on (quoted newlines, blank lines, CRLF, BOM)', async () => {
    const { items, bom } = await read('csv', '\uFEFFEmail,first_name,LAST NAME\r\na@x.example,Ann,"Multi\nLine"\r\n\r\nb@x.example,Bo,\r\n');
    expect(bom).toBe(true);
    expect(items).toEqual([
      { line: 2, values: { email: 'a@x.example', firstName: 'Ann', lastName: 'Multi\nLine' } },
      { line: 5, values: { email: 'b@x.example', firstName: 'Bo', lastName: '' } },
    ]);
  });

  it("undoes the formula guard of our CSV export ('=..., '+...)", async () => {
    const { items } = await read('csv', "email,firstName\n'=x@x.example,Ann\n'plain@x.example,Bo\n");
    expect(items.map((i) => ('values' in i ? i.values.email : null))).toEqual(['=x@x.example', "'plain@x.example"]);
  });

  it.each<[ImportFormat, string, number, RegExp]>([
    ['csv', 'email,firstName\n"a@x.example,Ann\n', 2, /never closed/],
    ['csv', 'email,firstName\na@x.example,An"n\n', 2, /quote inside an unquoted field/],
    ['csv', '', 1, /empty/],
    ['json', '  ', 1, /empty/],
    ['json', '[{"a":1}] x', 1, /after the end/],
    ['json', '[\n{"email":"a"},\n,\n]', 3, /empty element/],
    ['json', '{"email":"a"}', 1, /expected a JSON array/],
  ])('stops at a broken %s file: line %#', async (format, text, line, reason) => {
    const { fatal } = await read(format, text);
    expect(fatal).toMatchObject({ line });
    expect(fatal!.reason).toMatch(reason);
  });

  it('splits a JSON array element by element, with lines, across chunk boundaries', async () => {
    const text = '[\n  {"email": "a@x.example", "firstName": "A, \\"quoted\\" ]"},\n  {"email": "b@x.example",\n   "firstName": "Bo"},\n  42\n]\n';
    const chunks = text.split('').map((ch) => Buffer.from(ch));
    const decoded = decodeText(Readable.from(chunks));
    const items: ReadItem[] = [];
    for await (const item of readRecords('json', decoded.chunks)) items.push(item);
    expect(items).toEqual([
      { line: 2, values: { email: 'a@x.example', firstName: 'A, "quoted" ]' } },
      { line: 3, values: { email: 'b@x.example', firstName: 'Bo' } },
      { line: 5, problem: { field: null, reason: 'expected a JSON object (one user)' } },
    ]);
  });

  it.each([
    ['csv', 'users.csv', '[{}]'],
    ['json', 'users.JSON', 'email,x'],
    ['ndjson', 'users.jsonl', ''],
    ['ndjson', 'users.ndjson', ''],
    ['json', null, '\uFEFF  [{"email":"a"}]'],
    ['ndjson', null, '{"email":"a"}'],
    ['csv', null, 'email,firstName'],
    ['csv', 'users.txt', 'email'],
  ] as const)('detects %s from %s / content', (format, name, first) => {
    expect(detectFormat(undefined, name, first)).toBe(format);
  });
});

describe('records', () => {
  it('normalizes a good record: trimmed, NFC, roles and teams split, tenant, hash', () => {
    const result = checkRecord({ email: ' Ada@Acme.example ', firstName: 'Zoe\u0308', roles: 'admin; editor,admin', teams: ['ops', ' dev '], tenant: 'acme', passwordHash: argon2Hash, status: 'inactive' });
    expect(result).toEqual({
      row: { email: 'Ada@Acme.example', emailLower: 'ada@acme.example', firstName: 'Zoë', lastName: '', roles: ['admin', 'editor'], teams: ['ops', 'dev'], tenant: 'acme', passwordHash: argon2Hash, inactive: true },
    });
  });
  it('lists every problem of a record', () => {
    const result = checkRecord({ email: 'nope', firstName: 'A', roles: 5, tenant: 'Bad Slug', status: 'invited', passwordHash: argon2Hash, extra: 'x' });
    expect('problems' in result && result.problems.map((p) => p.field)).toEqual(['roles', 'extra', 'email', 'firstName', 'status', 'tenant']);
  });
});

describe('fingerprint set', () => {
  it('remembers 200,000 strings, finds duplicates with where they were first seen, and grows', () => {
    const set = new FingerprintSet(4);
    let clashes = 0;
    for (let i = 1; i <= 200_000; i++) if (set.addOrGet(`user${i}@example.com`, i) !== undefined) clashes++;
    expect(clashes).toBe(0);
    expect(set.size).toBe(200_000);
    expect(set.addOrGet('user777@example.com', 2_000_000)).toBe(777);
    expect(set.addOrGet('user1@example.com', 2_000_001)).toBe(1);
    expect(set.addOrGet('someone-new@example.com', 2_000_002)).toBeUndefined();
  });
});

describe('lines', () => {
  it('numbers lines, strips CR, and drops an over-long line without holding it', async () => {
    const long = 'x'.repeat(100);
    const lines = [];
    for await (const l of readLines(Readable.from(['a\r\nb', `\n${long.slice(0, 50)}`, `${long.slice(50)}\nc`]), 60)) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: '', tooLong: true },
      { line: 4, text: 'c' },
    ]);
  });
});

describe('streamed output', () => {
  const sink = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, done) => ((text += chunk), done()) });
    return { stream, text: () => text };
  };
  const columns = [
    { key: 'name', get: (r: { name: string; tags: string[] }) => r.name },
    { key: 'tags', get: (r: { name: string; tags: string[] }) => r.tags },
  ];
  it.each([
    ['csv', 'name,tags\n\'=SUM(A1),a;b\n"x,""y""",\n'],
    ['json', '[\n{"name":"=SUM(A1)","tags":["a","b"]},\n{"name":"x,\\"y\\"","tags":[]}\n]\n'],
    ['ndjson', '{"name":"=SUM(A1)","tags":["a","b"]}\n{"name":"x,\\"y\\"","tags":[]}\n'],
  ] as const)('writes %s (CSV cells escaped against formulas)', async (format, expected) => {
    const out = sink();
    const writer = new RecordWriter(out.stream, format, columns);
    await writer.write({ name: '=SUM(A1)', tags: ['a', 'b'] });
    await writer.write({ name: 'x,"y"', tags: [] });
    await writer.end();
    expect(out.text()).toBe(expected);
  });
  it.each([['csv', 'name,tags\n'], ['json', '[]\n'], ['ndjson', '']] as const)('writes an empty %s document', async (format, expected) => {
    const out = sink();
    await new RecordWriter(out.stream, format, columns).end();
    expect(out.text()).toBe(expected);
  });
});
