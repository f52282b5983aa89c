// The writes of an apply, each a small closure over the planned values that calls the core
// writer of that object inside the one transaction (and so writes that object's audit event).
import { hashPassword } from '../../auth/passwords.js';
import type { Trx } from '../../store/db.js';
import { findRoleRow } from '../../store/role-repo.js';
import type { RoleRow, TenantRow, UserRow } from '../../store/schema.js';
import { findTeamRow } from '../../store/team-repo.js';
import { findUserRow } from '../../store/user-repo.js';
import { putGrant as putGrantInTrx, removeGrant as removeGrantInTrx, resolveSubject } from '../access-grants.js';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { GrantSpec } from '../model.js';
import { writeRoleAssignment } from '../role-assignments.js';
import { defaultDisplayName, deleteRoleInTrx, insertRole, writeRoleChange, type RoleChange } from '../roles.js';
import { writeSetting, type SettingsTarget } from '../settings-admin.js';
import type { SettingDef, SettingValue } from '../settings-registry.js';
import { deleteTeamInTrx, insertTeam, writeTeamChange } from '../teams.js';
import { insertTenant, writeTenantChanges } from '../tenants.js';
import { softDeleteUserInTrx, updateUserInTrx } from '../user-lifecycle.js';
import { insertInvitation, insertUser, newUserRow, resolveNewUserRoles, type IssuedToken } from '../users.js';

export interface StepContext {
  actorId: string;
  now: Date;
  at: string;
  /** Delivers a new invitation (inside the transaction: a failed delivery rolls everything back). */
  deliver?: ((invitation: IssuedToken, user: Omit<UserRow, 'rid'>, tenant: Pick<TenantRow, 'id' | 'name'>) => Promise<void>) | undefined;
  /** Emails of the users invited so far. */
  invited: string[];
}

export type Step = (trx: Trx, ctx: StepContext) => Promise<void>;

export const createTenant = (fields: Pick<TenantRow, 'id' | 'slug' | 'name' | 'email' | 'color'>): Step => async (trx, ctx) => {
  await insertTenant(trx, { ...fields, status: 'active', kind: 'tenant', created_at: ctx.at, updated_at: ctx.at }, ctx.actorId);
};

export const updateTenant = (tenant: TenantRow, changed: Partial<TenantRow>): Step => (trx, ctx) => writeTenantChanges(trx, tenant, changed, ctx.actorId, ctx.at);

export const setSetting = (target: SettingsTarget, def: SettingDef, value: SettingValue): Step => (trx, ctx) =>
  writeSetting(trx, ctx.actorId, target, def, value, JSON.stringify(value), ctx.at);

export interface NewRole {
  displayName?: string | undefined;
  description?: string | undefined;
  grants: string[];
  inherits: string[];
}

/** Inserts the role without parents: a later step (same phase, after every insert) links them. */
export const createRole = (tenantId: string, name: string, role: NewRole): Step => async (trx, ctx) => {
  const row: RoleRow = {
    tenant_id: tenantId, id: name, display_name: role.displayName ?? defaultDisplayName(name), description: role.description ?? '',
    builtin: 0, created_at: ctx.at, updated_at: ctx.at,
  };
  // Parents may be roles this apply creates later in the list: insert first, link when all exist.
  await insertRole(trx, ctx.actorId, row, { grants: role.grants, inherits: role.inherits }, { linkParentsLater: true });
  if (role.inherits.length > 0) pendingLinks(trx).push({ tenantId, name, inherits: role.inherits });
};

const pending = new WeakMap<Trx, { tenantId: string; name: string; inherits: string[] }[]>();
function pendingLinks(trx: Trx) {
  if (!pending.has(trx)) pending.set(trx, []);
  return pending.get(trx)!;
}

/** Links new roles to their parents once every role of the file exists (their `role.create` events list the parents). */
export const linkNewRoles: Step = async (trx) => {
  for (const link of pending.get(trx) ?? []) {
    await trx.insertInto('role_inherits').values(link.inherits.map((parent) => ({ tenant_id: link.tenantId, role_id: link.name, inherits_role_id: parent }))).execute();
  }
  pending.delete(trx);
};

export const updateRole = (tenantId: string, name: string, change: { displayName?: string | undefined; description?: string | undefined; grants?: string[] | undefined; inherits?: string[] | undefined }): Step =>
  async (trx, ctx) => {
    const patch: Partial<RoleRow> = {};
    const changed: Record<string, unknown> = {};
    if (change.displayName !== undefined) changed.displayName = patch.display_name = change.displayName;
    if (change.description !== undefined) changed.description = patch.description = change.description;
    if (change.grants !== undefined) changed.grants = change.grants;
    if (change.inherits !== undefined) changed.inherits = change.inherits;
    const roleChange: RoleChange = { patch, grants: change.grants, inherits: change.inherits, changed };
    await writeRoleChange(trx, ctx.actorId, tenantId, name, roleChange, ctx.at);
  };

export const deleteRole = (tenantId: string, name: string): Step => async (trx, ctx) => {
  if (await findRoleRow(trx, tenantId, name)) await deleteRoleInTrx(trx, ctx.actorId, tenantId, name, { force: true }, ctx.at);
};

export interface NewUser {
  email: string;
  firstName: string;
  lastName: string;
  roles: string[] | undefined;
  password: string | undefined;
}

export const createUser = (tenantId: string, user: NewUser): Step => async (trx, ctx) => {
  const roles = await resolveNewUserRoles(trx, tenantId, user.roles);
  const passwordHash = user.password === undefined ? null : await hashPassword(user.password);
  const row = newUserRow({ tenantId, email: user.email, firstName: user.firstName, lastName: user.lastName, passwordHash, at: ctx.at });
  await insertUser(trx, row, { roles, teams: [], actorId: ctx.actorId, at: ctx.at, details: { via: 'apply' } });
  if (row.status !== 'invited') return;
  const invitation = await insertInvitation(trx, row, ctx.actorId, ctx.now);
  if (ctx.deliver) {
    const tenant = await trx.selectFrom('tenants').select(['id', 'name']).where('id', '=', tenantId).executeTakeFirstOrThrow();
    await ctx.deliver(invitation, row, tenant);
  }
  ctx.invited.push(row.email);
};

export const updateUser = (tenantId: string, user: UserRow, names: { first_name?: string; last_name?: string }, add: string[], remove: string[]): Step =>
  async (trx, ctx) => {
    if (Object.keys(names).length > 0) {
      await updateUserInTrx(trx, { userId: ctx.actorId }, user, { firstName: names.first_name, lastName: names.last_name }, ctx.at);
    }
    for (const role of add) await writeRoleAssignment(trx, ctx.actorId, tenantId, user.id, role, 'assign', ctx.at);
    for (const role of remove) await writeRoleAssignment(trx, ctx.actorId, tenantId, user.id, role, 'unassign', ctx.at);
  };

export const softDeleteUser = (user: UserRow): Step => async (trx, ctx) => {
  await softDeleteUserInTrx(trx, { userId: ctx.actorId }, user, ctx.at);
};

export interface TeamWrite {
  create: boolean;
  addRoles: string[];
  removeRoles: string[];
  addMembers: string[];
  removeMembers: string[];
}

export const writeTeam = (tenantId: string, name: string, change: TeamWrite): Step => async (trx, ctx) => {
  if (change.create) await insertTeam(trx, { tenant_id: tenantId, id: newId(), name, created_at: ctx.at, created_by: ctx.actorId });
  const team = await findTeamRow(trx, tenantId, name);
  if (!team) throw notFound(`team ${name}`);
  const user = async (email: string) => {
    const row = await findUserRow(trx, { ref: email, tenantId });
    if (!row) throw notFound(`user ${email}`);
    return row.id;
  };
  for (const roleId of change.addRoles) await writeTeamChange(trx, ctx.actorId, team, 'grant', { roleId }, ctx.at);
  for (const roleId of change.removeRoles) await writeTeamChange(trx, ctx.actorId, team, 'revoke', { roleId }, ctx.at);
  for (const email of change.addMembers) await writeTeamChange(trx, ctx.actorId, team, 'add-member', { userId: await user(email) }, ctx.at);
  for (const email of change.removeMembers) await writeTeamChange(trx, ctx.actorId, team, 'remove-member', { userId: await user(email) }, ctx.at);
};

export const deleteTeam = (tenantId: string, name: string): Step => async (trx, ctx) => {
  const team = await findTeamRow(trx, tenantId, name);
  if (team) await deleteTeamInTrx(trx, ctx.actorId, team, ctx.at);
};

export const putGrant = (tenantId: string, spec: GrantSpec): Step => async (trx, ctx) => {
  await putGrantInTrx(trx, ctx.actorId, tenantId, spec, ctx.at);
};

export const removeGrant = (tenantId: string, spec: GrantSpec): Step => async (trx, ctx) => {
  const subject = await resolveSubject(trx, tenantId, spec.subject);
  await removeGrantInTrx(trx, ctx.actorId, tenantId, subject, spec.entity, spec.path, ctx.at);
};
