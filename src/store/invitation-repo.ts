// Invitations: queries shared by the use cases that end an invitation's purpose.
import type { Kysely } from 'kysely';
import type { Database, UserRow } from './schema.js';

/**
 * Revokes the user's pending invitations (not accepted, revoked or superseded); returns how
 * many. Used wherever an invitation stops making sense: a password set by an admin or an
 * import, deactivation, deletion, a move.
 */
export async function revokePendingInvitations(trx: Kysely<Database>, user: Pick<UserRow, 'id' | 'tenant_id'>, at: string): Promise<number> {
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
