// The audit hash chain, as pure functions: what is hashed, and how a run of events is checked.
import { createHash } from 'node:crypto';

export const genesisHash = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: string;
  tenantId: string;
  actorId: string | null;
  action: string;
  target: string | null;
  result: string;
  /** The details exactly as stored (canonical JSON). */
  details: string;
}

/** JSON with object keys sorted at every depth, so equal data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function eventHash(prevHash: string, e: ChainedFields): string {
  const payload = JSON.stringify([e.seq, e.at, e.tenantId, e.actorId, e.action, e.target, e.result, e.details]);
  return createHash('sha256').update(prevHash).update('\n').update(payload).digest('hex');
}

export interface StoredEvent extends ChainedFields {
  prevHash: string;
  hash: string;
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks events in seq order, continuing from (seq, hash) of the event before them.
 * Returns the first break, or the new position to continue from.
 */
export function checkRun(
  from: { seq: number; hash: string },
  events: Iterable<StoredEvent>,
): { break: ChainBreak } | { seq: number; hash: string } {
  let { seq, hash } = from;
  for (const e of events) {
    if (e.seq !== seq + 1) {
      return { break: { seq: e.seq, reason: `expected event ${seq + 1} next, found ${e.seq} (events missing or reordered)` } };
    }
    if (e.prevHash !== hash) {
      return { break: { seq: e.seq, reason: 'its previous-hash does not match the event before it' } };
    }
    if (eventHash(e.prevHash, e) !== e.hash) {
      return { break: { seq: e.seq, reason: 'its contents do not match its hash (edited)' } };
    }
    seq = e.seq;
    hash = e.hash;
  }
  return { seq, hash };
}
