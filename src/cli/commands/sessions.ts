// session list | revoke: one's own sessions, or (admins) those of users in the acting tenant.
import type { Principal } from '../../auth/principal.js';
import { findUserIn } from '../../core/credentials.js';
import { notFound } from '../../core/errors.js';
import { findSession, listSessionsOf, revokeSession } from '../../core/sessions-admin.js';
import type { CommandContext } from '../context.js';
import { sessionColumns } from '../views.js';

const isSelf = (ref: string, p: Principal) => ref === p.userId || ref.toLowerCase() === p.email.toLowerCase();

export async function list(ctx: CommandContext, _args: unknown[], opts: Record<string, any>): Promise<void> {
  const principal = await ctx.principal();
  const deps = await ctx.deps();
  let user = { id: principal.userId, tenant_id: principal.tenantId, email: principal.email };
  if (opts.user !== undefined && !isSelf(opts.user, principal)) {
    const acting = await ctx.actingTenant();
    // Authorized before the lookup, so the answer does not tell who exists.
    await ctx.authorize('users:read', acting.row.id);
    user = await findUserIn(deps, acting.row.id, opts.user);
  }
  await ctx.out.list(await listSessionsOf(deps, user, principal.sessionId), sessionColumns);
}

export async function revoke(ctx: CommandContext, [id]: (string | undefined)[]): Promise<void> {
  const principal = await ctx.principal();
  const deps = await ctx.deps();
  const session = await findSession(deps, id!);
  const own = session?.user_id === principal.userId;
  // Another tenant's session must look exactly like a missing one, hint included.
  const missing = () => notFound(`session ${id}`, 'see `iamctl session list` (or `--user <user>`)');
  if (!session) throw missing();
  if (!own) {
    const acting = await ctx.actingTenant();
    if (session.tenant_id !== acting.row.id) throw missing();
    await ctx.authorize('users:update', session.tenant_id);
  }
  await ctx.confirm(`Revoke session ${session.id}${own ? ' (yours)' : ''}`);
  const revoked = await revokeSession(deps, principal, session);
  // The current session: forget its token too, as `logout` would.
  if (revoked.current) await ctx.updateStoreContext({ session: undefined, tenant: undefined });
  await ctx.out.object(revoked, sessionColumns.map((c) => [c.key, c.get(revoked)] as [string, unknown]));
  ctx.out.success(`revoked session ${revoked.id} of ${revoked.user}${revoked.current ? ' (you are now signed out)' : ''}`);
}
