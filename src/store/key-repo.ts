// API keys: the verification lookup (as a dialect-neutral query), lists, and the row -> domain
// mapping. The SQLite hot path runs the same lookup as prepared SQL text (src/auth/key-check.ts);
// a test proves that text is exactly what this builder compiles to.
import { sql, type Kysely } from 'kysely';
import { apiKeyPolicyKeys, touchKeyParams, type KeyLookupRow } from '../auth/key-check.js';
import type { ApiKey, ApiKeyStatus } from '../core/model.js';
import type { ApiKeyRow, Database } from './schema.js';
import { MAIN_TENANT_ID } from './tenant-repo.js';

/**
 * Everything verification needs in one round trip: the key, its user's and tenant's status,
 * the stored values of the key policy at the three scopes, and whether the user holds api-user.
 * Scalar subqueries rather than joins: SQLite plans this single-row lookup about ten times
 * faster that way (a join gets a Bloom-filter pass meant for large outer loops). The fixed
 * names are literals, so the key id is the only parameter to bind on the hot path.
 */
export function keyLookupQuery(db: Kysely<Database>, keyId: string) {
  const enabled = sql.lit<string>(apiKeyPolicyKeys.enabled);
  const apiUserOnly = sql.lit<string>(apiKeyPolicyKeys.apiUserOnly);
  const main = sql.lit<string>(MAIN_TENANT_ID);
  return db
    .selectFrom('api_keys as k')
    .select((eb) => {
      const user = () => eb.selectFrom('users as u').whereRef('u.tenant_id', '=', 'k.tenant_id').whereRef('u.id', '=', 'k.user_id');
      const tenant = () => eb.selectFrom('tenants as t').whereRef('t.id', '=', 'k.tenant_id');
      const stored = (tenant: 'own' | 'main', key: typeof enabled) => {
        const q = eb.selectFrom('tenant_settings as s').select('s.value');
        return (tenant === 'own' ? q.whereRef('s.tenant_id', '=', 'k.tenant_id') : q.where('s.tenant_id', '=', main)).where('s.key', '=', key);
      };
      return [
        'k.id',
        'k.tenant_id',
        'k.user_id',
        'k.name',
        'k.secret_hash',
        'k.expires_at',
        'k.revoked_at',
        'k.last_used_at',
        user().select('u.email').as('email'),
        user().select('u.status').as('user_status'),
        tenant().select('t.slug').as('tenant_slug'),
        tenant().select('t.status').as('tenant_status'),
        eb
          .selectFrom('user_settings as s')
          .select('s.value')
          .whereRef('s.tenant_id', '=', 'k.tenant_id')
          .whereRef('s.user_id', '=', 'k.user_id')
          .where('s.key', '=', enabled)
          .as('user_enabled'),
        stored('own', enabled).as('tenant_enabled'),
        stored('main', enabled).as('global_enabled'),
        stored('own', apiUserOnly).as('tenant_api_user_only'),
        stored('main', apiUserOnly).as('global_api_user_only'),
        eb
          .exists(
            eb
              .selectFrom('role_assignments as r')
              .select('r.role_id')
              .whereRef('r.tenant_id', '=', 'k.tenant_id')
              .whereRef('r.user_id', '=', 'k.user_id')
              .where('r.role_id', '=', sql.lit('api-user')),
          )
          .as('api_user'),
      ];
    })
    .where('k.id', '=', keyId);
}

export async function lookupKey(db: Kysely<Database>, keyId: string): Promise<KeyLookupRow | undefined> {
  return (await keyLookupQuery(db, keyId).executeTakeFirst()) as KeyLookupRow | undefined;
}

/** Records a use, at most once a minute per key (the condition holds across processes too). */
export function touchKeyQuery(db: Kysely<Database>, keyId: string, now: Date) {
  const [at, , notAfter] = touchKeyParams(keyId, now) as [string, string, string];
  return db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', notAfter)]));
}

/** Direct role ids of a user, sorted (what `key verify` prints as the principal's roles). */
export function directRolesQuery(db: Kysely<Database>, tenantId: string, userId: string) {
  return db.selectFrom('role_assignments').select('role_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('role_id');
}

export function keyStatus(row: Pick<ApiKeyRow, 'revoked_at' | 'expires_at'>, at: string): ApiKeyStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at <= at) return 'expired';
  return 'active';
}

/** Maps key rows to domain keys, resolving owners' and creators' emails and tenants' slugs. */
export async function toApiKeys(db: Kysely<Database>, rows: readonly ApiKeyRow[], at: string): Promise<ApiKey[]> {
  if (rows.length === 0) return [];
  const userIds = [...new Set(rows.flatMap((r) => [r.user_id, r.created_by, r.revoked_by].filter((x): x is string => !!x)))];
  const tenantIds = [...new Set(rows.map((r) => r.tenant_id))];
  const [users, tenants] = await Promise.all([
    db.selectFrom('users').select(['id', 'email']).where('id', 'in', userIds).execute(),
    db.selectFrom('tenants').select(['id', 'slug']).where('id', 'in', tenantIds).execute(),
  ]);
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const slugs = new Map(tenants.map((t) => [t.id, t.id === MAIN_TENANT_ID ? null : t.slug]));
  const email = (id: string | null) => (id ? (emails.get(id) ?? id) : null);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    user: email(r.user_id)!,
    userId: r.user_id,
    tenant: slugs.get(r.tenant_id) ?? null,
    hint: r.hint,
    status: keyStatus(r, at),
    createdAt: r.created_at,
    createdBy: email(r.created_by),
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export async function findKeyRow(db: Kysely<Database>, tenantId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).where('id', '=', keyId).executeTakeFirst();
}

export async function userKeyRows(db: Kysely<Database>, tenantId: string, userId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export interface KeyPosition {
  createdAt: string;
  id: string;
}

/** One page of a tenant's keys, newest first; `after` continues a previous page. */
export async function tenantKeyRows(db: Kysely<Database>, tenantId: string, limit: number, after?: KeyPosition): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId);
  if (after) {
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
