// `export`: the store as the declarative file `apply` reads (SPEC §7): global settings (main
// account only) and tenants with their settings, custom roles, teams, users and resource grants.
// No ids, hashes, secrets or tokens; sorted, so two exports of the same store are identical.
import type { Kysely } from 'kysely';
import { authorize } from '../../auth/authorize.js';
import type { Action } from '../../auth/catalog.js';
import type { Principal } from '../../auth/principal.js';
import type { Database, TenantRow } from '../../store/schema.js';
import { MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import { appendAudit } from '../../store/audit-repo.js';
import type { Deps } from '../deps.js';
import { forbidden } from '../errors.js';
import { isSecret, settingDefs } from '../settings-registry.js';
import { declarationVersion } from './model.js';
import { loadTenantState } from './state.js';

export interface ExportedTenant {
  slug: string;
  name: string;
  email?: string;
  color?: string;
  settings?: Record<string, unknown>;
  roles?: { name: string; displayName: string; description?: string; inherits?: string[]; grants?: string[] }[];
  teams?: { name: string; roles?: string[]; members?: string[] }[];
  users?: { email: string; firstName?: string; lastName?: string; roles: string[] }[];
  access?: { subject: string; on: string; grant: string }[];
}

export interface ExportedDeclaration {
  version: number;
  settings?: Record<string, unknown>;
  tenants?: ExportedTenant[];
}

function require(actor: Principal, permission: string, tenantId: string): void {
  const [entity, action] = permission.split(':') as [string, Action];
  const decision = authorize(actor, action, entity, tenantId);
  if (!decision.allowed) throw forbidden(`not allowed: export needs ${permission} (${decision.reason})`);
}

/** Stored values in registry order, secrets left out. */
function settingsObject(rows: { key: string; value: string }[]): Record<string, unknown> | undefined {
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const result: Record<string, unknown> = {};
  for (const def of settingDefs) {
    const text = stored.get(def.key);
    if (text !== undefined && !isSecret(def)) result[def.key] = JSON.parse(text);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

async function exportTenant(db: Kysely<Database>, row: TenantRow): Promise<ExportedTenant> {
  const state = await loadTenantState(db, row.id);
  const tenant: ExportedTenant = { slug: row.slug, name: row.name };
  if (row.email) tenant.email = row.email;
  if (row.color) tenant.color = row.color;
  const settings = settingsObject([...state.settings].map(([key, value]) => ({ key, value })));
  if (settings) tenant.settings = settings;
  const roles = [...state.roles.values()].filter((r) => r.builtin !== 1).sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({
    name: r.id,
    displayName: r.display_name,
    ...(r.description ? { description: r.description } : {}),
    ...(state.links.inherits.get(r.id)?.length ? { inherits: [...state.links.inherits.get(r.id)!].sort() } : {}),
    grants: [...(state.links.grants.get(r.id) ?? [])].sort(),
  }));
  tenant.roles = nonEmpty(roles);
  const teams = [...state.teams.values()].sort((a, b) => a.row.name.localeCompare(b.row.name)).map((t) => ({
    name: t.row.name,
    ...(t.roles.size > 0 ? { roles: [...t.roles].sort() } : {}),
    ...(t.members.size > 0 ? { members: [...t.members.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())) } : {}),
  }));
  tenant.teams = nonEmpty(teams);
  const users = [...state.users.values()].sort((a, b) => a.row.email_lower.localeCompare(b.row.email_lower)).map((u) => ({
    email: u.row.email,
    ...(u.row.first_name ? { firstName: u.row.first_name } : {}),
    ...(u.row.last_name ? { lastName: u.row.last_name } : {}),
    roles: [...u.roles].sort(),
  }));
  tenant.users = nonEmpty(users);
  tenant.access = nonEmpty(state.grants.map((g) => ({ subject: g.subject, on: `${g.entity}:${g.path}`, grant: g.grant })));
  for (const key of Object.keys(tenant) as (keyof ExportedTenant)[]) if (tenant[key] === undefined) delete tenant[key];
  return tenant;
}

/**
 * Acting in the main account: global settings and every tenant (not the internal ones). Acting
 * in a tenant: that tenant only. Read from one consistent snapshot, and audited
 * (`config.export`, with what it holds) before it is returned.
 */
export async function exportDeclaration(deps: Deps, actor: Principal, actingTenantId: string): Promise<ExportedDeclaration> {
  const result = await deps.store.read((trx) => readDeclaration(trx, actor, actingTenantId));
  await deps.store.write(async (trx) => {
    await appendAudit(trx, {
      at: deps.now().toISOString(),
      tenantId: actingTenantId,
      actorId: actor.userId,
      action: 'config.export',
      details: { global: result.settings !== undefined || actingTenantId === MAIN_TENANT_ID, tenants: result.tenants?.map((t) => t.slug) ?? [] },
    });
  });
  return result;
}

async function readDeclaration(db: Kysely<Database>, actor: Principal, actingTenantId: string): Promise<ExportedDeclaration> {
  const result: ExportedDeclaration = { version: declarationVersion };
  const tenants: ExportedTenant[] = [];
  let rows: TenantRow[];
  if (actingTenantId === MAIN_TENANT_ID) {
    require(actor, 'global-settings:read', MAIN_TENANT_ID);
    require(actor, 'tenants:read', MAIN_TENANT_ID);
    const global = settingsObject(await db.selectFrom('tenant_settings').select(['key', 'value']).where('tenant_id', '=', MAIN_TENANT_ID).execute());
    if (global) result.settings = global;
    rows = await db.selectFrom('tenants').selectAll().where('kind', '=', 'tenant').orderBy('slug').execute();
  } else {
    rows = await db.selectFrom('tenants').selectAll().where('id', '=', actingTenantId).execute();
  }
  for (const row of rows) {
    for (const permission of ['tenant-settings:read', 'users:read', 'roles:read', 'teams:read']) require(actor, permission, row.id);
    tenants.push(await exportTenant(db, row));
  }
  result.tenants = tenants;
  return result;
}
