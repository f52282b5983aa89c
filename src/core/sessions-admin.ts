// Listing and revoking sessions: one's own, or (admins) those of users in the acting tenant.
// Who may do which is decided by the command through the one authorization function.
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import type { SessionRow, UserRow } from '../store/schema.js';
import { publicSlug } from '../store/tenant-repo.js';
import type { Deps } from './deps.js';
import { conflict } from './errors.js';
import type { Session } from './model.js';

function toSession(row: SessionRow, email: string, tenant: string | null, currentId: string | null): Session {
  return {
    id: row.id,
    user: email,
    tenant,
    via: row.via,
    restricted: row.restricted === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    current: row.id === currentId,
  };
}

async function tenantSlugOf(deps: Deps, tenantId: string): Promise<string | null> {
  const row = await deps.store.db.selectFrom('tenants').select(['id', 'slug']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  return publicSlug(row);
}

/** A user's live sessions (not ended, not expired), newest first. */
export async function listSessionsOf(deps: Deps, user: Pick<UserRow, 'id' | 'tenant_id' | 'email'>, currentId: string | null): Promise<Session[]> {
  const at = deps.now().toISOString();
  const rows = await deps.store.db
    .selectFrom('sessions')
    .selectAll()
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const tenant = await tenantSlugOf(deps, user.tenant_id);
  return rows.map((r) => toSession(r, user.email, tenant, currentId));
}

export async function findSession(deps: Deps, id: string): Promise<SessionRow | undefined> {
  return deps.store.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ends one live session; an ended or expired one is a conflict (7). */
export async function revokeSession(deps: Deps, actor: Principal, session: SessionRow): Promise<Session> {
  const at = deps.now().toISOString();
  if (session.revoked_at || session.expires_at <= at) throw conflict(`session ${session.id} has already ended`);
  await deps.store.write(async (trx) => {
    const ended = await trx
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('tenant_id', '=', session.tenant_id)
      .where('id', '=', session.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) !== 1) throw conflict(`session ${session.id} has already ended`);
    await appendAudit(trx, {
      at,
      tenantId: session.tenant_id,
      actorId: actor.userId,
      action: 'session.revoke',
      target: `user:${session.user_id}`,
      details: { session: session.id },
    });
  });
  const user = await deps.store.db
    .selectFrom('users')
    .select('email')
    .where('tenant_id', '=', session.tenant_id)
    .where('id', '=', session.user_id)
    .executeTakeFirstOrThrow();
  return toSession(session, user.email, await tenantSlugOf(deps, session.tenant_id), actor.sessionId);
}
