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
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation, type Trx } from '../store/db.js';
import type { UserRow } from '../store/schema.js';
import { existingUsersByEmail, insertChunk, insertMemberships, insertUsers, updateImportedUser } from '../store/user-import-repo.js';
import { nameColumns } from '../store/user-repo.js';
import { FingerprintSet } from '../util/fingerprint-set.js';
import { readLines } from '../util/lines.js';
import { Spool } from '../util/spool.js';
import type { Deps } from './deps.js';
import { AppError, conflict } from './errors.js';
import { newId } from './ids.js';
import { decodeText, detectFormat, FatalFormatProblem, readRecords, type ImportFormat } from './import-readers.js';
import { ImportResolver } from './import-resolve.js';
import { checkRecord, type FieldProblem, type ImportRow } from './import-rows.js';
import { insertInvitation, type CreatedUser } from './users.js';

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

/** A spooled row, resolved: [line, action, email, emailLower, first, last, tenantId, roles, teamIds, hash, inactive, userId]. */
type Planned = [number, 'c' | 'u', string, string, string, string | null, string, string[] | null, string[] | null, string | null, 0 | 1, string | null];

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

async function writePass(deps: Deps, actor: Principal, spool: Spool, summary: ImportSummary, options: ImportOptions): Promise<ImportSummary> {
  const total = summary.created + summary.updated;
  const result: ImportSummary = { ...summary, created: 0, updated: 0, invited: 0 };
  const batch = options.batch ?? Number.POSITIVE_INFINITY;
  const records = (async function* () {
    for await (const { text } of readLines(spool.open(), Number.POSITIVE_INFINITY)) if (text !== '') yield JSON.parse(text) as Planned;
  })();
  let next = await records.next();
  let done = 0;
  while (!next.done) {
    const index = result.transactions + 1;
    try {
      await deps.store.write(async (trx) => {
        const tally = new Map<string, { created: number; updated: number; invited: number }>();
        let inTransaction = 0;
        while (!next.done && inTransaction < batch) {
          const chunk: Planned[] = [];
          while (!next.done && chunk.length < insertChunk && inTransaction + chunk.length < batch) {
            chunk.push(next.value);
            next = await records.next();
          }
          await writeChunk(trx, actor, chunk, deps.now(), options, tally, result);
          inTransaction += chunk.length;
          done += chunk.length;
          options.onProgress?.({ phase: 'write', done, total });
        }
        for (const [tenantId, counts] of tally) {
          await appendAudit(trx, {
            at: deps.now().toISOString(),
            tenantId,
            actorId: actor.userId,
            action: 'user.import',
            details: { format: summary.format, onConflict: summary.onConflict, ...counts, ...(Number.isFinite(batch) ? { batch: index } : {}) },
          });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('another change created users with the same emails while importing', 'run the import again');
      throw error;
    }
    result.transactions++;
  }
  return result;
}

async function writeChunk(
  trx: Trx,
  actor: Principal,
  chunk: Planned[],
  now: Date,
  options: ImportOptions,
  tally: Map<string, { created: number; updated: number; invited: number }>,
  result: ImportSummary,
): Promise<void> {
  const at = now.toISOString();
  const count = (tenantId: string) => {
    let t = tally.get(tenantId);
    if (!t) tally.set(tenantId, (t = { created: 0, updated: 0, invited: 0 }));
    return t;
  };
  let creates = chunk.filter((p) => p[1] === 'c');
  // Users created by someone else since the validation pass.
  const appeared = creates.length > 0 ? await existingUsersByEmail(trx, creates.map((p) => p[3])) : new Map();
  if (appeared.size > 0) {
    if (result.onConflict !== 'skip') {
      const line = creates.find((p) => appeared.has(p[3]))![0];
      throw conflict(`line ${line}: a user with this email was created while importing`, 'run the import again');
    }
    creates = creates.filter((p) => !appeared.has(p[3]));
    result.skipped += appeared.size;
  }
  const users: Omit<UserRow, 'rid'>[] = creates.map(([, , email, emailLower, first, last, tenantId, , , hash, inactive]) => ({
    id: newId(),
    tenant_id: tenantId,
    email,
    email_lower: emailLower,
    first_name: first,
    last_name: last ?? '',
    ...nameColumns(first, last ?? ''),
    status: inactive ? 'inactive' : hash ? 'active' : 'invited',
    password_hash: hash,
    default_tenant_id: null,
    mfa_enabled: 0,
    created_at: at,
    updated_at: at,
    last_login_at: null,
    deleted_at: null,
  }));
  await insertUsers(trx, users);
  await insertMemberships(trx, users.map((u, i) => ({ tenantId: u.tenant_id, userId: u.id, roles: creates[i]![7] ?? [], teamIds: creates[i]![8] ?? [] })), actor.userId, at);
  for (const user of users) {
    const counts = count(user.tenant_id);
    counts.created++;
    result.created++;
    if (user.status !== 'invited') continue;
    counts.invited++;
    result.invited++;
    const invitation = await insertInvitation(trx, user, actor.userId, now);
    await options.deliverInvitation?.(invitation, user);
  }
  for (const [, , , , first, last, tenantId, roles, teamIds, hash, , userId] of chunk.filter((p) => p[1] === 'u')) {
    await updateImportedUser(trx, { tenantId, userId: userId!, firstName: first, lastName: last, passwordHash: hash, roles, teamIds }, actor.userId, at);
    count(tenantId).updated++;
    result.updated++;
  }
}
