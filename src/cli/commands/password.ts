// password change: one's own password (current, then new); other sessions end.
import { changeOwnPassword } from '../../core/credentials.js';
import type { CommandContext } from '../context.js';
import { readNewPassword } from '../new-password.js';
import { userFields } from '../views.js';

export async function change(ctx: CommandContext, _args: unknown[], opts: Record<string, any>): Promise<void> {
  const fromStdin = opts.passwordStdin === true;
  const current = await ctx.secret('--password-stdin', fromStdin, 'Current password:');
  const principal = await ctx.principal();
  const next = await readNewPassword(ctx, '--password-stdin', fromStdin, 'New password:', [principal.email]);
  const result = await changeOwnPassword(await ctx.deps(), principal, { current, next });
  await ctx.out.object(result.user, userFields(result.user));
  ctx.out.success(`password changed; ended ${result.sessionsEnded} other session(s)`);
}
