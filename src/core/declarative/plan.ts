// The planner: compares the declaration with the store (read in the transaction that will write)
// and returns one entry per object (created/updated/unchanged/deleted), the problems found, and
// the steps that make the store match. Pure decisions here; the steps call the core writers.
import type { Kysely } from 'kysely';
import { authorize } from '../../auth/authorize.js';
import { builtinRole, type Action } from '../../auth/catalog.js';
import type { Principal } from '../../auth/principal.js';
import type { Database, TenantRow } from '../../store/schema.js';
import { findTenantBySlug, MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import { assertRbac } from '../editions.js';
import { forbidden, notFound, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { isSecret, parseSettingValue, settingDef } from '../settings-registry.js';
import { validateColor, validateEmail, validateSlug, validateTenantName, normalizeEmail } from '../validation.js';
import type { Declaration, DeclTenant, PlanAction, Where } from './model.js';
import { loadTenantState, newTenantState, type TenantState } from './state.js';
import * as steps from './steps.js';
import { normalizedJson, Planner, secretRefusal, type Plan, type PlanOptions, type TenantTarget } from './planner.js';
import { planGrants, planTeams, planUsers } from './plan-members.js';
import { planRoles } from './plan-roles.js';

export type { Plan, PlanOptions } from './planner.js';

export async function buildPlan(db: Kysely<Database>, actor: Principal, declaration: Declaration, options: PlanOptions): Promise<Plan> {
  const p = new Planner(db, actor, options, declaration.lines);
  if (declaration.tenants.some((t) => t.roles.length > 0 || t.teams.length > 0 || t.access.length > 0)) {
    assertRbac(actor.access.edition, 'enterprise', 'custom roles, teams and resource grants');
  }
  await planGlobalSettings(p, declaration);
  const seenTenants = new Map<string, Where>();
  const userTenant = new Map<string, string>();
  for (const tenant of declaration.tenants) {
    const slug = p.check(tenant.where, 'slug', () => validateSlug(tenant.slug));
    if (slug === undefined) continue;
    if (seenTenants.has(slug)) {
      const first = seenTenants.get(slug)!;
      p.problem(tenant.where, `tenant ${slug} is listed twice (first at ${first.file}:${first.line})`, 'slug');
      continue;
    }
    seenTenants.set(slug, tenant.where);
    for (const user of tenant.users) {
      const email = normalizeEmail(user.email);
      const other = userTenant.get(email);
      if (other !== undefined && other !== slug) p.problem(user.where, `user ${user.email} is also listed in tenant ${other}: a user belongs to one tenant`, 'email');
      if (other === undefined) userTenant.set(email, slug);
    }
    await planTenant(p, tenant, slug);
  }
  p.phases[2]!.push(steps.linkNewRoles);
  p.plan.steps = p.phases.flat();
  return p.plan;
}

async function planGlobalSettings(p: Planner, declaration: Declaration): Promise<void> {
  if (declaration.settings.length === 0) return;
  p.need('global-settings:update', MAIN_TENANT_ID, 'global settings');
  const stored = new Map(
    (await p.db.selectFrom('tenant_settings').select(['key', 'value']).where('tenant_id', '=', MAIN_TENANT_ID).execute()).map((r) => [r.key, r.value]),
  );
  const seen = new Set<string>();
  for (const s of declaration.settings) {
    const parsed = p.check(s.where, undefined, () => {
      const def = settingDef(s.key);
      if (isSecret(def)) throw secretRefusal(s.key);
      const value = parseSettingValue(def, s.value);
      if (def.type.kind === 'role' && (typeof value !== 'string' || builtinRole(value)?.scope !== 'tenant')) {
        throw validationError(`invalid value for users.defaultRole: ${String(value)} is not a built-in tenant role`);
      }
      return { def, value };
    });
    if (!parsed) continue;
    if (seen.has(s.key)) {
      p.problem(s.where, `setting ${s.key} is given twice`);
      continue;
    }
    seen.add(s.key);
    const text = JSON.stringify(parsed.value);
    const before = normalizedJson(stored.get(s.key));
    const action: PlanAction = before === undefined ? 'created' : before === text ? 'unchanged' : 'updated';
    p.entry(action, 'setting', null, s.key);
    if (action !== 'unchanged') p.step(1, steps.setSetting({ scope: 'global' }, parsed.def, parsed.value));
  }
}

async function planTenant(p: Planner, tenant: DeclTenant, slug: string): Promise<void> {
  const { actor } = p;
  const row = await findTenantBySlug(p.db, slug);
  if (!actor.access.isSuperAdmin && (!row || row.id !== actor.tenantId)) throw notFound(`tenant ${slug}`);
  if (row && row.kind === 'main') {
    p.problem(tenant.where, `${slug} is the main account, not a tenant`, 'slug');
    return;
  }
  const name = tenant.name === undefined ? undefined : p.check(tenant.where, 'name', () => validateTenantName(tenant.name!));
  const email = tenant.email === undefined ? undefined : tenant.email === '' ? null : p.check(tenant.where, 'email', () => validateEmail(tenant.email!));
  const color = tenant.color === undefined ? undefined : tenant.color === '' ? null : p.check(tenant.where, 'color', () => validateColor(tenant.color!));
  let tenantId: string;
  let state: TenantState;
  if (!row) {
    if (tenant.name === undefined) p.problem(tenant.where, `missing name: tenant ${slug} does not exist yet`, 'name');
    tenantId = newId();
    state = newTenantState();
    p.entry('created', 'tenant', null, slug);
    p.need('tenants:create', MAIN_TENANT_ID, `create tenant ${slug}`);
    p.step(0, steps.createTenant({ id: tenantId, slug, name: name ?? slug, email: email ?? null, color: color ?? null }));
  } else {
    tenantId = row.id;
    state = await loadTenantState(p.db, tenantId);
    const changed: Partial<TenantRow> = {};
    if (name !== undefined && name !== row.name) changed.name = name;
    if (email !== undefined && email !== row.email) changed.email = email;
    if (color !== undefined && color !== row.color) changed.color = color;
    const fields = Object.keys(changed);
    p.entry(fields.length > 0 ? 'updated' : 'unchanged', 'tenant', null, slug, fields);
    if (fields.length > 0) {
      p.need('tenant-settings:update', tenantId, `update tenant ${slug}`);
      p.step(0, steps.updateTenant(row, changed));
    }
  }
  const t = { id: tenantId, slug, state, existing: row !== undefined };
  planTenantSettings(p, tenant, t);
  const roles = planRoles(p, tenant, t);
  const users = await planUsers(p, tenant, t, roles);
  planTeams(p, tenant, t, roles, users);
  planGrants(p, tenant, t, roles, users);
}

function planTenantSettings(p: Planner, tenant: DeclTenant, t: TenantTarget): void {
  const seen = new Set<string>();
  for (const s of tenant.settings) {
    const parsed = p.check(s.where, undefined, () => {
      const def = settingDef(s.key);
      if (isSecret(def)) throw secretRefusal(s.key);
      if (!def.scopes.includes('tenant')) throw validationError(`${s.key} is a global setting: it goes under the top-level settings`);
      return { def, value: parseSettingValue(def, s.value) };
    });
    if (!parsed) continue;
    if (parsed.def.type.kind === 'role') {
      const role = String(parsed.value);
      const known = role !== 'super-admin' && (t.state.roles.has(role) || tenant.roles.some((r) => r.name === role));
      if (!known) {
        p.problem(s.where, `invalid value for users.defaultRole: ${role} is not a role of tenant ${t.slug}`);
        continue;
      }
    }
    if (seen.has(s.key)) {
      p.problem(s.where, `setting ${s.key} is given twice`);
      continue;
    }
    seen.add(s.key);
    const text = JSON.stringify(parsed.value);
    const before = normalizedJson(t.state.settings.get(s.key));
    const action: PlanAction = before === undefined ? 'created' : before === text ? 'unchanged' : 'updated';
    p.entry(action, 'setting', t.slug, s.key);
    if (action !== 'unchanged') {
      p.need('tenant-settings:update', t.id, `set ${s.key} in ${t.slug}`);
      // After the roles: users.defaultRole may name a role the file creates.
      p.step(3, steps.setSetting({ scope: 'tenant', tenantId: t.id, slug: t.slug }, parsed.def, parsed.value));
    }
  }
}

/** Refuses (5) the first change the actor may not make, naming it. */
export function authorizePlan(actor: Principal, plan: Plan): void {
  const seen = new Set<string>();
  for (const [permission, tenantId, what] of plan.needs) {
    const key = `${permission}\u0000${tenantId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [entity, action] = permission.split(':') as [string, Action];
    const decision = authorize(actor, action, entity, tenantId);
    if (!decision.allowed) throw forbidden(`not allowed to ${what}: it needs ${permission} (${decision.reason})`, 'leave it out of the file, or ask an administrator');
  }
}
