// The second pass of `user import`: the rows the first pass validated and spooled, written
// with multi-row inserts, in one transaction or one per `batch` rows. Each transaction appends
// one `user.import` event per tenant it touched (counts only), never one per row.
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation, type Trx } from '../store/db.js';
import type { UserRow } from '../store/schema.js';
import { existingUsersByEmail, insertChunk, insertMemberships, insertUsers, updateImportedUser } from '../store/user-import-repo.js';
import { nameColumns } from '../store/user-repo.js';
import { readLines } from '../util/lines.js';
import type { Spool } from '../util/spool.js';
import type { Deps } from './deps.js';
import { conflict } from './errors.js';
import { newId } from './ids.js';
import type { ImportOptions, ImportSummary } from './user-import.js';
import { insertInvitations } from './users.js';

/** A spooled row, resolved: [line, action, email, emailLower, first, last, tenantId, roles, teamIds, hash, inactive, userId]. */
export type Planned = [number, 'c' | 'u', string, string, string, string | null, string, string[] | null, string[] | null, string | null, 0 | 1, string | null];

export async function writePass(deps: Deps, actor: Principal, spool: Spool, summary: ImportSummary, options: ImportOptions): Promise<ImportSummary> {
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
  }
  const invited = users.filter((u) => u.status === 'invited');
  const invitations = await insertInvitations(trx, invited, actor.userId, now);
  for (const [i, invitation] of invitations.entries()) await options.deliverInvitation?.(invitation, invited[i]!);
  for (const [, , , , first, last, tenantId, roles, teamIds, hash, , userId] of chunk.filter((p) => p[1] === 'u')) {
    await updateImportedUser(trx, { tenantId, userId: userId!, firstName: first, lastName: last, passwordHash: hash, roles, teamIds }, actor.userId, at);
    count(tenantId).updated++;
    result.updated++;
  }
}
