// Invitations: queries shared by the use cases that end an invitation's purpose.
import type { Kysely } from 'kysely';
import type { Database, UserRow } from './schema.js';

type UserKey = Pick<UserRow, 'id' | 'tenant_id'>;

/** Ids of the user's pending invitations (not accepted, revoked or superseded; expired ones too). */
export async function pendingInvitationIds(db: Kysely<Database>, user: UserKey): Promise<string[]> {
  const rows = await db
    .selectFrom('invitations')
    .select('id')
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Revokes the user's pending invitations (the ones pendingInvitationIds lists); returns how
 * many. Used wherever an invitation stops making sense: a password set by an admin or an
 * import, deactivation, deletion, a move, off-boarding.
 */
export async function revokePendingInvitations(trx: Kysely<Database>, user: UserKey, at: string): Promise<number> {
  const result = await trx
    .updateTable('invitations')
    .set({ revoked_at: at })
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
