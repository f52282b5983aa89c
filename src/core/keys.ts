// API keys: create, list, show, regenerate, revoke, and the principal behind a key (SPEC §2,
// §6, §9). Who may act on whose keys is decided by the caller through the one authorization
// function (own keys need no permission; others' need api-keys:*); this module applies the key
// policy, the lifetime rules and writes each change with its audit event.
import { generateKey, verifyApiKey, keyRejected, type GeneratedKey } from '../auth/api-keys.js';
import { looksLikeKey } from '../auth/api-key-format.js';
import { verifiedKey } from '../auth/key-check.js';
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation, type Trx } from '../store/db.js';
import { directRolesQuery, findKeyRow, keyStatus, tenantKeyRows, toApiKeys, userKeyRows } from '../store/key-repo.js';
import type { ApiKeyRow, UserRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { findUserRow } from '../store/user-repo.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Deps } from './deps.js';
import { conflict, forbidden, notFound, usageError } from './errors.js';
import type { ApiKey, IssuedApiKey, Page, VerifiedKey } from './model.js';
import { resolveSetting } from './settings.js';
import { validateKeyLifetime, validateKeyName } from './validation.js';

/** Whether a user reference (email or id) names the principal. */
export function isSelfRef(principal: Principal, ref: string | undefined): boolean {
  return ref === undefined || ref === principal.userId || ref.toLowerCase() === principal.email.toLowerCase();
}

/** The owner of the keys a command acts on: the principal, or a user of the acting tenant. */
export async function findKeyOwner(deps: Deps, principal: Principal, actingTenantId: string, ref: string | undefined): Promise<UserRow> {
  const { db } = deps.store;
  const row = isSelfRef(principal, ref)
    ? await findUserRow(db, { ref: principal.userId, tenantId: principal.tenantId })
    : await findUserRow(db, { ref: ref!, tenantId: actingTenantId });
  if (!row) throw notFound(`user ${ref ?? principal.email}`, 'users of other tenants are reached with --tenant <slug> (super admins)');
  return row;
}

const keyRefPattern = /^(?:iak_)?([0-9A-Za-z]{12})(?:_…?[0-9A-Za-z]{0,4})?$/;

/** A key id from `<id>` or the hint a list shows (`iak_<id>_…abcd`). A whole key is refused. */
export function parseKeyRef(ref: string): string | null {
  if (looksLikeKey(ref)) {
    throw usageError('that is a whole API key: pass its id (or the hint `key list` shows), never the key itself', 'a key on the command line ends up in shell history; revoke it if it was a real one');
  }
  return keyRefPattern.exec(ref)?.[1] ?? null;
}

export interface FoundKey {
  row: ApiKeyRow;
  /** The principal's own key: no permission is needed to act on it. */
  own: boolean;
}

/** A key of the acting tenant, or one of the principal's own keys (wherever they act). */
export async function findKey(deps: Deps, principal: Principal, actingTenantId: string, ref: string): Promise<FoundKey> {
  const id = parseKeyRef(ref);
  const { db } = deps.store;
  let row = id ? await findKeyRow(db, actingTenantId, id) : undefined;
  if (!row && id && actingTenantId !== principal.tenantId) {
    const mine = await findKeyRow(db, principal.tenantId, id);
    if (mine?.user_id === principal.userId) row = mine;
  }
  if (!row) throw notFound(`key ${ref}`, 'see `iamctl key list` (or `key list --all` for the whole tenant)');
  return { row, own: row.user_id === principal.userId && row.tenant_id === principal.tenantId };
}

export interface KeyPolicy {
  enabled: boolean;
  apiUserOnly: boolean;
  maxTtlDays: number | null;
}

export async function keyPolicyFor(deps: Deps, owner: Pick<UserRow, 'id' | 'tenant_id'>): Promise<KeyPolicy> {
  const settings = await loadStoredSettings(deps.store.db, { tenantId: owner.tenant_id, userId: owner.id });
  const maxTtl = resolveSetting(settings, 'security.apiKeys.maxTtlDays').value;
  return {
    enabled: resolveSetting(settings, 'security.apiKeys.enabled').value === true,
    apiUserOnly: resolveSetting(settings, 'security.apiKeys.apiUserOnly').value === true,
    maxTtlDays: typeof maxTtl === 'number' ? maxTtl : null,
  };
}

/** Refuses to issue a secret that could not be used: keys off by policy (5), owner not active (7). */
async function assertMayIssue(deps: Deps, owner: UserRow, policy: KeyPolicy): Promise<void> {
  if (owner.status !== 'active') {
    throw conflict(`user ${owner.email} is ${owner.status}: their keys cannot be used`, 'activate the user first');
  }
  if (!policy.enabled) {
    throw forbidden(
      `API keys are disabled by policy for ${owner.email} (security.apiKeys.enabled)`,
      `an administrator can allow them: iamctl settings set security.apiKeys.enabled true --user ${owner.email}`,
    );
  }
  if (policy.apiUserOnly) {
    const roles = await directRolesQuery(deps.store.db, owner.tenant_id, owner.id).execute();
    if (!roles.some((r) => r.role_id === 'api-user')) {
      throw forbidden(
        `API keys are only for API users here (security.apiKeys.apiUserOnly), and ${owner.email} does not hold the api-user role`,
        'give the user the api-user role, or ask an administrator to change the policy',
      );
    }
  }
}

export interface CreateKeyInput {
  name?: string | undefined;
  /** Whole days from now; required and capped when security.apiKeys.maxTtlDays is set. */
  expiresInDays?: string | number | undefined;
}

export async function createKey(deps: Deps, actor: Principal, owner: UserRow, input: CreateKeyInput): Promise<IssuedApiKey> {
  const name = validateKeyName(input.name);
  const policy = await keyPolicyFor(deps, owner);
  const days = validateKeyLifetime(input.expiresInDays, policy.maxTtlDays);
  await assertMayIssue(deps, owner, policy);
  const now = deps.now();
  const at = now.toISOString();
  const expiresAt = days === null ? null : new Date(now.getTime() + days * 86_400_000).toISOString();
  for (let attempt = 0; ; attempt++) {
    const issued = generateKey();
    const row: ApiKeyRow = {
      id: issued.id,
      tenant_id: owner.tenant_id,
      user_id: owner.id,
      name,
      secret_hash: issued.secretHash,
      hint: issued.hint,
      created_by: actor.userId,
      created_at: at,
      expires_at: expiresAt,
      revoked_at: null,
      revoked_by: null,
      last_used_at: null,
    };
    try {
      await deps.store.write(async (trx) => {
        await trx.insertInto('api_keys').values(row).execute();
        await auditKey(trx, actor, row, 'key.create', at, { expiresAt });
      });
      return withSecret(deps, row, issued);
    } catch (error) {
      // 62^12 ids: a collision is all but impossible, but a retry is cheap.
      if (isUniqueViolation(error) && attempt < 2) continue;
      throw error;
    }
  }
}

async function withSecret(deps: Deps, row: ApiKeyRow, issued: GeneratedKey): Promise<IssuedApiKey> {
  const [key] = await toApiKeys(deps.store.db, [row], deps.now().toISOString());
  return { ...key!, secret: issued.key };
}

function auditKey(trx: Trx, actor: Principal, row: ApiKeyRow, action: string, at: string, details: Record<string, unknown> = {}) {
  return appendAudit(trx, {
    at,
    tenantId: row.tenant_id,
    actorId: actor.userId,
    action,
    target: `user:${row.user_id}`,
    details: { key: row.id, ...details },
  });
}

export async function showKey(deps: Deps, row: ApiKeyRow): Promise<ApiKey> {
  const [key] = await toApiKeys(deps.store.db, [row], deps.now().toISOString());
  return key!;
}

/** Every key of one user (revoked and expired ones too), newest first. */
export async function listUserKeys(deps: Deps, owner: Pick<UserRow, 'id' | 'tenant_id'>): Promise<ApiKey[]> {
  const rows = await userKeyRows(deps.store.db, owner.tenant_id, owner.id);
  return toApiKeys(deps.store.db, rows, deps.now().toISOString());
}

const isKeyCursor = (v: unknown): v is { c: string; i: string } =>
  typeof v === 'object' && v !== null && typeof (v as { c?: unknown }).c === 'string' && typeof (v as { i?: unknown }).i === 'string';

/** A page of a tenant's keys, newest first (`key list --all`). */
export async function listTenantKeys(deps: Deps, tenantId: string, options: { limit?: number | undefined; cursor?: string | undefined }): Promise<Page<ApiKey>> {
  const limit = options.limit ?? 50;
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, isKeyCursor);
  const rows = await tenantKeyRows(deps.store.db, tenantId, limit + 1, after && { createdAt: after.c, id: after.i });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await toApiKeys(deps.store.db, page, deps.now().toISOString()),
    nextCursor: rows.length > limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null,
  };
}

/**
 * A new secret for the same key id; the old secret stops working in the same transaction. The
 * expiry stays, shortened to the current maxTtlDays cap when that is set and would be exceeded.
 */
export async function regenerateKey(deps: Deps, actor: Principal, row: ApiKeyRow): Promise<IssuedApiKey> {
  const at = deps.now().toISOString();
  const status = keyStatus(row, at);
  if (status !== 'active') throw conflict(`key ${row.id} is ${status}`, 'create a new key with `iamctl key create`');
  const owner = await findUserRow(deps.store.db, { ref: row.user_id, tenantId: row.tenant_id });
  if (!owner) throw notFound(`key ${row.id}`);
  const policy = await keyPolicyFor(deps, owner);
  await assertMayIssue(deps, owner, policy);
  let expiresAt = row.expires_at;
  if (policy.maxTtlDays !== null) {
    const cap = new Date(deps.now().getTime() + policy.maxTtlDays * 86_400_000).toISOString();
    if (expiresAt === null || expiresAt > cap) expiresAt = cap;
  }
  const issued = generateKey(row.id);
  await deps.store.write(async (trx) => {
    const result = await trx
      .updateTable('api_keys')
      .set({ secret_hash: issued.secretHash, hint: issued.hint, expires_at: expiresAt })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict(`key ${row.id} was revoked meanwhile`);
    await auditKey(trx, actor, row, 'key.regenerate', at, expiresAt === row.expires_at ? {} : { expiresAt });
  });
  return withSecret(deps, { ...row, secret_hash: issued.secretHash, hint: issued.hint, expires_at: expiresAt }, issued);
}

export async function revokeKey(deps: Deps, actor: Principal, row: ApiKeyRow): Promise<ApiKey> {
  if (row.revoked_at) throw conflict(`key ${row.id} is already revoked`);
  const at = deps.now().toISOString();
  await deps.store.write(async (trx) => {
    const result = await trx
      .updateTable('api_keys')
      .set({ revoked_at: at, revoked_by: actor.userId })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict(`key ${row.id} is already revoked`);
    await auditKey(trx, actor, row, 'key.revoke', at);
  });
  return showKey(deps, { ...row, revoked_at: at, revoked_by: actor.userId });
}

/** The principal behind a key for `key verify`: its user, tenant, direct roles and expiry. */
export async function verifyKeyPrincipal(deps: Deps, key: string): Promise<VerifiedKey> {
  const result = await verifyApiKey(deps, key);
  if (!result.valid) throw keyRejected(result.reason);
  const roles = await directRolesQuery(deps.store.db, result.tenantId, result.userId).execute();
  return verifiedKey(result, roles.map((r) => r.role_id));
}
