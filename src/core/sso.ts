// SSO administration: the identity provider (issuer, audience, JWKS) and the group mappings
// that place new SSO users. Sign-in itself is in sso-provision.ts.
import { checkJwks, summarizeJwks } from '../auth/oidc.js';
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation } from '../store/db.js';
import { roleExists } from '../store/role-repo.js';
import type { TenantRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import {
  countMappings,
  deleteMappings,
  findSsoConfig,
  insertMapping,
  listMappingRows,
  mappingExists,
  nextMappingPosition,
  saveSsoConfig,
  toMappings,
  type SsoConfigRow,
} from '../store/sso-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { emailsById } from '../store/user-repo.js';
import type { Deps } from './deps.js';
import { conflict, notFound, validationError } from './errors.js';
import { newId } from './ids.js';
import type { SsoConfig, SsoGroupMapping } from './model.js';
import { settingBool } from './settings.js';
import { validateAudience, validateGroupName, validateIssuer } from './validation.js';

const notConfiguredHint = 'a super admin configures it: iamctl sso configure --issuer URL --audience CLIENT_ID --jwks-file jwks.json';

export async function isSsoConfigured(deps: Deps): Promise<boolean> {
  return (await findSsoConfig(deps.store.db)) !== undefined;
}

export async function showSso(deps: Deps): Promise<SsoConfig> {
  const { db } = deps.store;
  const row = await findSsoConfig(db);
  if (!row) throw notFound('SSO configuration', notConfiguredHint);
  return toSsoConfig(deps, row);
}

async function toSsoConfig(deps: Deps, row: SsoConfigRow): Promise<SsoConfig> {
  const { db } = deps.store;
  const settings = await loadStoredSettings(db, { tenantId: MAIN_TENANT_ID });
  const by = row.updated_by ? ((await emailsById(db, [row.updated_by])).get(row.updated_by) ?? row.updated_by) : null;
  return {
    issuer: row.issuer,
    audience: row.audience,
    keys: summarizeJwks(row.jwks),
    jwks: JSON.parse(row.jwks),
    syncRoles: settingBool(settings, 'sso.syncRoles'),
    mappings: await countMappings(db),
    updatedAt: row.updated_at,
    updatedBy: by,
  };
}

export interface ConfigureSsoInput {
  issuer?: string | undefined;
  audience?: string | undefined;
  /** JWKS JSON text. */
  jwks?: string | undefined;
}

export interface ConfiguredSso {
  config: SsoConfig;
  /** Which of issuer, audience, jwks changed (empty: nothing to do, nothing written). */
  changed: string[];
}

/**
 * Sets the identity provider. The first time, issuer, audience and JWKS are all needed; later,
 * what is omitted stays as it was (e.g. a new JWKS when the provider rotates its keys).
 */
export async function configureSso(deps: Deps, actor: Principal, input: ConfigureSsoInput): Promise<ConfiguredSso> {
  const { db } = deps.store;
  const current = await findSsoConfig(db);
  const issuer = input.issuer ?? current?.issuer;
  const audience = input.audience ?? current?.audience;
  if (issuer === undefined || audience === undefined || (input.jwks === undefined && !current)) {
    throw validationError('SSO is not configured yet: an issuer, an audience and a JWKS are all needed');
  }
  const next: SsoConfigRow = {
    issuer: validateIssuer(issuer),
    audience: validateAudience(audience),
    jwks: current?.jwks ?? '',
    updated_at: deps.now().toISOString(),
    updated_by: actor.userId,
  };
  let kids: (string | null)[] | undefined;
  if (input.jwks !== undefined) {
    const checked = await checkJwks(input.jwks);
    next.jwks = checked.text;
    kids = checked.keys.map((k) => k.kid);
  }
  const changed = (['issuer', 'audience', 'jwks'] as const).filter((field) => current?.[field] !== next[field]);
  if (changed.length === 0) return { config: await toSsoConfig(deps, current!), changed };
  await deps.store.write(async (trx) => {
    await saveSsoConfig(trx, next);
    await appendAudit(trx, {
      at: next.updated_at,
      tenantId: MAIN_TENANT_ID,
      actorId: actor.userId,
      action: 'sso.configure',
      target: 'sso',
      details: { changed, issuer: next.issuer, audience: next.audience, ...(kids ? { keys: kids } : {}) },
    });
  });
  return { config: await toSsoConfig(deps, next), changed };
}

/** Group mappings assign a tenant's roles: the main account has none to give. */
function assertMappableTenant(tenant: TenantRow): void {
  if (tenant.id === MAIN_TENANT_ID) {
    throw validationError('group mappings place users in a tenant, not the main account', 'name the tenant: --tenant <slug> (or `iamctl tenant switch <slug>`)');
  }
}

export async function listGroupMappings(deps: Deps): Promise<SsoGroupMapping[]> {
  return toMappings(deps.store.db, await listMappingRows(deps.store.db));
}

/** Maps an identity-provider group to a role of a tenant; it goes last in the first-match order. */
export async function mapGroup(deps: Deps, actor: Principal, tenant: TenantRow, group: string, role: string): Promise<SsoGroupMapping> {
  assertMappableTenant(tenant);
  const name = validateGroupName(group);
  const { db } = deps.store;
  if (!(await roleExists(db, tenant.id, role))) throw notFound(`role ${role} in tenant ${tenant.slug}`, `see \`iamctl role list --tenant ${tenant.slug}\``);
  const taken = () => conflict(`group ${name} is already mapped to ${role} in ${tenant.slug}`, 'see `iamctl sso mappings`');
  if (await mappingExists(db, name, tenant.id, role)) throw taken();
  const at = deps.now().toISOString();
  try {
    await deps.store.write(async (trx) => {
      // Appending first takes the audit chain-head lock, so concurrent mappings get distinct
      // positions on PostgreSQL too (SQLite's IMMEDIATE transaction already serializes them).
      await appendAudit(trx, {
        at,
        tenantId: tenant.id,
        actorId: actor.userId,
        action: 'sso.map-group',
        target: `group:${name}`,
        details: { group: name, role },
      });
      await insertMapping(trx, { id: newId(), group: name, tenantId: tenant.id, roleId: role, position: await nextMappingPosition(trx), at, by: actor.userId });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
  const mapping = (await listGroupMappings(deps)).find((m) => m.group === name && m.tenant === tenant.slug && m.role === role);
  return mapping!;
}

/** Removes a group's mappings in a tenant (only the one to `role`, when given); returns the roles unmapped. */
export async function unmapGroup(deps: Deps, actor: Principal, tenant: TenantRow, group: string, role?: string): Promise<string[]> {
  assertMappableTenant(tenant);
  const at = deps.now().toISOString();
  const removed = await deps.store.write(async (trx) => {
    const roles = await deleteMappings(trx, group, tenant.id, role);
    if (roles.length > 0) {
      await appendAudit(trx, {
        at,
        tenantId: tenant.id,
        actorId: actor.userId,
        action: 'sso.unmap-group',
        target: `group:${group}`,
        details: { group, roles },
      });
    }
    return roles;
  });
  if (removed.length === 0) {
    throw notFound(`mapping of group ${group}${role ? ` to ${role}` : ''} in tenant ${tenant.slug}`, 'see `iamctl sso mappings`');
  }
  return removed;
}
