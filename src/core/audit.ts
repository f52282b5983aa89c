// Reading the audit trail: pages of events (newest first) with user ids resolved to emails at
// read time, and verification of the hash chain.
import type { Kysely } from 'kysely';
import { emailsById } from '../store/user-repo.js';
import { verifyAuditChain, type VerifyResult } from '../store/audit-repo.js';
import type { AuditEventRow, Database } from '../store/schema.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Deps } from './deps.js';
import type { AuditEvent, Page } from './model.js';

export interface AuditQuery {
  /** Events of this tenant only; undefined = every tenant (super admins). */
  tenantId?: string | undefined;
  actorId?: string | undefined;
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

export async function listAuditEvents(deps: Deps, query: AuditQuery): Promise<Page<AuditEvent>> {
  const limit = query.limit ?? 50;
  const { db } = deps.store;
  let q = db.selectFrom('audit_events').selectAll();
  if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
  if (query.actorId !== undefined) q = q.where('actor_id', '=', query.actorId);
  if (query.action !== undefined) {
    q = query.action.endsWith('.*') ? q.where('action', 'like', `${query.action.slice(0, -1)}%`) : q.where('action', '=', query.action);
  }
  if (query.since !== undefined) q = q.where('at', '>=', query.since);
  if (query.until !== undefined) q = q.where('at', '<', query.until);
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
