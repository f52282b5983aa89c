// user set-password | unlock (admins, in the acting tenant).
import { findUserIn, setUserPassword, unlockUser } from '../../core/credentials.js';
import type { CommandContext } from '../context.js';
import { readNewPassword } from '../new-password.js';
import { userFields } from '../views.js';

type Opts = Record<string, any>;

export async function setPassword(ctx: CommandContext, [ref]: (string | undefined)[], opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const user = await findUserIn(deps, acting.row.id, ref!);
  const password = await readNewPassword(ctx, '--password-stdin', opts.passwordStdin === true, `New password for ${user.email}:`, [user.email]);
  const result = await setUserPassword(deps, await ctx.principal(), user, password);
  await ctx.out.object(result.user, userFields(result.user));
  ctx.out.success(`password set for ${user.email}; ended ${result.sessionsEnded} session(s)${user.status === 'invited' ? '; the user is now active' : ''}`);
}

export async function unlock(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const user = await unlockUser(deps, await ctx.principal(), await findUserIn(deps, acting.row.id, ref!));
  await ctx.out.object(user, userFields(user));
  ctx.out.success(`unlocked ${user.email}`);
}
