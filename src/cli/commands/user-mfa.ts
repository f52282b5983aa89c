// user mfa-reset: an admin clears another user's second factor (users of the acting tenant).
import { findUserIn } from '../../core/credentials.js';
import { checkMfaReset, resetMfa } from '../../core/mfa.js';
import type { CommandContext } from '../context.js';
import { userFields } from '../views.js';

export async function mfaReset(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const user = await findUserIn(deps, acting.row.id, ref!);
  const principal = await ctx.principal();
  await checkMfaReset(deps.store.db, principal, user);
  await ctx.confirm(`Reset the second factor of ${user.email} and end all their sessions`);
  const result = await resetMfa(deps, principal, user);
  await ctx.out.object(result.user, userFields(result.user));
  ctx.out.success(`second factor of ${user.email} reset; ended ${result.sessionsEnded} session(s)`);
}
