// Audit events: appended inside the change's own transaction, under the chain-head lock.
import type { Kysely } from 'kysely';
import { canonicalJson, checkRun, eventHash, type ChainBreak, type StoredEvent } from '../core/audit-chain.js';
import { isPostgres } from './dialect.js';
import type { Database, AuditEventRow } from './schema.js';

export interface NewAuditEvent {
  at: string;
  tenantId: string;
  actorId: string | null;
  action: string;
  target?: string | null;
  result?: 'success' | 'failure';
  /** Never secrets, never personal data: refer to users by id. */
  details?: Record<string, unknown>;
}

export async function appendAudit(trx: Kysely<Database>, event: NewAuditEvent): Promise<number> {
  return appendAuditEvents(trx, [event]);
}

/**
 * Appends several events in order with one head read, multi-row inserts and one head update
 * (bulk work: one `invitation.create` per imported user). Returns the last event's seq.
 */
export async function appendAuditEvents(trx: Kysely<Database>, events: readonly NewAuditEvent[]): Promise<number> {
  // On PostgreSQL the row lock serializes appends across processes; on SQLite the IMMEDIATE
  // transaction already holds the write lock.
  let query = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  if (isPostgres(trx)) query = query.forUpdate();
  const head = await query.executeTakeFirstOrThrow();
  let seq = Number(head.seq);
  let prevHash = head.hash;
  if (events.length === 0) return seq;
  const rows = events.map((event) => {
    const fields = {
      seq: ++seq,
      at: event.at,
      tenantId: event.tenantId,
      actorId: event.actorId,
      action: event.action,
      target: event.target ?? null,
      result: event.result ?? 'success',
      details: canonicalJson(event.details ?? {}),
    } as const;
    const hash = eventHash(prevHash, fields);
    const row = {
      seq: fields.seq,
      at: fields.at,
      tenant_id: fields.tenantId,
      actor_id: fields.actorId,
      action: fields.action,
      target: fields.target,
      result: fields.result,
      details: fields.details,
      prev_hash: prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += auditInsertChunk) {
    await trx.insertInto('audit_events').values(rows.slice(i, i + auditInsertChunk)).execute();
  }
  await trx.updateTable('audit_head').set({ seq, hash: prevHash }).where('id', '=', 1).execute();
  return seq;
}

// 10 columns a row: well under SQLite's and PostgreSQL's bound-parameter limits.
const auditInsertChunk = 200;

/** Takes the chain-head lock now (PostgreSQL; SQLite's IMMEDIATE transaction already holds it). */
export async function lockAuditHead(trx: Kysely<Database>): Promise<void> {
  if (isPostgres(trx)) await trx.selectFrom('audit_head').select('seq').where('id', '=', 1).forUpdate().execute();
}

/**
 * Deletes the chain's events up to `throughSeq` and anchors verification on the last of them
 * (its seq and hash), so the chain stays verifiable from the oldest kept event. Call under the
 * head lock. Returns how many events were deleted.
 */
export async function pruneAuditThrough(trx: Kysely<Database>, throughSeq: number): Promise<number> {
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).where('seq', '=', throughSeq).executeTakeFirst();
  if (!last) throw new Error(`audit event ${throughSeq} is missing: run \`iamctl audit verify\``);
  const result = await trx.deleteFrom('audit_events').where('seq', '<=', throughSeq).executeTakeFirst();
  await trx.updateTable('audit_head').set({ anchor_seq: throughSeq, anchor_hash: last.hash }).where('id', '=', 1).execute();
  return Number(result.numDeletedRows);
}

export function toStoredEvent(row: AuditEventRow): StoredEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    tenantId: row.tenant_id,
    actorId: row.actor_id,
    action: row.action,
    target: row.target,
    result: row.result,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface VerifyResult {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** First event verified (after any prune). */
  fromSeq: number;
  headSeq: number;
  firstBreak: ChainBreak | null;
}

/** Walks the whole chain in seq order, in pages, from the anchor left by the last prune. */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 5000): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  let position = { seq: Number(head.anchor_seq), hash: head.anchor_hash };
  const fromSeq = position.seq + 1;
  let checked = 0;
  // The anchor must be the one the newest `audit.prune` set (it is appended after its deletion,
  // so it is always kept): otherwise rows were deleted and the anchor moved by hand.
  let prunedTo = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', position.seq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    const outcome = checkRun(position, rows.map(toStoredEvent));
    if ('break' in outcome) {
      return { ok: false, checked, fromSeq, headSeq: Number(head.seq), firstBreak: outcome.break };
    }
    checked += rows.length;
    position = outcome;
    for (const row of rows) if (row.action === 'audit.prune') prunedTo = anchorOf(row.details);
  }
  // Rows deleted from the end of the chain leave the head pointing past them.
  if (position.seq !== Number(head.seq) || position.hash !== head.hash) {
    return {
      ok: false,
      checked,
      fromSeq,
      headSeq: Number(head.seq),
      firstBreak: { seq: position.seq + 1, reason: `the chain head is at event ${Number(head.seq)} but the events stop at ${position.seq} (events deleted)` },
    };
  }
  if (prunedTo !== fromSeq - 1) {
    return {
      ok: false,
      checked,
      fromSeq,
      headSeq: Number(head.seq),
      firstBreak: {
        seq: fromSeq,
        reason: `the chain's anchor is event ${fromSeq - 1}, but ${prunedTo === 0 ? 'no audit prune moved it' : `the last audit prune moved it to event ${prunedTo}`} (events deleted)`,
      },
    };
  }
  return { ok: true, checked, fromSeq, headSeq: Number(head.seq), firstBreak: null };
}

function anchorOf(details: string): number {
  try {
    const value = (JSON.parse(details) as { anchorSeq?: unknown }).anchorSeq;
    return typeof value === 'number' && Number.isSafeInteger(value) ? value : -1;
  } catch {
    return -1;
  }
}
