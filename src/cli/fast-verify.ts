// The fast path of `iamctl key verify` (SPEC §8): platforms call it once per request, so it
// must cost little more than starting node. For a valid key on an SQLite store it answers with
// the same SQL, the same checks (src/auth/key-check.ts), the same `last used` write and the
// same output as the command, without what a full start-up loads: Commander, chalk, the query
// builder, ES module facades of built-ins, process.stdout, and the
// better-sqlite3 addon (Node's built-in node:sqlite runs the statements; the connection gets
// the same pragmas). Anything else (other options, a terminal, PostgreSQL, a schema to check,
// an unusable key, node:sqlite missing, any error) goes to the full command with stdin intact,
// which reports and audits. scripts/build.mjs bundles this file alone as dist/verify.js.
import type { DatabaseSync } from 'node:sqlite';
import {
  directRolesSql,
  keyFailure,
  keyLookupSql,
  lastUsedDue,
  parseKey,
  touchKeyParams,
  touchKeySql,
  validKey,
  verifiedKey,
  type KeyLookupRow,
} from '../auth/key-check.js';
import { jsonText, plainFields } from '../output/cells.js';
import { knownMigrationNames } from '../store/schema-version.js';
import { connectionPragmas, isPostgresUrl } from '../store/sqlite-open.js';
import { resolveStoreLocation } from './home.js';
import { verifiedKeyFields } from './views.js';

const fs = process.getBuiltinModule('node:fs');
const sha256Hex = (text: string) => process.getBuiltinModule('node:crypto').createHash('sha256').update(text).digest('hex');
const path = process.getBuiltinModule('node:path');

/** Done with an exit code, or hand over to the full command (with stdin as read, if it was). */
export type FastOutcome = { exitCode: number } | { fallback: Buffer | undefined };

/** What the fast path touches of the process, so tests can stand in for it. */
export interface FastPorts {
  env: NodeJS.ProcessEnv;
  now(): Date;
  stdoutIsTTY(): boolean;
  readInput(): Promise<Buffer>;
  write(text: string): void;
}

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

/**
 * All of stdin (up to just past the limit, which the full command then refuses), from fd 0
 * without building process.stdin; a non-blocking descriptor continues through the stream.
 */
async function readFd0(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw error;
      for await (const chunk of process.stdin) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
        size += chunks.at(-1)!.length;
        if (size > maxStdinBytes) break;
      }
      break;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    size += n;
    if (size > maxStdinBytes) break;
  }
  return Buffer.concat(chunks);
}

/**
 * Whether stdout is a terminal, loading the tty module (and with it net) only when it must:
 * a pipe or a file is no terminal, and neither is /dev/null (a character device too).
 */
function stdoutIsTTY(): boolean {
  const out = fs.fstatSync(1);
  if (!out.isCharacterDevice()) return false;
  try {
    if (out.rdev === fs.statSync('/dev/null').rdev) return false;
  } catch {
    // No /dev/null (Windows): ask the tty module.
  }
  return process.getBuiltinModule('node:tty').isatty(1);
}

export function processPorts(): FastPorts {
  return {
    env: process.env,
    now: () => new Date(),
    stdoutIsTTY,
    readInput: readFd0,
    write(text) {
      try {
        fs.writeSync(1, text);
      } catch {
        process.stdout.write(text);
      }
    },
  };
}

/** Node's built-in SQLite, without the experimental-feature warning some Node versions print. */
function nodeSqlite(): typeof import('node:sqlite') | undefined {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!/SQLite/.test(typeof warning === 'string' ? warning : warning.message)) emitWarning.call(process, warning as string, ...(rest as []));
  }) as typeof process.emitWarning;
  try {
    return process.getBuiltinModule('node:sqlite');
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

function schemaIsCurrent(db: DatabaseSync): boolean {
  const applied = db.prepare('select "name" from "kysely_migration" order by "name"').all() as { name: string }[];
  return applied.length === knownMigrationNames.length && applied.every((row, i) => row.name === knownMigrationNames[i]);
}

export async function fastKeyVerify(argv: readonly string[], ports: FastPorts = processPorts()): Promise<FastOutcome> {
  const args = fastVerifyArgs(argv);
  if (!args) return { fallback: undefined };
  const location = resolveStoreLocation(args.db, ports.env);
  const sqlite = isPostgresUrl(location) ? undefined : nodeSqlite();
  if (!sqlite || (!args.json && ports.stdoutIsTTY())) return { fallback: undefined };
  const input = await ports.readInput();
  const fallback: FastOutcome = { fallback: input };
  const parsed = parseKey(input.toString('utf8').split(/\r?\n/)[0]?.trim() ?? '');
  const file = path.resolve(location);
  if (!parsed.ok || !fs.existsSync(file)) return fallback;
  let db: DatabaseSync;
  try {
    db = new sqlite.DatabaseSync(file);
    for (const pragma of connectionPragmas()) db.exec(`pragma ${pragma}`);
  } catch {
    return fallback;
  }
  try {
    if (!schemaIsCurrent(db)) return fallback;
    const row = db.prepare(keyLookupSql).get(parsed.id) as KeyLookupRow | undefined;
    const now = ports.now();
    if (!row || keyFailure(row, sha256Hex(parsed.secret), now.toISOString()) !== null) return fallback;
    let lastUsedAt = row.last_used_at;
    if (lastUsedDue(lastUsedAt, now) && Number(db.prepare(touchKeySql).run(...touchKeyParams(row.id, now)).changes) > 0) {
      lastUsedAt = now.toISOString();
    }
    const roles = (db.prepare(directRolesSql).all(row.tenant_id, row.user_id) as { role_id: string }[]).map((r) => r.role_id);
    const verified = verifiedKey(validKey(row, lastUsedAt), roles);
    // Closed before anything is printed or handed over: two SQLite libraries must never hold
    // the same file open in one process at once.
    db.close();
    ports.write(args.json ? jsonText(verified) : plainFields(verifiedKeyFields(verified)));
    return { exitCode: 0 };
  } catch {
    return fallback;
  } finally {
    if (db.isOpen) db.close();
  }
}
