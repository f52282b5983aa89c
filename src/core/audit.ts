// Reading the audit trail: pages of events (newest first) with user ids resolved to emails at
// read time, and verification of the hash chain.
import type { Kysely } from 'kysely';
import { emailsById } from '../store/user-repo.js';
import type { Principal } from '../auth/principal.js';
import { appendAudit, lockAuditHead, pruneAuditThrough, verifyAuditChain, type VerifyResult } from '../store/audit-repo.js';
import type { AuditEventRow, Database } from '../store/schema.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Deps } from './deps.js';
import type { AuditEvent, Page } from './model.js';

export interface AuditQuery {
  /** Events of this tenant only; undefined = every tenant (super admins). */
  tenantId?: string | undefined;
  actorId?: string | undefined;
  /** Events by this user or about them (actor or target). */
  userId?: string | undefined;
  action?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const isSeqCursor = (v: unknown): v is { seq: number } =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as { seq?: unknown }).seq);

export async function toAuditEvents(db: Kysely<Database>, rows: readonly AuditEventRow[]): Promise<AuditEvent[]> {
  const userIds = rows.flatMap((r) => [r.actor_id, r.target?.startsWith('user:') ? r.target.slice(5) : null]);
  const [emails, tenants] = await Promise.all([
    emailsById(db, userIds),
    db.selectFrom('tenants').select(['id', 'slug']).where('id', 'in', [...new Set(rows.map((r) => r.tenant_id)), MAIN_TENANT_ID]).execute(),
  ]);
  const slugs = new Map(tenants.map((t) => [t.id, t.id === MAIN_TENANT_ID ? null : t.slug]));
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    tenant: slugs.get(r.tenant_id) ?? null,
    actor: r.actor_id ? (emails.get(r.actor_id) ?? r.actor_id) : null,
    actorId: r.actor_id,
    action: r.action,
    target: r.target?.startsWith('user:') ? `user:${emails.get(r.target.slice(5)) ?? r.target.slice(5)}` : r.target,
    result: r.result,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  }));
}

/** The events a query selects (every filter but the cursor). */
function selectEvents(db: Kysely<Database>, query: AuditQuery) {
  let q = db.selectFrom('audit_events').selectAll();
  if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
  if (query.actorId !== undefined) q = q.where('actor_id', '=', query.actorId);
  if (query.userId !== undefined) {
    const id = query.userId;
    // Older events name a user's id as the target without the `user:` prefix.
    q = q.where((eb) => eb.or([eb('actor_id', '=', id), eb('target', '=', `user:${id}`), eb('target', '=', id)]));
  }
  if (query.action !== undefined) {
    q = query.action.endsWith('.*') ? q.where('action', 'like', `${query.action.slice(0, -1)}%`) : q.where('action', '=', query.action);
  }
  if (query.since !== undefined) q = q.where('at', '>=', query.since);
  if (query.until !== undefined) q = q.where('at', '<', query.until);
  return q;
}

export async function listAuditEvents(deps: Deps, query: AuditQuery): Promise<Page<AuditEvent>> {
  const limit = query.limit ?? 50;
  const { db } = deps.store;
  let q = selectEvents(db, query);
  if (query.cursor !== undefined) q = q.where('seq', '<', decodeCursor(query.cursor, isSeqCursor).seq);
  const rows = await q.orderBy('seq', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await toAuditEvents(db, page),
    nextCursor: rows.length > limit && last ? encodeCursor({ seq: Number(last.seq) }) : null,
  };
}

export async function verifyAudit(deps: Deps): Promise<VerifyResult> {
  return verifyAuditChain(deps.store.db);
}

/**
 * `audit export`: audited first (the export's own event is not in it), then every selected
 * event, oldest first, page by page inside one consistent snapshot, handed to `sink` one at
 * a time. Returns how many.
 */
export async function exportAuditEvents(
  deps: Deps,
  actor: Principal,
  recordIn: string,
  query: AuditQuery,
  format: string,
  sink: (event: AuditEvent) => Promise<void>,
): Promise<number> {
  const filters = Object.fromEntries(
    Object.entries({ since: query.since, until: query.until, action: query.action, user: query.userId }).filter(([, v]) => v !== undefined),
  );
  const exportSeq = await deps.store.write((trx) =>
    appendAudit(trx, {
      at: deps.now().toISOString(),
      tenantId: recordIn,
      actorId: actor.userId,
      action: 'audit.export',
      details: { format, allTenants: query.tenantId === undefined, ...filters },
    }),
  );
  return deps.store.read(async (trx) => {
    let after = 0;
    let exported = 0;
    for (;;) {
      const rows = await selectEvents(trx, query).where('seq', '>', after).where('seq', '<', exportSeq).orderBy('seq').limit(exportPage).execute();
      if (rows.length === 0) return exported;
      for (const event of await toAuditEvents(trx, rows)) {
        await sink(event);
        exported++;
      }
      after = Number(rows.at(-1)!.seq);
    }
  });
}

const exportPage = 1000;

export interface PrunePlan {
  /** Events older than this are deleted. */
  before: string;
  /** How many (a prefix of the chain). */
  events: number;
}

/** What `audit prune --older-than <days>` would delete: the oldest events, up to the first newer one. */
export async function planAuditPrune(deps: Deps, olderThanDays: number): Promise<PrunePlan> {
  const before = new Date(deps.now().getTime() - olderThanDays * 86_400_000).toISOString();
  const range = await pruneRange(deps.store.db, before);
  return { before, events: range ? range.through - range.after : 0 };
}

async function pruneRange(db: Kysely<Database>, before: string): Promise<{ after: number; through: number } | null> {
  const head = await db.selectFrom('audit_head').select(['seq', 'anchor_seq']).where('id', '=', 1).executeTakeFirstOrThrow();
  // Only a prefix can go (the chain is verified from its first kept event): up to, not
  // including, the first event at or after the cutoff, even if a later one is older.
  const firstKept = await db.selectFrom('audit_events').select((eb) => eb.fn.min('seq').as('seq')).where('at', '>=', before).executeTakeFirst();
  const through = firstKept?.seq != null ? Number(firstKept.seq) - 1 : Number(head.seq);
  const after = Number(head.anchor_seq);
  return through > after ? { after, through } : null;
}

export interface PruneResult extends PrunePlan {
  /** The chain is verified from the event after this one. */
  anchorSeq: number;
}

/**
 * Deletes the events older than the cutoff, moves the chain's anchor to the last deleted
 * event (so `audit verify` starts at the oldest kept one) and records the prune, all in one
 * transaction.
 */
export async function pruneAudit(deps: Deps, actor: Principal, olderThanDays: number): Promise<PruneResult> {
  const at = deps.now().toISOString();
  const before = new Date(deps.now().getTime() - olderThanDays * 86_400_000).toISOString();
  return deps.store.write(async (trx) => {
    await lockAuditHead(trx);
    const range = await pruneRange(trx, before);
    const deleted = range ? await pruneAuditThrough(trx, range.through) : 0;
    const anchor = await trx.selectFrom('audit_head').select('anchor_seq').where('id', '=', 1).executeTakeFirstOrThrow();
    await appendAudit(trx, {
      at,
      tenantId: MAIN_TENANT_ID,
      actorId: actor.userId,
      action: 'audit.prune',
      details: { olderThanDays, before, deleted, anchorSeq: Number(anchor.anchor_seq) },
    });
    return { before, events: deleted, anchorSeq: Number(anchor.anchor_seq) };
  });
}
