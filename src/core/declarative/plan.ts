// The planner: compares the declaration with the store (read in the transaction that will write)
// and returns one entry per object (created/updated/unchanged/deleted), the problems found, and
// the steps that make the store match. Pure decisions here; the steps call the core writers.
import type { Kysely } from 'kysely';
import { authorize } from '../../auth/authorize.js';
import { builtinRole, type Action } from '../../auth/catalog.js';
import { checkPasswordPolicy } from '../../auth/passwords.js';
import type { Principal } from '../../auth/principal.js';
import { effectivePermissions, emptyLinks } from '../../auth/role-graph.js';
import type { Database, TenantRow } from '../../store/schema.js';
import { findTenantBySlug, MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import { parseResource } from '../access-grants.js';
import { assertRbac } from '../editions.js';
import { forbidden, isAppError, notFound, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { validateGrants } from '../roles.js';
import { isSecret, parseSettingValue, settingDef } from '../settings-registry.js';
import { validateColor, validateDescription, validateDisplayName, validateEmail, validatePersonName, validateRoleName, validateSlug, validateTeamName, validateTenantName, normalizeEmail } from '../validation.js';
import { isGrantLevel } from '../../auth/resource-access.js';
import { fieldKey, type Declaration, type DeclTenant, type PlanAction, type PlanEntry, type PlanKind, type Problem, type Where } from './model.js';
import { loadTenantState, newTenantState, type TenantState } from './state.js';
import type { Step } from './steps.js';
import * as steps from './steps.js';

export interface Plan {
  entries: PlanEntry[];
  steps: Step[];
  problems: Problem[];
  /** Permissions the changes need: [permission, tenantId, what]. */
  needs: [string, string, string][];
}

export interface PlanOptions {
  prune: boolean;
}

class Planner {
  readonly plan: Plan = { entries: [], steps: [], problems: [], needs: [] };
  /** Steps by phase, so that e.g. every role exists before anything refers to it. */
  readonly phases: Step[][] = [[], [], [], [], [], [], [], [], []];

  constructor(readonly db: Kysely<Database>, readonly actor: Principal, readonly options: PlanOptions, readonly lines: Map<string, number>) {}

  /** A problem at the object, or at its field `sub` (on the line that field was written). */
  problem(where: Where, reason: string, sub?: string): void {
    const field = sub ? `${where.field}.${sub}` : where.field;
    this.plan.problems.push({ file: where.file, line: this.lines.get(fieldKey(where.file, field)) ?? where.line, field, reason });
  }

  /** Runs a validator; its AppError becomes a problem at `where`. */
  check<T>(where: Where, sub: string | undefined, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (!isAppError(error)) throw error;
      this.problem(where, error.message, sub);
      return undefined;
    }
  }

  entry(action: PlanAction, kind: PlanKind, tenant: string | null, name: string, changes: string[] = []): void {
    this.plan.entries.push({ action, kind, tenant, name, changes });
  }

  need(permission: string, tenantId: string, what: string): void {
    this.plan.needs.push([permission, tenantId, what]);
  }

  step(phase: number, step: Step): void {
    this.phases[phase]!.push(step);
  }
}

const sameSorted = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** Stored JSON text, normalized for comparison. */
const normalizedJson = (text: string | undefined) => (text === undefined ? undefined : JSON.stringify(JSON.parse(text)));

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
      if (!def.scopes.includes('global')) throw new Error(`unreachable: ${s.key}`);
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

const secretRefusal = (key: string) =>
  validationError(`secret setting ${key} is not applied from files`, `set it with \`iamctl settings set ${key} --value-stdin\``);

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

interface TenantTarget {
  id: string;
  slug: string;
  state: TenantState;
  existing: boolean;
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

/** The roles that exist once the file is applied (built-in, listed, and stored ones unless pruned). */
interface RoleSet {
  has(name: string): boolean;
  links: import('../../auth/role-graph.js').RoleLinks;
}

function planRoles(p: Planner, tenant: DeclTenant, t: TenantTarget): RoleSet {
  const { state } = t;
  const listed = new Map<string, (typeof tenant.roles)[number]>();
  for (const role of tenant.roles) {
    const name = p.check(role.where, 'name', () => validateRoleName(role.name));
    if (name === undefined) continue;
    if (builtinRole(name)) {
      p.problem(role.where, `role ${name} is built in: pick another name (a custom role may inherit it)`, 'name');
      continue;
    }
    if (listed.has(name)) {
      p.problem(role.where, `role ${name} is listed twice in tenant ${t.slug}`, 'name');
      continue;
    }
    listed.set(name, role);
  }
  const keptStored = [...state.roles.values()].filter((r) => r.builtin === 1 || listed.has(r.id) || !p.options.prune).map((r) => r.id);
  const names = new Set([...keptStored, ...listed.keys()]);
  const has = (name: string) => names.has(name) && name !== 'super-admin';
  // The graph once applied: stored links of kept roles, replaced by what the file lists.
  const links = emptyLinks();
  for (const id of keptStored) {
    if (state.links.grants.has(id)) links.grants.set(id, state.links.grants.get(id)!);
    if (state.links.inherits.has(id)) links.inherits.set(id, state.links.inherits.get(id)!);
  }
  const valid = new Map<string, { grants?: string[]; inherits?: string[]; displayName?: string; description?: string }>();
  for (const [name, role] of listed) {
    const grants = role.grants === undefined ? undefined : p.check(role.where, 'grants', () => validateGrants(role.grants!));
    const displayName = role.displayName === undefined ? undefined : p.check(role.where, 'displayName', () => validateDisplayName(role.displayName!));
    const description = role.description === undefined ? undefined : p.check(role.where, 'description', () => validateDescription(role.description!));
    let inherits: string[] | undefined;
    if (role.inherits !== undefined) {
      inherits = [...new Set(role.inherits)].sort();
      for (const parent of inherits) if (!has(parent)) p.problem(role.where, `unknown role ${parent} (inherited by ${name})`, 'inherits');
    }
    if (grants !== undefined) links.grants.set(name, grants);
    else if (!state.roles.has(name)) links.grants.set(name, []);
    if (inherits !== undefined) links.inherits.set(name, inherits);
    valid.set(name, { grants, inherits, displayName, description });
  }
  for (const [name, role] of listed) {
    const cycle = cycleFrom(links.inherits, name);
    if (cycle) p.problem(role.where, `inheritance cycle: ${cycle.join(' -> ')}`, 'inherits');
  }
  for (const [name, v] of valid) {
    const stored = state.roles.get(name);
    if (!stored) {
      p.entry('created', 'role', t.slug, name);
      p.need('roles:create', t.id, `create role ${name}`);
      p.step(2, steps.createRole(t.id, name, { displayName: v.displayName, description: v.description, grants: v.grants ?? [], inherits: v.inherits ?? [] }));
      continue;
    }
    const changed: string[] = [];
    if (v.displayName !== undefined && v.displayName !== stored.display_name) changed.push('displayName');
    if (v.description !== undefined && v.description !== stored.description) changed.push('description');
    const grantsChanged = v.grants !== undefined && !sameSorted(v.grants, state.links.grants.get(name) ?? []);
    const inheritsChanged = v.inherits !== undefined && !sameSorted(v.inherits, state.links.inherits.get(name) ?? []);
    if (grantsChanged) changed.push('grants');
    if (inheritsChanged) changed.push('inherits');
    p.entry(changed.length > 0 ? 'updated' : 'unchanged', 'role', t.slug, name, changed);
    if (changed.length > 0) {
      p.need('roles:update', t.id, `update role ${name}`);
      p.step(3, steps.updateRole(t.id, name, {
        displayName: changed.includes('displayName') ? v.displayName : undefined,
        description: changed.includes('description') ? v.description : undefined,
        grants: grantsChanged ? v.grants : undefined,
        inherits: inheritsChanged ? v.inherits : undefined,
      }));
    }
  }
  if (p.options.prune) {
    for (const stored of state.roles.values()) {
      if (stored.builtin === 1 || listed.has(stored.id)) continue;
      p.entry('deleted', 'role', t.slug, stored.id);
      p.need('roles:delete', t.id, `delete role ${stored.id}`);
      p.step(8, steps.deleteRole(t.id, stored.id));
    }
  }
  // Nobody hands out what they do not hold: every role the file creates or changes.
  for (const name of valid.keys()) {
    for (const permission of effectivePermissions(links, name)) {
      p.need(permission, t.id, `give role ${name} ${permission}`);
    }
  }
  return { has, links };
}

/** A cycle through `start` in the inheritance graph, as a path, or null. */
function cycleFrom(inherits: ReadonlyMap<string, readonly string[]>, start: string): string[] | null {
  const path: string[] = [start];
  const visit = (node: string, seen: Set<string>): boolean => {
    for (const parent of inherits.get(node) ?? []) {
      if (parent === start) {
        path.push(parent);
        return true;
      }
      if (seen.has(parent)) continue;
      seen.add(parent);
      path.push(parent);
      if (visit(parent, seen)) return true;
      path.pop();
    }
    return false;
  };
  return visit(start, new Set([start])) ? path : null;
}

/** Users that exist once applied, by lower-cased email. */
type UserSet = Set<string>;

async function planUsers(p: Planner, tenant: DeclTenant, t: TenantTarget, roles: RoleSet): Promise<UserSet> {
  const { state } = t;
  const listed = new Map<string, (typeof tenant.users)[number]>();
  for (const user of tenant.users) {
    const email = p.check(user.where, 'email', () => validateEmail(user.email));
    if (email === undefined) continue;
    const key = normalizeEmail(email);
    if (listed.has(key)) {
      p.problem(user.where, `duplicate user ${email} in tenant ${t.slug}`, 'email');
      continue;
    }
    listed.set(key, user);
  }
  const elsewhere = await usersElsewhere(p.db, t.id, [...listed.keys()].filter((e) => !state.users.has(e)));
  for (const [key, user] of listed) {
    const stored = state.users.get(key);
    const other = elsewhere.get(key);
    if (!stored && other) {
      p.problem(user.where, other === 'deleted'
        ? `${user.email} belongs to a deleted user: restore it (iamctl user restore) or purge it first`
        : `${user.email} is already a user of another tenant (apply does not move users: iamctl user move)`, 'email');
      continue;
    }
    const firstName = user.firstName === undefined ? undefined : p.check(user.where, 'firstName', () => validatePersonName(user.firstName!, 'first name'));
    const lastName = user.lastName === undefined ? undefined : p.check(user.where, 'lastName', () => validatePersonName(user.lastName!, 'last name'));
    const userRoles = user.roles === undefined ? undefined : [...new Set(user.roles)].sort();
    if (userRoles) {
      if (userRoles.length === 0) p.problem(user.where, 'a user keeps at least one role: list one, or leave roles out', 'roles');
      for (const role of userRoles) {
        if (role === 'super-admin') p.problem(user.where, 'super-admin is only for main-account users', 'roles');
        else if (!roles.has(role)) p.problem(user.where, `unknown role ${role}`, 'roles');
      }
    }
    if (!stored) {
      if (user.firstName === undefined) p.problem(user.where, `missing firstName: user ${user.email} does not exist yet`, 'firstName');
      if (user.password !== undefined) {
        await checkPasswordPolicy(user.password, user.email).catch((error: unknown) => {
          if (!isAppError(error)) throw error;
          p.problem(user.where, error.message, 'password');
        });
      }
      p.entry('created', 'user', t.slug, user.email, user.password === undefined ? ['invited'] : []);
      p.need('users:create', t.id, `create user ${user.email}`);
      for (const role of userRoles ?? []) p.need('roles:update', t.id, `assign ${role}`);
      for (const role of userRoles ?? []) for (const perm of effectivePermissions(roles.links, role)) p.need(perm, t.id, `assign ${role}`);
      p.step(4, steps.createUser(t.id, { email: user.email, firstName: firstName ?? '', lastName: lastName ?? '', roles: userRoles, password: user.password }));
      continue;
    }
    const changes: string[] = [];
    const names: { first_name?: string; last_name?: string } = {};
    if (firstName !== undefined && firstName !== stored.row.first_name) {
      changes.push('firstName');
      names.first_name = firstName;
    }
    if (lastName !== undefined && lastName !== stored.row.last_name) {
      changes.push('lastName');
      names.last_name = lastName;
    }
    const add = (userRoles ?? []).filter((r) => !stored.roles.includes(r));
    const remove = userRoles && p.options.prune ? stored.roles.filter((r) => !userRoles.includes(r)) : [];
    for (const r of add) changes.push(`+role ${r}`);
    for (const r of remove) changes.push(`-role ${r}`);
    p.entry(changes.length > 0 ? 'updated' : 'unchanged', 'user', t.slug, stored.row.email, changes);
    if (changes.length === 0) continue;
    if (Object.keys(names).length > 0) p.need('users:update', t.id, `update user ${stored.row.email}`);
    if (add.length + remove.length > 0) p.need('roles:update', t.id, `change the roles of ${stored.row.email}`);
    for (const role of add) for (const perm of effectivePermissions(roles.links, role)) p.need(perm, t.id, `assign ${role}`);
    p.step(4, steps.updateUser(t.id, stored.row, names, add, remove));
  }
  const kept = new Set(listed.keys());
  if (p.options.prune) {
    for (const [key, stored] of state.users) {
      if (listed.has(key)) continue;
      if (stored.row.id === p.actor.userId) {
        p.problem(tenant.where, `--prune would delete your own account ${stored.row.email}: list it under users`, 'users');
        continue;
      }
      p.entry('deleted', 'user', t.slug, stored.row.email);
      p.need('users:delete', t.id, `delete user ${stored.row.email}`);
      p.step(8, steps.softDeleteUser(t.id, stored.row.id));
    }
  } else {
    for (const key of state.users.keys()) kept.add(key);
  }
  return kept;
}

/** Which of these emails belong to a user outside the tenant ('deleted' for a deleted user anywhere). */
async function usersElsewhere(db: Kysely<Database>, tenantId: string, emails: string[]): Promise<Map<string, 'other' | 'deleted'>> {
  const result = new Map<string, 'other' | 'deleted'>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await db.selectFrom('users').select(['email_lower', 'tenant_id', 'status']).where('email_lower', 'in', emails.slice(i, i + 500)).execute();
    for (const r of rows) if (r.status === 'deleted' || r.tenant_id !== tenantId) result.set(r.email_lower, r.status === 'deleted' ? 'deleted' : 'other');
  }
  return result;
}

function planTeams(p: Planner, tenant: DeclTenant, t: TenantTarget, roles: RoleSet, users: UserSet): void {
  const { state } = t;
  const listed = new Set<string>();
  for (const team of tenant.teams) {
    const name = p.check(team.where, 'name', () => validateTeamName(team.name));
    if (name === undefined) continue;
    if (listed.has(name)) {
      p.problem(team.where, `team ${name} is listed twice in tenant ${t.slug}`, 'name');
      continue;
    }
    listed.add(name);
    const teamRoles = [...new Set(team.roles ?? [])];
    for (const role of teamRoles) if (!roles.has(role)) p.problem(team.where, `unknown role ${role}`, 'roles');
    const members = new Map<string, string>();
    for (const member of team.members ?? []) {
      const key = normalizeEmail(member);
      if (!users.has(key)) p.problem(team.where, `unknown user ${member}: list it under users`, 'members');
      else members.set(key, member);
    }
    const stored = state.teams.get(name);
    const addRoles = teamRoles.filter((r) => !stored?.roles.has(r));
    const removeRoles = stored && p.options.prune ? [...stored.roles].filter((r) => !teamRoles.includes(r)) : [];
    const addMembers = [...members.entries()].filter(([k]) => !stored?.members.has(k)).map(([, e]) => e);
    const removeMembers = stored && p.options.prune ? [...stored.members].filter(([k]) => !members.has(k)).map(([, e]) => e) : [];
    const changes = [...addRoles.map((r) => `+role ${r}`), ...removeRoles.map((r) => `-role ${r}`), ...addMembers.map((m) => `+member ${m}`), ...removeMembers.map((m) => `-member ${m}`)];
    p.entry(stored ? (changes.length > 0 ? 'updated' : 'unchanged') : 'created', 'team', t.slug, name, stored ? changes : []);
    if (!stored) p.need('teams:create', t.id, `create team ${name}`);
    else if (changes.length > 0) p.need('teams:update', t.id, `update team ${name}`);
    for (const role of addRoles) for (const perm of effectivePermissions(roles.links, role)) p.need(perm, t.id, `grant ${role} to team ${name}`);
    if (!stored || changes.length > 0) p.step(5, steps.writeTeam(t.id, name, { create: !stored, addRoles, removeRoles, addMembers, removeMembers }));
  }
  if (p.options.prune) {
    for (const name of state.teams.keys()) {
      if (listed.has(name)) continue;
      p.entry('deleted', 'team', t.slug, name);
      p.need('teams:delete', t.id, `delete team ${name}`);
      p.step(7, steps.deleteTeam(t.id, name));
    }
  }
}

const grantKey = (subject: string, entity: string, path: string) => {
  const s = subject.startsWith('user:') ? `user:${normalizeEmail(subject.slice(5))}` : subject;
  return `${s}\u0000${entity}\u0000${path}`;
};

function planGrants(p: Planner, tenant: DeclTenant, t: TenantTarget, roles: RoleSet, users: UserSet): void {
  const stored = new Map(t.state.grants.map((g) => [grantKey(g.subject, g.entity, g.path), g]));
  const teams = new Set([...tenant.teams.map((x) => x.name), ...(p.options.prune ? [] : t.state.teams.keys())]);
  const listed = new Set<string>();
  for (const grant of tenant.access) {
    const resource = p.check(grant.where, 'on', () => parseResource(grant.on));
    if (!resource) continue;
    if (grant.subject.startsWith('team:')) {
      if (!teams.has(grant.subject.slice(5))) p.problem(grant.where, `unknown team ${grant.subject.slice(5)}: list it under teams`, 'subject');
    } else if (grant.subject.startsWith('user:')) {
      if (!users.has(normalizeEmail(grant.subject.slice(5)))) p.problem(grant.where, `unknown user ${grant.subject.slice(5)}: list it under users`, 'subject');
    } else {
      p.problem(grant.where, `subject must be user:<email> or team:<name>, got "${grant.subject}"`, 'subject');
      continue;
    }
    if (!isGrantLevel(grant.grant) && !roles.has(grant.grant)) p.problem(grant.where, `unknown level or role "${grant.grant}"`, 'grant');
    const key = grantKey(grant.subject, resource.entity, resource.path);
    const name = `${grant.subject} ${grant.grant} on ${resource.entity}:${resource.path}`;
    if (listed.has(key)) {
      p.problem(grant.where, `${grant.subject} has two grants on ${resource.entity}:${resource.path}`);
      continue;
    }
    listed.add(key);
    const before = stored.get(key);
    const action: PlanAction = !before ? 'created' : before.grant === grant.grant ? 'unchanged' : 'updated';
    p.entry(action, 'grant', t.slug, name, before && action === 'updated' ? [`was ${before.grant}`] : []);
    if (action !== 'unchanged') {
      p.need('roles:update', t.id, `grant ${name}`);
      p.step(6, steps.putGrant(t.id, { subject: grant.subject, entity: resource.entity, path: resource.path, grant: grant.grant }));
    }
  }
  if (p.options.prune) {
    for (const [key, g] of stored) {
      if (listed.has(key)) continue;
      p.entry('deleted', 'grant', t.slug, `${g.subject} ${g.grant} on ${g.entity}:${g.path}`);
      p.need('roles:update', t.id, `revoke a grant on ${g.entity}:${g.path}`);
      p.step(6, steps.removeGrant(t.id, g));
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
