// Rows for core tests, written straight to a test store (no password hashing, no audit): a
// tenant with its built-in roles, users with roles and a status, principals, stored settings.
import { principalFor, type Principal } from '../../src/auth/principal.js';
import type { Deps } from '../../src/core/deps.js';
import { newId } from '../../src/core/ids.js';
import { assignRoles, insertBuiltinRoles } from '../../src/store/role-repo.js';
import type { TenantRow, UserRow } from '../../src/store/schema.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { nameColumns } from '../../src/store/user-repo.js';

export async function seedMain(deps: Deps): Promise<void> {
  await insertBuiltinRoles(deps.store.db, MAIN_TENANT_ID, deps.now().toISOString());
}

export async function seedTenant(deps: Deps, slug: string): Promise<TenantRow> {
  const at = deps.now().toISOString();
  const row: TenantRow = { id: newId(), slug, name: slug, email: null, color: null, status: 'active', kind: 'tenant', created_at: at, updated_at: at };
  await deps.store.db.insertInto('tenants').values(row).execute();
  await insertBuiltinRoles(deps.store.db, row.id, at);
  return row;
}

export async function seedUser(
  deps: Deps,
  tenantId: string,
  email: string,
  roles: string[],
  status: UserRow['status'] = 'active',
): Promise<UserRow> {
  const at = deps.now().toISOString();
  const row: Omit<UserRow, 'rid'> = {
    id: newId(),
    tenant_id: tenantId,
    email,
    email_lower: email.toLowerCase(),
    first_name: 'Test',
    last_name: 'User',
    ...nameColumns('Test', 'User'),
    status,
    password_hash: null,
    default_tenant_id: null,
    mfa_enabled: 0,
    created_at: at,
    updated_at: at,
    last_login_at: null,
    deleted_at: null,
  };
  await deps.store.db.insertInto('users').values(row).execute();
  await assignRoles(deps.store.db, tenantId, row.id, roles, null, at);
  return { ...row, rid: 0 };
}

export async function principalOf(deps: Deps, user: UserRow): Promise<Principal> {
  return principalFor(deps.store.db, user, { via: 'session', sessionId: null, keyId: null, restricted: false });
}

/** Stores a setting value directly (global: the main account's tenant settings). */
export async function storeSetting(deps: Deps, key: string, value: unknown, scope: { tenantId?: string; userId?: string } = {}): Promise<void> {
  const at = deps.now().toISOString();
  const tenantId = scope.tenantId ?? MAIN_TENANT_ID;
  const json = JSON.stringify(value);
  if (scope.userId) {
    await deps.store.db
      .insertInto('user_settings')
      .values({ tenant_id: tenantId, user_id: scope.userId, key, value: json, updated_at: at, updated_by: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'key']).doUpdateSet({ value: json }))
      .execute();
  } else {
    await deps.store.db
      .insertInto('tenant_settings')
      .values({ tenant_id: tenantId, key, value: json, updated_at: at, updated_by: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: json }))
      .execute();
  }
}

export async function auditCount(deps: Deps, action?: string): Promise<number> {
  let q = deps.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n'));
  if (action) q = q.where('action', '=', action);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
