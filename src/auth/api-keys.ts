// API key verification (SPEC §9) and authentication with a key. The key's shape and checksum
// are checked before any query; the row is found by id in one round trip; every check after
// that is src/auth/key-check.ts. On SQLite, outside a transaction, the lookup runs as a cached
// prepared statement (SPEC §8); elsewhere the same query goes through Kysely.
import { depsOf, type Deps, type StoreOrDeps } from '../core/deps.js';
import { AppError } from '../core/errors.js';
import { appendAudit } from '../store/audit-repo.js';
import type { Store } from '../store/db.js';
import { lookupKey, touchKeyQuery } from '../store/key-repo.js';
import { findUserById } from '../store/user-repo.js';
import { parseKey } from './api-key-format.js';
import type { Pool as PgPool } from 'pg';
import {
  keyFailure,
  pgKeyLookupSql,
  lastUsedDue,
  sqliteKeyStatements,
  touchKeyParams,
  validKey,
  type KeyFailure,
  type KeyLookupRow,
  type KeyVerification,
  type SqliteKeyStatements,
} from './key-check.js';
import { principalFor, type Principal } from './principal.js';
import { digestsEqual, sha256Hex } from './tokens.js';

export { generateKey, parseKey, keyHint, type GeneratedKey, type KeyParse } from './api-key-format.js';
export type { KeyFailure, KeyVerification } from './key-check.js';

const noSuchSecretHash = sha256Hex('iamctl: no key has this id');

/** The prepared statements, when the SQLite handle is free to use directly. */
function fastPath(store: Store): SqliteKeyStatements | undefined {
  // Inside a transaction (another task of this process is between `begin` and `commit`), a raw
  // statement would join it; then wait for the connection through Kysely like everyone else.
  if (!store.sqlite || store.sqlite.inTransaction) return undefined;
  return sqliteKeyStatements(store.sqlite);
}

/**
 * Verifies an API key: shape and checksum, then the key by id, a constant-time comparison of
 * the secret's hash, revocation, expiry, the user's and the tenant's status and the key policy
 * (`security.apiKeys.enabled`: user > tenant > global; `security.apiKeys.apiUserOnly`).
 *
 * Failed use of a known key id is audited (event `key.use`, result failure); malformed and
 * unknown keys write nothing. A valid key's `lastUsedAt` is written at most once a minute.
 * Do not call it inside a `store.write` transaction of your own.
 *
 * @param target an open store (from {@link openStore}), or `{ store, now }` with a clock
 * @param key the whole key, `iak_…`
 */
export async function verifyApiKey(target: StoreOrDeps, key: string): Promise<KeyVerification> {
  const deps = depsOf(target);
  const parsed = parseKey(key);
  if (!parsed.ok) return { valid: false, reason: 'malformed', keyId: null };
  const now = deps.now();
  const at = now.toISOString();
  const fast = fastPath(deps.store);
  const row = fast ? fast.lookup.get(parsed.id) : deps.store.pgPool ? await pgLookup(deps.store.pgPool, parsed.id) : await lookupKey(deps.store.db, parsed.id);
  const secretHash = sha256Hex(parsed.secret);
  if (!row) {
    // The same hashing and comparing as for a known id with a wrong secret.
    digestsEqual(secretHash, noSuchSecretHash);
    return { valid: false, reason: 'unknown', keyId: null };
  }
  const reason = keyFailure(row, secretHash, at);
  if (reason) {
    await auditFailedUse(deps, row, reason, at);
    return { valid: false, reason, keyId: row.id };
  }
  let lastUsedAt = row.last_used_at;
  if (lastUsedDue(lastUsedAt, now)) {
    const touched = fast && !deps.store.sqlite!.inTransaction
      ? fast.touch.run(...touchKeyParams(row.id, now)).changes
      : Number((await deps.store.write((trx) => touchKeyQuery(trx, row.id, now).executeTakeFirst())).numUpdatedRows);
    if (touched > 0) lastUsedAt = at;
  }
  return validKey(row, lastUsedAt);
}

/** The same lookup as a named statement: each pooled connection parses and plans it once. */
async function pgLookup(pool: PgPool, keyId: string): Promise<KeyLookupRow | undefined> {
  const result = await pool.query<KeyLookupRow>({ name: 'iamctl_key_lookup', text: pgKeyLookupSql, values: [keyId] });
  return result.rows[0];
}

async function auditFailedUse(deps: Deps, row: KeyLookupRow, reason: KeyFailure, at: string): Promise<void> {
  await deps.store.write((trx) =>
    appendAudit(trx, {
      at,
      tenantId: row.tenant_id,
      actorId: null,
      action: 'key.use',
      target: `key:${row.id}`,
      result: 'failure',
      details: { reason: reason === 'unknown' ? 'wrong secret' : reason, user: `user:${row.user_id}` },
    }),
  );
}

/** The message of an unusable key, for the CLI and for embedders. */
export function keyRejected(reason: KeyFailure): AppError {
  return new AppError('unauthenticated', `API key not accepted: ${reason}`, {
    hint: reason === 'malformed' || reason === 'unknown'
      ? 'check the key (IAMCTL_API_KEY / --api-key-stdin), or create a new one with `iamctl key create`'
      : 'ask an administrator, or create a new key with `iamctl key create`',
  });
}

/**
 * The principal an API key stands for (its user, with their effective access), ready for
 * {@link authorize}; throws an `unauthenticated` AppError naming the reason otherwise.
 */
export async function authenticateApiKey(target: StoreOrDeps, key: string): Promise<Principal> {
  const deps = depsOf(target);
  const result = await verifyApiKey(deps, key);
  if (!result.valid) throw keyRejected(result.reason);
  const user = await findUserById(deps.store.db, result.userId);
  if (!user) throw keyRejected('unknown');
  return principalFor(deps.store.db, user, { via: 'apiKey', sessionId: null, keyId: result.keyId, restricted: false });
}
