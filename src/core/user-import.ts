// `user import`: users from a CSV, JSON or NDJSON file, in two passes over a stream.
// 1. Validate every record (the rules of `user create`, duplicates within the file, tenants,
//    roles, teams, existing users) without writing; rows that pass are spooled, already
//    resolved, to an owner-only temporary file. Any problem: a report of each (line, field,
//    reason) and nothing is written.
// 2. Write the spooled rows with multi-row inserts: one transaction by default, or one per
//    `batch` rows (a later failure then leaves the earlier batches in place). Each transaction
//    appends one `user.import` event per tenant it touched (counts, never emails), plus the
//    `invitation.create` event each invitation gets wherever it is made.
// Memory stays flat in the number of rows: one record, one chunk and a fingerprint per email.
import type { Readable } from 'node:stream';
import type { Principal } from '../auth/principal.js';
import type { UserRow } from '../store/schema.js';
import { existingUsersByEmail, insertChunk } from '../store/user-import-repo.js';
import { FingerprintSet } from '../util/fingerprint-set.js';
import { Spool } from '../util/spool.js';
import type { Deps } from './deps.js';
import { AppError } from './errors.js';
import { decodeText, detectFormat, FatalFormatProblem, readRecords, type ImportFormat } from './import-readers.js';
import { ImportResolver } from './import-resolve.js';
import { checkRecord, type FieldProblem, type ImportRow } from './import-rows.js';
import type { CreatedUser } from './users.js';
import { writePass, type Planned } from './user-import-write.js';

export type OnConflict = 'fail' | 'skip' | 'update';

export interface ImportSource {
  /** A new stream over the whole input (it is read twice). */
  open(): Readable;
  /** The file's name, for its extension; null for stdin. */
  name: string | null;
  /** Its size in bytes, for progress; null when unknown. */
  size: number | null;
}

export interface ImportProgress {
  phase: 'validate' | 'write';
  done: number;
  total: number | null;
}

type Invitation = NonNullable<CreatedUser['invitation']>;

export interface ImportOptions {
  format?: ImportFormat | undefined;
  onConflict?: OnConflict | undefined;
  dryRun?: boolean | undefined;
  /** Rows per transaction (default: all in one). */
  batch?: number | undefined;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** Delivers each new invitation, inside its transaction (as `user create` does). */
  deliverInvitation?: ((invitation: Invitation, user: Omit<UserRow, 'rid'>) => Promise<void>) | undefined;
}

export interface ImportSummary {
  format: ImportFormat;
  dryRun: boolean;
  onConflict: OnConflict;
  /** Records read. */
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  /** Of the created: invited (no password hash). */
  invited: number;
  transactions: number;
  /** The file began with a UTF-8 byte-order mark, which was stripped. */
  bomStripped: boolean;
}

export interface ImportProblem {
  line: number;
  field: string | null;
  reason: string;
}

/** Problems kept for the report; the rest are counted. */
export const reportLimit = 1000;


export async function importUsers(deps: Deps, actor: Principal, actingTenantId: string, source: ImportSource, options: ImportOptions = {}): Promise<ImportSummary> {
  const spool = Spool.create('iamctl-import-');
  try {
    const summary = await validatePass(deps, actor, actingTenantId, source, options, spool);
    if (summary.dryRun) return summary;
    return await writePass(deps, actor, spool, summary, options);
  } finally {
    spool.close();
  }
}

async function validatePass(deps: Deps, actor: Principal, actingTenantId: string, source: ImportSource, options: ImportOptions, spool: Spool): Promise<ImportSummary> {
  const onConflict = options.onConflict ?? 'fail';
  const resolver = new ImportResolver(deps.store.db, actor, actingTenantId, onConflict === 'update');
  const problems: (ImportProblem & { conflict?: boolean })[] = [];
  const badLines = new Set<number>();
  let problemCount = 0;
  let conflictsOnly = true;
  const addProblem = (line: number, problem: FieldProblem, isConflict = false) => {
    problemCount++;
    conflictsOnly &&= isConflict;
    if (badLines.size < reportLimit * 10) badLines.add(line);
    if (problems.length < reportLimit) problems.push({ line, field: problem.field, reason: problem.reason });
  };
  const emails = new FingerprintSet();
  let bytes = 0;
  let fatalLine: number | null = null;
  const text = decodeText(source.open());
  const firstChunk = await text.chunks.next().catch((error: unknown) => {
    if (error instanceof FatalFormatProblem) return { done: true as const, value: undefined, fatal: error };
    throw error;
  });
  const first = firstChunk.done ? '' : firstChunk.value;
  const format = detectFormat(options.format, source.name, first);
  const summary: ImportSummary = { format, dryRun: options.dryRun === true, onConflict, rows: 0, created: 0, updated: 0, skipped: 0, invited: 0, transactions: 0, bomStripped: false };

  let pending: { line: number; row: ImportRow; tenantId: string }[] = [];
  const flush = async () => {
    const existing = await existingUsersByEmail(deps.store.db, pending.map((p) => p.row.emailLower));
    for (const { line, row, tenantId } of pending) {
      const found = existing.get(row.emailLower);
      if (found && onConflict === 'skip') {
        summary.skipped++;
        continue;
      }
      if (found && onConflict === 'fail') {
        addProblem(line, { field: 'email', reason: 'a user with this email already exists (--on-conflict skip or update to go on)' }, true);
        continue;
      }
      if (found && found.status === 'deleted') {
        addProblem(line, { field: 'email', reason: 'the email belongs to a deleted user: purge or restore that user first' }, true);
        continue;
      }
      if (found && found.tenantId !== tenantId) {
        addProblem(line, { field: 'email', reason: 'the email belongs to a user of another tenant (`user move` changes tenants)' }, true);
        continue;
      }
      const roles = found && row.roles.length === 0 ? null : await resolver.roles(tenantId, row.roles);
      const teams = found && row.teams.length === 0 ? null : await resolver.teams(tenantId, row.teams);
      if (roles !== null && !Array.isArray(roles)) addProblem(line, roles);
      if (teams !== null && !Array.isArray(teams)) addProblem(line, teams);
      if ((roles !== null && !Array.isArray(roles)) || (teams !== null && !Array.isArray(teams))) continue;
      if (found) summary.updated++;
      else {
        summary.created++;
        if (row.passwordHash === null && !row.inactive) summary.invited++;
      }
      if (problemCount > 0 || summary.dryRun) continue; // nothing will be written: spool no more
      const planned: Planned = [line, found ? 'u' : 'c', row.email, row.emailLower, row.firstName, found && row.lastName === '' ? null : row.lastName, tenantId, roles, teams, row.passwordHash, row.inactive ? 1 : 0, found?.id ?? null];
      await spool.write(`${JSON.stringify(planned)}\n`);
    }
    pending = [];
  };

  async function* allChunks(): AsyncGenerator<string> {
    if (first !== '') yield first;
    yield* text.chunks;
  }
  try {
    if ('fatal' in firstChunk && firstChunk.fatal) throw firstChunk.fatal;
    for await (const item of readRecords(format, countBytes(allChunks(), (n) => {
      bytes += n;
      options.onProgress?.({ phase: 'validate', done: bytes, total: source.size });
    }))) {
      summary.rows++;
      if ('problem' in item) {
        addProblem(item.line, item.problem);
        continue;
      }
      const checked = checkRecord(item.values);
      if ('problems' in checked) {
        for (const problem of checked.problems) addProblem(item.line, problem);
        continue;
      }
      const { row } = checked;
      const earlier = emails.addOrGet(row.emailLower, item.line);
      if (earlier !== undefined) {
        addProblem(item.line, { field: 'email', reason: `the same email as line ${earlier} (duplicates in the file)` });
        continue;
      }
      const tenantId = await resolver.tenantId(row.tenant);
      if (typeof tenantId !== 'string') {
        addProblem(item.line, tenantId);
        continue;
      }
      pending.push({ line: item.line, row, tenantId });
      if (pending.length >= insertChunk) await flush();
    }
    if (pending.length > 0) await flush();
  } catch (error) {
    if (!(error instanceof FatalFormatProblem)) throw error;
    addProblem(error.line, { field: error.field, reason: error.reason });
    fatalLine = error.line;
  }
  summary.bomStripped = text.bom();
  await spool.finish();
  if (problemCount > 0) throw problemsError(problems, problemCount, badLines.size, summary.rows, conflictsOnly, fatalLine);
  return summary;
}

function countBytes(chunks: AsyncIterable<string>, onChunk: (bytes: number) => void): AsyncGenerator<string> {
  return (async function* () {
    for await (const chunk of chunks) {
      onChunk(Buffer.byteLength(chunk));
      yield chunk;
    }
  })();
}

function problemsError(problems: ImportProblem[], total: number, badRows: number, rows: number, conflictsOnly: boolean, fatalLine: number | null): AppError {
  const what =
    fatalLine !== null
      ? `the file cannot be read past line ${fatalLine}${total > 1 ? ` (${total - 1} more problems before it)` : ''}: nothing was imported`
      : `${badRows} of ${rows} record${rows === 1 ? '' : 's'} ${badRows === 1 ? 'has' : 'have'} problems (${total} in all): nothing was imported`;
  return new AppError(conflictsOnly ? 'conflict' : 'validation', what, {
    hint: conflictsOnly ? 'users with these emails exist: --on-conflict skip keeps them, update changes them' : 'fix the lines listed and run again (--dry-run checks a file without writing)',
    data: { problems, total, reported: problems.length },
  });
}
