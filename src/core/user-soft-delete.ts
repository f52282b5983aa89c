// Soft-deleting one user inside a caller's transaction (SPEC §6: deleting a user ends all their
// sessions at once). Kept in its own file so the user-lifecycle module can replace it at merge.
import type { Kysely } from 'kysely';
import { appendAudit } from '../store/audit-repo.js';
import type { Database } from '../store/schema.js';

export interface SoftDeleteUser {
  tenantId: string;
  userId: string;
  actorId: string | null;
  at: string;
}

/** Sets the user deleted (keeping every profile field for `restore`), ends their sessions, audits `user.delete`. */
export async function softDeleteUserInTrx(trx: Kysely<Database>, { tenantId, userId, actorId, at }: SoftDeleteUser): Promise<void> {
  await trx
    .updateTable('users')
    .set({ status: 'deleted', deleted_at: at, updated_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .execute();
  await trx
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await appendAudit(trx, { at, tenantId, actorId, action: 'user.delete', target: `user:${userId}` });
}
