// `user create` without a password: the invitation createUser makes is delivered inside its
// transaction, and its token is shown to the operator once (stdout; -o json: invitation.token).
import type { CreatedUser, CreateUserOptions } from '../core/users.js';
import { getInvitation, invitationSender } from '../core/invitations.js';
import type { TenantRow } from '../store/schema.js';
import type { CommandContext } from './context.js';
import { describeDelivery, mailerFor } from './mailer.js';
import { invitationFields, userFields } from './views.js';

export async function createDelivering(
  ctx: CommandContext,
  tenant: TenantRow,
  create: (options: CreateUserOptions) => Promise<CreatedUser>,
): Promise<void> {
  const sender = invitationSender(await mailerFor(ctx), tenant);
  let created: CreatedUser;
  try {
    created = await create({ deliverInvitation: (token, user) => sender.deliver(token, user) });
  } catch (error) {
    sender.discard();
    throw error;
  }
  if (!created.invitation || !sender.delivery) {
    await ctx.out.object(created.user, userFields(created.user));
    return;
  }
  const invitation = await getInvitation(await ctx.deps(), tenant.id, created.invitation.id);
  const { token } = created.invitation;
  const fields = invitationFields(invitation, token).filter(([label]) => ['token', 'expires'].includes(label));
  await ctx.out.object({ ...created.user, invitation: { ...invitation, token } }, [...userFields(created.user), ['invitation', invitation.id], ...fields]);
  ctx.out.say(describeDelivery(sender.delivery, invitation.email));
}
