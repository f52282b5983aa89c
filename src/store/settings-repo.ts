// Stored setting values of the three scopes. Values are JSON text; the registry gives types.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { MAIN_TENANT_ID } from './tenant-repo.js';

export interface StoredSettings {
  global: Map<string, unknown>;
  tenant: Map<string, unknown>;
  user: Map<string, unknown>;
}

/** All stored values that can apply to a user in a tenant (three small indexed reads). */
export async function loadStoredSettings(
  db: Kysely<Database>,
  scope: { tenantId: string; userId?: string | null },
): Promise<StoredSettings> {
  const tenantIds = scope.tenantId === MAIN_TENANT_ID ? [MAIN_TENANT_ID] : [MAIN_TENANT_ID, scope.tenantId];
  const rows = await db
    .selectFrom('tenant_settings')
    .select(['tenant_id', 'key', 'value'])
    .where('tenant_id', 'in', tenantIds)
    .execute();
  const result: StoredSettings = { global: new Map(), tenant: new Map(), user: new Map() };
  for (const row of rows) {
    (row.tenant_id === MAIN_TENANT_ID ? result.global : result.tenant).set(row.key, JSON.parse(row.value));
  }
  if (scope.userId) {
    const userRows = await db
      .selectFrom('user_settings')
      .select(['key', 'value'])
      .where('tenant_id', '=', scope.tenantId)
      .where('user_id', '=', scope.userId)
      .execute();
    for (const row of userRows) result.user.set(row.key, JSON.parse(row.value));
  }
  return result;
}
