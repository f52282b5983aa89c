// Editions (SPEC §6, the seeds' licensing): edition.rbac none|basic|enterprise and
// edition.tenants. A refusal is forbidden (5) and names the setting that decides it.
import type { Kysely } from 'kysely';
import type { RbacEdition } from '../auth/access.js';
import type { Database } from '../store/schema.js';
import { loadStoredSettings, type StoredSettings } from '../store/settings-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { forbidden, type AppError } from './errors.js';
import { resolveSetting } from './settings.js';

export interface Editions {
  rbac: RbacEdition;
  tenants: boolean;
}

const rbacRank: Record<RbacEdition, number> = { none: 0, basic: 1, enterprise: 2 };

/** Editions from settings already loaded (both keys are global). */
export function editionsOf(settings: StoredSettings): Editions {
  return {
    rbac: resolveSetting(settings, 'edition.rbac').value as RbacEdition,
    tenants: resolveSetting(settings, 'edition.tenants').value === true,
  };
}

export async function loadEditions(db: Kysely<Database>): Promise<Editions> {
  return editionsOf(await loadStoredSettings(db, { tenantId: MAIN_TENANT_ID }));
}

export function rbacAtLeast(edition: RbacEdition, needed: RbacEdition): boolean {
  return rbacRank[edition] >= rbacRank[needed];
}

const changeHint = (key: string, value: string) => `a super admin can change it: iamctl settings set ${key} ${value} --global`;

/** The refusal for something the RBAC edition does not include. */
export function rbacRefusal(what: string, edition: RbacEdition, needed: RbacEdition): AppError {
  const why = edition === 'none' ? 'RBAC is off' : `the ${edition} RBAC edition has built-in roles only`;
  return forbidden(`${what} needs edition.rbac=${needed} (${why}: edition.rbac=${edition})`, changeHint('edition.rbac', needed));
}

export function assertRbac(edition: RbacEdition, needed: RbacEdition, what: string): void {
  if (!rbacAtLeast(edition, needed)) throw rbacRefusal(what, edition, needed);
}

/** The refusal for tenant management while edition.tenants=false (a shared environment). */
export function tenantsRefusal(what: string): AppError {
  return forbidden(
    `${what} is not available: tenant management is off (edition.tenants=false: one customer account)`,
    changeHint('edition.tenants', 'true'),
  );
}

/**
 * With edition.tenants=false the store holds one customer account (plus the built-in
 * sso-landing tenant): a second one is refused.
 */
export async function assertTenantCreationAllowed(db: Kysely<Database>): Promise<void> {
  if ((await loadEditions(db)).tenants) return;
  const existing = await db.selectFrom('tenants').select('slug').where('kind', '=', 'tenant').executeTakeFirst();
  if (existing) throw tenantsRefusal(`a second customer account (${existing.slug} exists)`);
}
