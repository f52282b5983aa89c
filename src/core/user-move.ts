// user move (SPEC §6): a super admin moves a tenant user to another tenant. The move ends the
// user's sessions, revokes their keys and pending invitations, removes team memberships,
// resource grants and custom roles, and keeps built-in roles (or gives the destination's
// users.defaultRole). Past audit events stay with the old tenant.
import type { Kysely } from 'kysely';
import { endSessionsOf } from '../auth/sessions.js';
import { appendAudit } from '../store/audit-repo.js';
import { revokePendingInvitations } from '../store/invitation-repo.js';
import { assignRoles } from '../store/role-repo.js';
import type { Database, TenantRow, UserRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { findUserRow, toUserObject } from '../store/user-repo.js';
import { isoNow, type Deps } from './deps.js';
import { conflict, notFound, validationError } from './errors.js';
import type { User } from './model.js';
import { resolveSetting } from './settings.js';
import type { LifecycleActor } from './user-lifecycle.js';

export interface MoveSummary {
  from: string;
  to: string;
  rolesKept: string[];
  rolesRemoved: string[];
  rolesGiven: string[];
  teamsLeft: number;
  grantsRemoved: number;
  keysRevoked: number;
  sessionsEnded: number;
  invitationsRevoked: number;
}

/** Refusals that need no query: main-account users, the main account as destination, the same tenant. */
export function assertMovable(user: UserRow, from: TenantRow, to: TenantRow): void {
  if (user.tenant_id === MAIN_TENANT_ID) {
    throw validationError(`${user.email} is a main-account user (a super admin): only tenant users move`, 'super admins are not members of a tenant');
  }
  if (to.id === MAIN_TENANT_ID) throw validationError('users cannot move into the main account: it holds super admins only', 'name a tenant with --to <slug>');
  if (to.id === from.id) throw conflict(`${user.email} is already in ${from.slug}`);
}

export async function moveUserInTrx(trx: Kysely<Database>, actor: LifecycleActor, user: UserRow, from: TenantRow, to: TenantRow, at: string): Promise<{ user: UserRow; summary: MoveSummary }> {
  assertMovable(user, from, to);
  const old = { tenant_id: from.id, id: user.id };
  const sessionsEnded = await endSessionsOf(trx, old, at);
  const keys = await trx
    .updateTable('api_keys')
    .set({ revoked_at: at, revoked_by: actor.userId })
    .where('tenant_id', '=', from.id)
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const invitationsRevoked = await revokePendingInvitations(trx, old, at);
  const teams = await trx.deleteFrom('team_members').where('tenant_id', '=', from.id).where('user_id', '=', user.id).executeTakeFirst();
  const grants = await trx.deleteFrom('resource_grants').where('tenant_id', '=', from.id).where('user_id', '=', user.id).executeTakeFirst();
  const held = await trx
    .selectFrom('role_assignments as a')
    .innerJoin('roles as r', (j) => j.onRef('r.tenant_id', '=', 'a.tenant_id').onRef('r.id', '=', 'a.role_id'))
    .select(['a.role_id', 'r.builtin'])
    .where('a.tenant_id', '=', from.id)
    .where('a.user_id', '=', user.id)
    .orderBy('a.role_id')
    .execute();
  await trx.deleteFrom('role_assignments').where('tenant_id', '=', from.id).where('user_id', '=', user.id).execute();

  // Rows that follow the user (sessions, keys, invitations, factors, settings, lockout)
  // cascade with the user's (tenant_id, id).
  await trx.updateTable('users').set({ tenant_id: to.id, updated_at: at }).where('tenant_id', '=', from.id).where('id', '=', user.id).execute();

  const rolesKept = held.filter((r) => r.builtin === 1).map((r) => r.role_id);
  const rolesRemoved = held.filter((r) => r.builtin !== 1).map((r) => r.role_id);
  let rolesGiven: string[] = [];
  if (rolesKept.length === 0) {
    const settings = await loadStoredSettings(trx, { tenantId: to.id });
    rolesGiven = [String(resolveSetting(settings, 'users.defaultRole').value)];
  }
  await assignRoles(trx, to.id, user.id, [...rolesKept, ...rolesGiven], actor.userId, at);

  const summary: MoveSummary = {
    from: from.slug,
    to: to.slug,
    rolesKept,
    rolesRemoved,
    rolesGiven,
    teamsLeft: Number(teams.numDeletedRows),
    grantsRemoved: Number(grants.numDeletedRows),
    keysRevoked: Number(keys.numUpdatedRows),
    sessionsEnded,
    invitationsRevoked,
  };
  // One event in each tenant: the old one sees who left (its past events stay there), the new
  // one who arrived.
  for (const tenantId of [from.id, to.id]) {
    await appendAudit(trx, { at, tenantId, actorId: actor.userId, action: 'user.move', target: `user:${user.id}`, details: { ...summary } });
  }
  return { user: { ...user, tenant_id: to.id, updated_at: at }, summary };
}

/** Moves a user found anywhere in the store (super admins) to the tenant `to`. */
export async function moveUser(deps: Deps, actor: LifecycleActor, ref: string, to: TenantRow): Promise<{ user: User; summary: MoveSummary }> {
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const user = await findUserRow(trx, { ref });
    if (!user) throw notFound(`user ${ref}`, 'see `iamctl user list --all-tenants`');
    const from = await trx.selectFrom('tenants').selectAll().where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
    const moved = await moveUserInTrx(trx, actor, user, from, to, at);
    return { user: await toUserObject(trx, moved.user), summary: moved.summary };
  });
}
