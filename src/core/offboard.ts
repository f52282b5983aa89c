// `user offboard`: seed 003's off-boarding ("remove from workspace immediately, revoke any API
// keys they created, audit recent activity") in one transaction. Each step is a function that
// runs inside the caller's transaction, so `user deactivate` and others can share them.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { endSessionsOf } from '../auth/sessions.js';
import { appendAudit } from '../store/audit-repo.js';
import { toApiKeys } from '../store/key-repo.js';
import type { ApiKeyRow, Database, UserRow } from '../store/schema.js';
import { pendingInvitationIds, revokePendingInvitations } from '../store/invitation-repo.js';
import { toUserObject } from '../store/user-repo.js';
import { listAuditEvents } from './audit.js';
import type { Deps } from './deps.js';
import type { ApiKey, AuditEvent, User } from './model.js';
import { assertNotLastSuperAdmin, assertNotSelf } from './user-lifecycle.js';

type Trx = Kysely<Database>;
type UserKey = Pick<UserRow, 'id' | 'tenant_id'>;

export const activityDays = 30;
const activityLimit = 1000;

export interface OffboardResult {
  user: User;
  dryRun: boolean;
  previousStatus: UserRow['status'];
  sessionsEnded: number;
  /** Their own live keys, revoked. */
  keysRevoked: ApiKey[];
  /** Live keys they created for other users, revoked. */
  keysCreatedForOthersRevoked: ApiKey[];
  teamsLeft: string[];
  grantsRemoved: { entity: string; path: string; level: string | null; role: string | null }[];
  invitationsRevoked: number;
  /** Their audit activity (by them or about them) of the last 30 days, newest first, before the offboarding. */
  activity: AuditEvent[];
}

/** Offboarding oneself (7); the last active super admin is refused inside the transaction. */
export function assertMayOffboard(actor: Principal, user: UserRow): void {
  assertNotSelf(actor, user, 'offboard');
}

// The steps. Each runs inside the caller's transaction and returns what it changed.

/** Sets the user inactive (an invited user too: their invitation dies with the next step). */
export async function deactivateUserRow(trx: Trx, user: UserKey, at: string): Promise<void> {
  await trx.updateTable('users').set({ status: 'inactive', updated_at: at }).where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).where('status', 'in', ['active', 'invited']).execute();
}

const liveKeys = (db: Trx, at: string) =>
  db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]));

/** The user's own live keys. */
export async function ownLiveKeys(db: Trx, user: UserKey, at: string): Promise<ApiKeyRow[]> {
  return liveKeys(db, at).where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).orderBy('created_at').orderBy('id').execute();
}

/** Live keys the user created for someone else (a super admin's may be in any tenant). */
export async function keysCreatedForOthers(db: Trx, user: UserKey, at: string): Promise<ApiKeyRow[]> {
  return liveKeys(db, at).where('created_by', '=', user.id).where('user_id', '!=', user.id).orderBy('created_at').orderBy('id').execute();
}

/** Revokes keys, each audited in its own tenant like `key revoke`. */
export async function revokeKeyRows(trx: Trx, rows: readonly ApiKeyRow[], actorId: string, at: string, reason: string): Promise<void> {
  for (const row of rows) {
    await trx.updateTable('api_keys').set({ revoked_at: at, revoked_by: actorId }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).where('revoked_at', 'is', null).execute();
    await appendAudit(trx, { at, tenantId: row.tenant_id, actorId, action: 'key.revoke', target: `user:${row.user_id}`, details: { key: row.id, reason } });
  }
}

/** The teams the user belongs to. */
export async function teamsOf(db: Trx, user: UserKey): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('team_members as m')
    .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
    .select(['t.id', 't.name'])
    .where('m.tenant_id', '=', user.tenant_id)
    .where('m.user_id', '=', user.id)
    .orderBy('t.name')
    .execute();
}

export async function leaveAllTeams(trx: Trx, user: UserKey): Promise<void> {
  await trx.deleteFrom('team_members').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).execute();
}

/** The user's own resource grants (not their teams'). */
export async function grantsOf(db: Trx, user: UserKey) {
  return db.selectFrom('resource_grants').select(['id', 'entity', 'path', 'level', 'role_id']).where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).orderBy('entity').orderBy('path').execute();
}

export async function removeAllGrants(trx: Trx, user: UserKey): Promise<void> {
  await trx.deleteFrom('resource_grants').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).execute();
}

/** What offboarding would change, read in `db` (the transaction itself, when it runs). */
async function plan(db: Trx, user: UserKey, at: string) {
  // One query after another: on PostgreSQL this runs on the transaction's single connection.
  const sessions = await db.selectFrom('sessions').select('id').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).where('revoked_at', 'is', null).where('expires_at', '>', at).execute();
  const own = await ownLiveKeys(db, user, at);
  const created = await keysCreatedForOthers(db, user, at);
  const teams = await teamsOf(db, user);
  const grants = await grantsOf(db, user);
  const invitations = await pendingInvitationIds(db, user);
  return { sessions: sessions.length, own, created, teams, grants, invitations };
}

/**
 * Offboards a user in one transaction: deactivates them, ends their sessions, revokes their keys
 * and the keys they created for others, removes their team memberships and resource grants,
 * revokes their open invitations, with one `user.offboard` audit event (and one `key.revoke` per key).
 * `dryRun`: reads the same plan and changes nothing.
 */
export async function offboardUser(deps: Deps, actor: Principal, user: UserRow, options: { dryRun?: boolean } = {}): Promise<OffboardResult> {
  const { db } = deps.store;
  // Checked first outside the transaction (the clearer answer when both apply), and again
  // under the lock inside it.
  await assertNotLastSuperAdmin(db, user, 'offboard');
  assertMayOffboard(actor, user);
  const now = deps.now();
  const at = now.toISOString();
  const since = new Date(now.getTime() - activityDays * 86_400_000).toISOString();
  const activity = (await listAuditEvents(deps, { userId: user.id, since, limit: activityLimit })).items;
  const dryRun = options.dryRun === true;
  const done = dryRun
    ? await plan(db, user, at)
    : await deps.store.write(async (trx) => {
        await assertNotLastSuperAdmin(trx, user, 'offboard');
        const steps = await plan(trx, user, at);
        await deactivateUserRow(trx, user, at);
        const sessionsEnded = await endSessionsOf(trx, user, at);
        await revokeKeyRows(trx, [...steps.own, ...steps.created], actor.userId, at, 'offboard');
        await leaveAllTeams(trx, user);
        await removeAllGrants(trx, user);
        await revokePendingInvitations(trx, user, at);
        await appendAudit(trx, {
          at,
          tenantId: user.tenant_id,
          actorId: actor.userId,
          action: 'user.offboard',
          target: `user:${user.id}`,
          details: {
            previousStatus: user.status,
            sessionsEnded,
            keys: steps.own.map((k) => k.id),
            keysCreatedForOthers: steps.created.map((k) => k.id),
            teams: steps.teams.map((t) => t.name),
            grants: steps.grants.length,
            invitations: steps.invitations.length,
          },
        });
        return { ...steps, sessions: sessionsEnded };
      });
  const after = dryRun ? user : await db.selectFrom('users').selectAll().where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).executeTakeFirstOrThrow();
  const revoked = (rows: ApiKeyRow[]) => (dryRun ? rows : rows.map((r) => ({ ...r, revoked_at: at, revoked_by: actor.userId })));
  return {
    user: await toUserObject(db, after),
    dryRun,
    previousStatus: user.status,
    sessionsEnded: done.sessions,
    keysRevoked: await toApiKeys(db, revoked(done.own), at),
    keysCreatedForOthersRevoked: await toApiKeys(db, revoked(done.created), at),
    teamsLeft: done.teams.map((t) => t.name),
    grantsRemoved: done.grants.map((g) => ({ entity: g.entity, path: g.path, level: g.level, role: g.role_id })),
    invitationsRevoked: done.invitations.length,
    activity,
  };
}
