// invite create | list | resend | revoke | accept
import { acceptInvitation, previewInvitation } from '../../core/invitation-accept.js';
import { createInvitation, findInvitation, listInvitations, resendInvitation, revokeInvitation, type IssuedInvitation } from '../../core/invitations.js';
import type { CommandContext } from '../context.js';
import { describeDelivery, mailerFor } from '../mailer.js';
import { readNewPassword } from '../new-password.js';
import { invitationColumns, invitationFields, userFields } from '../views.js';

type Opts = Record<string, any>;

/** The token is data (stdout), shown this once; where the message went is a message (stderr). */
async function showIssued(ctx: CommandContext, issued: IssuedInvitation, verb: string): Promise<void> {
  await ctx.out.object({ ...issued.invitation, token: issued.token }, invitationFields(issued.invitation, issued.token));
  ctx.out.say(describeDelivery(issued.delivery, issued.invitation.email));
  ctx.out.success(`${verb} invitation ${issued.invitation.id}; it expires ${issued.invitation.expiresAt} (the token is not shown again)`);
}

export async function create(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const email = await ctx.value('--email', opts.email, 'Email:');
  const acting = await ctx.actingTenant();
  // An invitation creates a user: it needs that permission too.
  await ctx.authorize('users:create', acting.row.id);
  const issued = await createInvitation(
    await ctx.deps(),
    await ctx.principal(),
    acting.row,
    { email, firstName: opts.firstName, roles: opts.role, teams: opts.team },
    await mailerFor(ctx),
  );
  await showIssued(ctx, issued, 'created');
}

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  const page = await listInvitations(await ctx.deps(), acting.row.id, { status: opts.status, limit: opts.limit, cursor: opts.cursor });
  await ctx.out.list(page.items, invitationColumns, page);
}

export async function resend(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const acting = await ctx.actingTenant();
  const issued = await resendInvitation(await ctx.deps(), await ctx.principal(), acting.row, ref!, await mailerFor(ctx));
  await showIssued(ctx, issued, 'resent');
}

export async function revoke(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const found = await findInvitation(deps, acting.row.id, ref!);
  await ctx.confirm(`Revoke the invitation of ${found.email}`);
  const invitation = await revokeInvitation(deps, await ctx.principal(), acting.row.id, found.id);
  await ctx.out.object(invitation, invitationFields(invitation));
  ctx.out.success(`revoked the invitation of ${invitation.email}`);
}

export async function accept(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const deps = await ctx.deps();
  const token = await ctx.secret('--token-stdin', opts.tokenStdin === true, 'Invitation token:');
  // Checked before asking for a password, so a bad token fails first.
  const preview = await previewInvitation(deps, token);
  let firstName: string | undefined = opts.firstName;
  if (preview.needsFirstName && firstName === undefined) firstName = await ctx.value('--first-name', undefined, 'First name:');
  const password = await readNewPassword(ctx, '--password-stdin', opts.passwordStdin === true, `Password for ${preview.email}:`, [preview.email]);
  const user = await acceptInvitation(deps, { token, password, firstName, lastName: opts.lastName });
  await ctx.out.object(user, userFields(user));
  ctx.out.success(`welcome, ${user.firstName}: ${user.email} is active; sign in with \`iamctl login --email ${user.email}\``);
}
