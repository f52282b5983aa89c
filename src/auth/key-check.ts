// The checks of API key verification as pure code: the key's shape and checksum, then every
// check over one looked-up row; and the SQL of the SQLite hot path. Nothing here loads the
// query builder or node:crypto: the in-process fast path and the `key verify` fast path both
// run this. The SQL text is exactly what src/store/key-repo.ts compiles to on SQLite (a test
// holds the two together), and the decision is this one function whichever path found the row.
import type BetterSqlite3 from 'better-sqlite3';
import type { VerifiedKey } from '../core/model.js';
import { resolveSetting } from '../core/settings.js';
import type { StoredSettings } from '../store/settings-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { crc32Ascii } from './checksum.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const keyPattern = /^iak_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

/** Six base62 digits of the CRC-32 of `iak_<id>_<secret>`. */
export function keyChecksum(body: string): string {
  let n = crc32Ascii(body);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = base62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export type KeyParse = { ok: true; id: string; secret: string } | { ok: false };

/** Shape and checksum only; no store access. */
export function parseKey(key: string): KeyParse {
  const match = keyPattern.exec(key);
  if (!match) return { ok: false };
  const [, id, secret, sum] = match as unknown as [string, string, string, string];
  if (keyChecksum(`iak_${id}_${secret}`) !== sum) return { ok: false };
  return { ok: true, id, secret };
}

/** Constant-time equality of two hex digests (no early exit on the first difference). */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export const apiKeyPolicyKeys = {
  enabled: 'security.apiKeys.enabled',
  apiUserOnly: 'security.apiKeys.apiUserOnly',
} as const;

/** Why a key cannot be used. `unknown` also covers a known id with a wrong secret. */
export type KeyFailure =
  | 'malformed'
  | 'unknown'
  | 'revoked'
  | 'expired'
  | 'user inactive'
  | 'tenant inactive'
  | 'disabled by policy';

/** The outcome of verifying a key. */
export type KeyVerification =
  | {
      valid: true;
      keyId: string;
      name: string;
      userId: string;
      email: string;
      /** The owner's tenant id (`main` for the main account). */
      tenantId: string;
      /** The owner's tenant slug, or null for the main account. */
      tenant: string | null;
      expiresAt: string | null;
      lastUsedAt: string | null;
    }
  | {
      valid: false;
      reason: KeyFailure;
      /** The key id when it names a key (then the failure was audited), else null. */
      keyId: string | null;
    };

export interface KeyLookupRow {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  // The user and tenant rows always exist (foreign keys); a missing one would read as inactive.
  email: string;
  user_status: string;
  tenant_slug: string;
  tenant_status: string;
  /** Stored JSON values of the key policy (null: not set at that scope). */
  user_enabled: string | null;
  tenant_enabled: string | null;
  global_enabled: string | null;
  tenant_api_user_only: string | null;
  global_api_user_only: string | null;
  /** Holds the api-user role directly (1/0 on SQLite, boolean on PostgreSQL). */
  api_user: number | boolean;
}

// prettier-ignore
export const keyLookupSql =
  'select "k"."id", "k"."tenant_id", "k"."user_id", "k"."name", "k"."secret_hash", "k"."expires_at", "k"."revoked_at", "k"."last_used_at", ' +
  '(select "u"."email" from "users" as "u" where "u"."tenant_id" = "k"."tenant_id" and "u"."id" = "k"."user_id") as "email", ' +
  '(select "u"."status" from "users" as "u" where "u"."tenant_id" = "k"."tenant_id" and "u"."id" = "k"."user_id") as "user_status", ' +
  '(select "t"."slug" from "tenants" as "t" where "t"."id" = "k"."tenant_id") as "tenant_slug", ' +
  '(select "t"."status" from "tenants" as "t" where "t"."id" = "k"."tenant_id") as "tenant_status", ' +
  `(select "s"."value" from "user_settings" as "s" where "s"."tenant_id" = "k"."tenant_id" and "s"."user_id" = "k"."user_id" and "s"."key" = '${apiKeyPolicyKeys.enabled}') as "user_enabled", ` +
  `(select "s"."value" from "tenant_settings" as "s" where "s"."tenant_id" = "k"."tenant_id" and "s"."key" = '${apiKeyPolicyKeys.enabled}') as "tenant_enabled", ` +
  `(select "s"."value" from "tenant_settings" as "s" where "s"."tenant_id" = '${MAIN_TENANT_ID}' and "s"."key" = '${apiKeyPolicyKeys.enabled}') as "global_enabled", ` +
  `(select "s"."value" from "tenant_settings" as "s" where "s"."tenant_id" = "k"."tenant_id" and "s"."key" = '${apiKeyPolicyKeys.apiUserOnly}') as "tenant_api_user_only", ` +
  `(select "s"."value" from "tenant_settings" as "s" where "s"."tenant_id" = '${MAIN_TENANT_ID}' and "s"."key" = '${apiKeyPolicyKeys.apiUserOnly}') as "global_api_user_only", ` +
  `exists (select "r"."role_id" from "role_assignments" as "r" where "r"."tenant_id" = "k"."tenant_id" and "r"."user_id" = "k"."user_id" and "r"."role_id" = 'api-user') as "api_user" ` +
  'from "api_keys" as "k" where "k"."id" = ?';

/** The lookup with PostgreSQL's placeholder (the statement has exactly one). */
export const pgKeyLookupSql = keyLookupSql.replace('= ?', '= $1');

const { enabled, apiUserOnly } = apiKeyPolicyKeys;

/** `last used` is written at most once a minute per key; the condition also holds across processes. */
export const touchKeySql = 'update "api_keys" set "last_used_at" = ? where "id" = ? and ("last_used_at" is null or "last_used_at" <= ?)';
export const lastUsedResolutionMs = 60_000;

export function touchKeyParams(keyId: string, now: Date): string[] {
  return [now.toISOString(), keyId, new Date(now.getTime() - lastUsedResolutionMs).toISOString()];
}

export function lastUsedDue(lastUsedAt: string | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - Date.parse(lastUsedAt) >= lastUsedResolutionMs;
}

export const directRolesSql = 'select "role_id" from "role_assignments" where "tenant_id" = ? and "user_id" = ? order by "role_id"';

/** The key policy values stored at each scope, as the settings resolver reads them. */
function policySettings(row: KeyLookupRow): StoredSettings {
  const stored: StoredSettings = { global: new Map(), tenant: new Map(), user: new Map() };
  if (row.global_enabled !== null) stored.global.set(enabled, JSON.parse(row.global_enabled));
  if (row.global_api_user_only !== null) stored.global.set(apiUserOnly, JSON.parse(row.global_api_user_only));
  // In the main account the tenant row *is* the global one; the resolver sees it once.
  if (row.tenant_id !== MAIN_TENANT_ID) {
    if (row.tenant_enabled !== null) stored.tenant.set(enabled, JSON.parse(row.tenant_enabled));
    if (row.tenant_api_user_only !== null) stored.tenant.set(apiUserOnly, JSON.parse(row.tenant_api_user_only));
  }
  if (row.user_enabled !== null) stored.user.set(enabled, JSON.parse(row.user_enabled));
  return stored;
}

/**
 * Every check after the lookup, in order: the secret (its SHA-256 hex, compared in constant
 * time; a wrong secret answers like an unknown key), revocation, expiry, the user's and the
 * tenant's status, then the key policy (`security.apiKeys.enabled`, user > tenant > global;
 * `apiUserOnly`). Null: valid.
 */
export function keyFailure(row: KeyLookupRow, secretHash: string, at: string): KeyFailure | null {
  if (!sameDigest(secretHash, row.secret_hash)) return 'unknown';
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at <= at) return 'expired';
  if (row.user_status !== 'active') return 'user inactive';
  if (row.tenant_status !== 'active') return 'tenant inactive';
  const policy = policyOf(row);
  if (!policy.enabled) return 'disabled by policy';
  if (policy.apiUserOnly && !row.api_user) return 'disabled by policy';
  return null;
}

interface KeyPolicy {
  enabled: boolean;
  apiUserOnly: boolean;
}

// The policy is a pure function of the five stored values (and whether the key is in the main
// account), so it is remembered per combination: a handful of entries in practice.
const policies = new Map<string, KeyPolicy>();
const unset = '\u0000';

function policyOf(row: KeyLookupRow): KeyPolicy {
  const key = [
    row.tenant_id === MAIN_TENANT_ID,
    row.user_enabled ?? unset,
    row.tenant_enabled ?? unset,
    row.global_enabled ?? unset,
    row.tenant_api_user_only ?? unset,
    row.global_api_user_only ?? unset,
  ].join('\u0001');
  let policy = policies.get(key);
  if (!policy) {
    const settings = policySettings(row);
    policy = {
      enabled: resolveSetting(settings, enabled).value === true,
      apiUserOnly: resolveSetting(settings, apiUserOnly).value === true,
    };
    if (policies.size < 1000) policies.set(key, policy);
  }
  return policy;
}

/** A valid key's verification result, from its row. */
export function validKey(row: KeyLookupRow, lastUsedAt: string | null): Extract<KeyVerification, { valid: true }> {
  return {
    valid: true,
    keyId: row.id,
    name: row.name,
    userId: row.user_id,
    email: row.email,
    tenantId: row.tenant_id,
    tenant: row.tenant_id === MAIN_TENANT_ID ? null : row.tenant_slug,
    expiresAt: row.expires_at,
    lastUsedAt,
  };
}

/** What `key verify` prints: the principal behind a valid key, with their direct roles. */
export function verifiedKey(result: Extract<KeyVerification, { valid: true }>, roles: readonly string[]): VerifiedKey {
  return {
    valid: true,
    key: result.keyId,
    user: result.email,
    userId: result.userId,
    tenant: result.tenant,
    roles: [...roles],
    expiresAt: result.expiresAt,
  };
}

export interface SqliteKeyStatements {
  lookup: BetterSqlite3.Statement<string[], KeyLookupRow>;
  touch: BetterSqlite3.Statement<string[]>;
  roles: BetterSqlite3.Statement<string[], { role_id: string }>;
}

const prepared = new WeakMap<BetterSqlite3.Database, SqliteKeyStatements>();

/** The hot path's statements, prepared once per SQLite handle. */
export function sqliteKeyStatements(raw: BetterSqlite3.Database): SqliteKeyStatements {
  let statements = prepared.get(raw);
  if (!statements) {
    statements = {
      lookup: raw.prepare<string[], KeyLookupRow>(keyLookupSql),
      touch: raw.prepare<string[]>(touchKeySql),
      roles: raw.prepare<string[], { role_id: string }>(directRolesSql),
    };
    prepared.set(raw, statements);
  }
  return statements;
}
