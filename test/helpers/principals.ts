// Principals and editions for tests: a principal built from roles without signing in, and the
// global edition settings written the way `settings set --global` stores them.
import type { Kysely } from 'kysely';
import { computeAccess, type HeldRole, type RbacEdition } from '../../src/auth/access.js';
import type { Principal } from '../../src/auth/principal.js';
import { emptyLinks, type RoleLinks } from '../../src/auth/role-graph.js';
import type { Database } from '../../src/store/schema.js';
import type { StoredSettings } from '../../src/store/settings-repo.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';

export interface PrincipalOptions {
  tenantId?: string;
  userId?: string;
  email?: string;
  edition?: RbacEdition;
  links?: RoleLinks;
  /** Global settings (e.g. edition.tenants). */
  global?: Record<string, unknown>;
  restricted?: boolean;
}

/** A principal holding `roles` (role ids held directly, or held roles with their via). */
export function principalWith(roles: readonly (string | HeldRole)[], options: PrincipalOptions = {}): Principal {
  const edition = options.edition ?? 'enterprise';
  const held = roles.map((r) => (typeof r === 'string' ? { role: r, via: 'direct' } : r));
  const settings: StoredSettings = {
    global: new Map(Object.entries({ 'edition.rbac': edition, ...options.global })),
    tenant: new Map(),
    user: new Map(),
  };
  return {
    userId: options.userId ?? 'u-test',
    email: options.email ?? 'someone@example.com',
    tenantId: options.tenantId ?? (held.some((h) => h.role === 'super-admin') ? MAIN_TENANT_ID : 't-test'),
    via: 'session',
    sessionId: null,
    keyId: null,
    restricted: options.restricted ?? false,
    access: computeAccess(held, options.links ?? emptyLinks(), edition),
    settings,
  };
}

/** Writes a global setting (the main account's tenant_settings row), as `settings set --global` would. */
export async function setGlobalSetting(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const at = new Date().toISOString();
  await db
    .insertInto('tenant_settings')
    .values({ tenant_id: MAIN_TENANT_ID, key, value: JSON.stringify(value), updated_at: at, updated_by: null })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
    .execute();
}
