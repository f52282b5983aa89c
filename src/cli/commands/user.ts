// user create (the rest of the user commands: see the users issue)
import { createUser } from '../../core/users.js';
import { usageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { readNewPassword } from '../new-password.js';
import { userFields } from '../views.js';

type Opts = Record<string, any>;

export async function create(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  if (opts.passwordStdin && opts.invite) throw usageError('give --password-stdin or --invite, not both');
  const email = await ctx.value('--email', opts.email, 'Email:');
  const firstName = await ctx.value('--first-name', opts.firstName, 'First name:');
  let withPassword = opts.passwordStdin === true;
  if (!withPassword && !opts.invite && ctx.canPrompt) {
    withPassword = (await ctx.prompter.select('Password', [
      { value: 'invite', name: 'Send an invitation (the user sets it)' },
      { value: 'password', name: 'Set a password now' },
    ])) === 'password';
  }
  // At a prompt: the strength indicator and a second entry, as everywhere a password is chosen.
  const password = withPassword ? await readNewPassword(ctx, '--password-stdin', opts.passwordStdin === true, 'Password:', [email, firstName]) : undefined;
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const input = { email, firstName, lastName: opts.lastName, roles: opts.role, teams: opts.team, password };
  if (password === undefined) {
    // Invited: the invitation is delivered (outbox or SMTP) and its token shown once.
    const { createDelivering } = await import('../invitation-delivery.js');
    await createDelivering(ctx, acting.row, (options) => createUser(deps, principal, acting.row.id, input, options));
    ctx.out.success(`created invited user ${email} in ${acting.slug ?? 'the main account'}`);
    return;
  }
  const created = await createUser(deps, principal, acting.row.id, input);
  await ctx.out.object(created.user, userFields(created.user));
  ctx.out.success(`created ${created.user.status} user ${created.user.email} in ${created.user.tenant ?? 'the main account'}`);
}
