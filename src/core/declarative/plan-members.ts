// Planning a tenant's users (and their direct roles), teams (roles and members) and resource
// grants, against what the store holds; --prune removes what the file does not list.
import type { Kysely } from 'kysely';
import { checkPasswordPolicy } from '../../auth/passwords.js';
import { effectivePermissions } from '../../auth/role-graph.js';
import type { Database } from '../../store/schema.js';
import { parseResource } from '../access-grants.js';
import { isAppError } from '../errors.js';
import { validateEmail, validatePersonName, validateTeamName, normalizeEmail } from '../validation.js';
import { isGrantLevel } from '../../auth/resource-access.js';
import type { DeclTenant, PlanAction } from './model.js';
import * as steps from './steps.js';
import type { Planner, RoleSet, TenantTarget, UserSet } from './planner.js';

export async function planUsers(p: Planner, tenant: DeclTenant, t: TenantTarget, roles: RoleSet): Promise<UserSet> {
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
      p.step(8, steps.softDeleteUser(stored.row));
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

export function planTeams(p: Planner, tenant: DeclTenant, t: TenantTarget, roles: RoleSet, users: UserSet): void {
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

export function planGrants(p: Planner, tenant: DeclTenant, t: TenantTarget, roles: RoleSet, users: UserSet): void {
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
