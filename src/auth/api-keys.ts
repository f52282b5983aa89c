// API keys (SPEC §9): iak_<12-char id>_<43-char base62 secret><6-char base62 CRC32>.
// Only SHA-256 of the secret is stored; the id finds the row; the checksum is checked before
// any query, so malformed keys never reach the store.
import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Deps } from '../core/deps.js';
import { AppError } from '../core/errors.js';
import { resolveSetting } from '../core/settings.js';
import { appendAudit } from '../store/audit-repo.js';
import type { ApiKeyRow, UserRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { principalFor, type Principal } from './principal.js';
import { digestsEqual, sha256Hex } from './tokens.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const keyPattern = /^iak_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += base62[randomInt(62)];
  return out;
}

function checksum(body: string): string {
  let n = crc32(body);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = base62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export interface GeneratedKey {
  id: string;
  key: string;
  secretHash: string;
  hint: string;
}

export function generateKey(id: string = randomBase62(12)): GeneratedKey {
  const secret = randomBase62(43);
  const body = `iak_${id}_${secret}`;
  const key = body + checksum(body);
  return { id, key, secretHash: sha256Hex(secret), hint: `iak_${id}_…${key.slice(-4)}` };
}

export type KeyParse = { ok: true; id: string; secret: string } | { ok: false };

/** Shape and checksum only; no store access. */
export function parseKey(key: string): KeyParse {
  const match = keyPattern.exec(key);
  if (!match) return { ok: false };
  const [, id, secret, sum] = match as unknown as [string, string, string, string];
  if (checksum(`iak_${id}_${secret}`) !== sum) return { ok: false };
  return { ok: true, id, secret };
}

export type KeyFailure =
  | 'malformed'
  | 'unknown'
  | 'revoked'
  | 'expired'
  | 'user inactive'
  | 'tenant inactive'
  | 'disabled by policy';

export type KeyVerification =
  | { valid: true; key: ApiKeyRow; user: UserRow }
  | { valid: false; reason: KeyFailure; keyId: string | null };

const lastUsedResolutionMs = 60_000;

/**
 * Verifies a key: shape and checksum, then the row by id, a constant-time comparison of the
 * secret's hash, revocation, expiry, the user's and tenant's status and the key policy.
 * Failed use of a known key id is audited; malformed and unknown keys write nothing.
 * `last used` is written at most once a minute per key.
 */
export async function verifyApiKey(deps: Deps, key: string): Promise<KeyVerification> {
  const parsed = parseKey(key);
  if (!parsed.ok) return { valid: false, reason: 'malformed', keyId: null };
  const { db } = deps.store;
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', parsed.id).executeTakeFirst();
  if (!row) return { valid: false, reason: 'unknown', keyId: null };
  const now = deps.now();
  const at = now.toISOString();
  const user = await db.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
  const reason = await failureOf(deps, row, user, parsed.secret, at);
  if (reason) {
    await deps.store.write((trx) =>
      appendAudit(trx, {
        at,
        tenantId: row.tenant_id,
        actorId: null,
        action: 'key.use',
        target: `key:${row.id}`,
        result: 'failure',
        details: { reason: reason === 'unknown' ? 'wrong secret' : reason },
      }),
    );
    return { valid: false, reason, keyId: row.id };
  }
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= lastUsedResolutionMs) {
    await deps.store.write((trx) => trx.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', row.id).execute());
    row.last_used_at = at;
  }
  return { valid: true, key: row, user: user! };
}

async function failureOf(deps: Deps, row: ApiKeyRow, user: UserRow | undefined, secret: string, at: string): Promise<KeyFailure | null> {
  // A wrong secret for a known id answers like an unknown key.
  if (!digestsEqual(sha256Hex(secret), row.secret_hash)) return 'unknown';
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at <= at) return 'expired';
  if (!user || user.status !== 'active') return 'user inactive';
  const tenant = await deps.store.db.selectFrom('tenants').select('status').where('id', '=', row.tenant_id).executeTakeFirst();
  if (tenant?.status !== 'active') return 'tenant inactive';
  const settings = await loadStoredSettings(deps.store.db, { tenantId: row.tenant_id, userId: row.user_id });
  if (resolveSetting(settings, 'security.apiKeys.enabled').value !== true) return 'disabled by policy';
  if (resolveSetting(settings, 'security.apiKeys.apiUserOnly').value === true) {
    const apiUser = await deps.store.db
      .selectFrom('role_assignments')
      .select('role_id')
      .where('tenant_id', '=', row.tenant_id)
      .where('user_id', '=', row.user_id)
      .where('role_id', '=', 'api-user')
      .executeTakeFirst();
    if (!apiUser) return 'disabled by policy';
  }
  return null;
}

/** The principal for an API key, or an authentication error (4) with the reason. */
export async function authenticateApiKey(deps: Deps, key: string): Promise<Principal> {
  const result = await verifyApiKey(deps, key);
  if (!result.valid) {
    throw new AppError('unauthenticated', `API key not accepted: ${result.reason}`, {
      hint: 'check IAMCTL_API_KEY / --api-key-stdin, or create a new key with `iamctl key create`',
    });
  }
  return principalFor(deps.store.db, result.user, { via: 'apiKey', sessionId: null, keyId: result.key.id, restricted: false });
}
