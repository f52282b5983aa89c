// can-i <action> <entity>[:<path>] [--as <user>]: prints yes or no; exit 0 yes, 8 no.
import { canI as answer, parseQuestion, subjectPrincipal } from '../../core/can-i.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';

export async function canI(ctx: CommandContext, [action, target]: (string | undefined)[], opts: Record<string, any>): Promise<void> {
  const question = parseQuestion(action!, target!);
  const deps = await ctx.deps();
  const acting = await ctx.actingTenant();
  let principal = await ctx.principal();
  let subject;
  if (opts.as !== undefined) {
    // Users resolve in the acting tenant, so that is the tenant users:read is needed in.
    await ctx.authorize('users:read', acting.row.id);
    ({ principal, user: subject } = await subjectPrincipal(deps, acting.row.id, opts.as));
  }
  const result = await answer(deps, principal, acting.row.id, question, subject);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(result);
  else ctx.out.text(result.allowed ? 'yes' : 'no');
  ctx.out.say(result.reason);
  if (!result.allowed) ctx.exitCode = ExitCode.checkFailed;
}
