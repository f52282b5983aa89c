// The fast path of `iamctl key verify` (SPEC §8): platforms call it once per request, so it
// must cost little more than starting node. For a valid key on an SQLite store it answers
// without Commander, chalk or the query builder: the same prepared lookup, the same checks
// (src/auth/key-check.ts), the same `last used` write and the same output as the command.
// Anything else (another option, a terminal, PostgreSQL, a schema to check, an unusable key,
// any error) goes to the full command with stdin intact, which reports and audits it.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseKey } from '../auth/api-key-format.js';
import { keyFailure, keyLookupParams, lastUsedDue, sqliteKeyStatements, touchKeyParams, validKey, verifiedKey } from '../auth/key-check.js';
import { jsonText, plainFields } from '../output/cells.js';
import { knownMigrationNames } from '../store/schema-version.js';
import { isPostgresUrl, openSqliteFile } from '../store/sqlite-open.js';
import type BetterSqlite3 from 'better-sqlite3';
import { resolveStoreLocation } from './home.js';
import type { IO } from './io.js';
import { verifiedKeyFields } from './views.js';

export type FastOutcome = { exitCode: number } | { fallback: IO };

interface FastArgs {
  json: boolean;
  db: string | undefined;
}

const harmlessFlags = new Set(['-q', '--quiet', '--no-color', '--no-input']);

/** `key verify` with only options this path handles (output json/table, --db, quiet, colour). */
export function fastVerifyArgs(argv: readonly string[]): FastArgs | undefined {
  const words: string[] = [];
  let output = 'table';
  let db: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-o' || arg === '--output') output = argv[++i] ?? '';
    else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
    else if (arg.startsWith('-o') && arg.length > 2 && !arg.startsWith('-o-')) output = arg.slice(2);
    else if (arg === '--db') {
      db = argv[++i];
      if (db === undefined) return undefined;
    } else if (arg.startsWith('--db=')) db = arg.slice('--db='.length);
    else if (harmlessFlags.has(arg)) continue;
    else if (arg.startsWith('-')) return undefined;
    else words.push(arg);
  }
  if (words.length !== 2 || (words[0] !== 'key' && words[0] !== 'keys') || words[1] !== 'verify') return undefined;
  if (output !== 'json' && output !== 'table') return undefined;
  return { json: output === 'json', db };
}

const maxStdinBytes = 1024 * 1024;

async function readStdin(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buffer);
    size += buffer.length;
    // Past the limit the full command refuses stdin; it gets enough to say so.
    if (size > maxStdinBytes) break;
  }
  return Buffer.concat(chunks);
}

function schemaIsCurrent(raw: BetterSqlite3.Database): boolean {
  const applied = raw.prepare<[], { name: string }>('select "name" from "kysely_migration" order by "name"').all();
  return applied.length === knownMigrationNames.length && applied.every((row, i) => row.name === knownMigrationNames[i]);
}

export async function fastKeyVerify(argv: readonly string[], io: IO): Promise<FastOutcome> {
  const args = fastVerifyArgs(argv);
  if (!args || (!args.json && io.stdoutIsTTY)) return { fallback: io };
  const location = resolveStoreLocation(args.db, io.env);
  if (isPostgresUrl(location)) return { fallback: io };
  const input = await readStdin(io.stdin);
  const fallback: FastOutcome = { fallback: { ...io, stdin: Readable.from([input]) } };
  const line = input.toString('utf8').split(/\r?\n/)[0]?.trim() ?? '';
  const parsed = parseKey(line);
  const absolute = path.resolve(location);
  if (!parsed.ok || !fs.existsSync(absolute)) return fallback;
  let raw: BetterSqlite3.Database;
  try {
    raw = await openSqliteFile(absolute);
  } catch {
    return fallback;
  }
  try {
    if (!schemaIsCurrent(raw)) return fallback;
    const statements = sqliteKeyStatements(raw);
    const row = statements.lookup.get(...keyLookupParams(parsed.id));
    const now = new Date();
    if (!row || keyFailure(row, parsed.secret, now.toISOString()) !== null) return fallback;
    let lastUsedAt = row.last_used_at;
    if (lastUsedDue(lastUsedAt, now) && statements.touch.run(...touchKeyParams(row.id, now)).changes > 0) {
      lastUsedAt = now.toISOString();
    }
    const roles = statements.roles.all(row.tenant_id, row.user_id).map((r) => r.role_id);
    const verified = verifiedKey(validKey(row, lastUsedAt), roles);
    io.stdout.write(args.json ? jsonText(verified) : plainFields(verifiedKeyFields(verified)));
    return { exitCode: 0 };
  } catch {
    return fallback;
  } finally {
    raw.close();
  }
}
