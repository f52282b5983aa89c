// `invite accept`: the holder of an invitation token sets a password (and, if given, a name),
// which activates the invited user. A token works once; a malformed, unknown, expired,
// revoked, replaced or used token is an authentication error (4). Failures of a known token
// are audited; garbage writes nothing.
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { sha256Hex } from '../auth/tokens.js';
import { appendAudit } from '../store/audit-repo.js';
import type { InvitationRow, UserRow } from '../store/schema.js';
import { nameColumns, toUserObject } from '../store/user-repo.js';
import type { Deps } from './deps.js';
import { AppError, unauthenticated } from './errors.js';
import { invitationStatus } from './invitations.js';
import type { User } from './model.js';
import { validatePersonName } from './validation.js';

// newToken(): 32 random bytes, base64url without padding.
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const resendHint = 'ask an administrator to send a new one (`iamctl invite resend <email>`)';

const notValid = () =>
  unauthenticated('the invitation token is not valid', 'copy the whole token from the invitation message; or ' + resendHint);

interface OpenInvitation {
  invitation: InvitationRow;
  user: UserRow;
}

/** Why a known invitation cannot be accepted now, as [audit reason, error]; null if it can. */
async function unusable(deps: Deps, invitation: InvitationRow, user: UserRow | undefined, at: string): Promise<[string, AppError] | null> {
  const status = invitationStatus(invitation, at);
  if (status === 'accepted') {
    return ['used', unauthenticated('this invitation was already used', 'sign in with `iamctl login`; if you forgot the password, ask an administrator')];
  }
  if (status === 'revoked') {
    const why = invitation.superseded_at ? 'replaced' : 'revoked';
    return [why, unauthenticated(`this invitation was ${why === 'replaced' ? 'replaced by a newer one' : 'revoked'}`, `use the latest invitation you received; or ${resendHint}`)];
  }
  if (status === 'expired') return ['expired', unauthenticated(`this invitation expired at ${invitation.expires_at}`, resendHint)];
  if (!user || user.status !== 'invited') {
    return [`user ${user?.status ?? 'missing'}`, unauthenticated('the account of this invitation is no longer waiting for it', 'ask an administrator')];
  }
  const tenant = await deps.store.db.selectFrom('tenants').select('status').where('id', '=', invitation.tenant_id).executeTakeFirst();
  if (tenant?.status !== 'active') return ['tenant inactive', unauthenticated('the tenant of this invitation is inactive', 'ask an administrator')];
  return null;
}

async function openInvitation(deps: Deps, token: string): Promise<OpenInvitation> {
  const value = token.trim();
  if (!tokenPattern.test(value)) throw notValid();
  const { db } = deps.store;
  const invitation = await db.selectFrom('invitations').selectAll().where('token_hash', '=', sha256Hex(value)).executeTakeFirst();
  if (!invitation) throw notValid();
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', invitation.tenant_id)
    .where('id', '=', invitation.user_id)
    .executeTakeFirst();
  const at = deps.now().toISOString();
  const problem = await unusable(deps, invitation, user, at);
  if (problem) {
    await deps.store.write((trx) =>
      appendAudit(trx, {
        at,
        tenantId: invitation.tenant_id,
        actorId: null,
        action: 'invitation.accept',
        target: `user:${invitation.user_id}`,
        result: 'failure',
        details: { invitation: invitation.id, reason: problem[0] },
      }),
    );
    throw problem[1];
  }
  return { invitation, user: user! };
}

export interface InvitationPreview {
  email: string;
  /** The invited user has no first name yet: accepting needs one. */
  needsFirstName: boolean;
}

/** Checks a token before asking for a password (and a name, when the user has none). */
export async function previewInvitation(deps: Deps, token: string): Promise<InvitationPreview> {
  const { user } = await openInvitation(deps, token);
  return { email: user.email, needsFirstName: user.first_name === '' };
}

export interface AcceptInput {
  token: string;
  password: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

export async function acceptInvitation(deps: Deps, input: AcceptInput): Promise<User> {
  const { invitation, user } = await openInvitation(deps, input.token);
  const firstName = input.firstName !== undefined ? validatePersonName(input.firstName, 'first name') : user.first_name;
  if (firstName === '') {
    throw new AppError('usage', 'a first name is required: this invitation has none', { hint: 'pass --first-name <name>' });
  }
  const lastName = input.lastName !== undefined ? validatePersonName(input.lastName, 'last name') : user.last_name;
  const passwordHash = await hashPassword(await checkPasswordPolicy(input.password, user.email));
  const at = deps.now().toISOString();
  const updated: UserRow = {
    ...user,
    first_name: firstName,
    last_name: lastName,
    ...nameColumns(firstName, lastName),
    status: 'active',
    password_hash: passwordHash,
    updated_at: at,
  };
  await deps.store.write(async (trx) => {
    // Single use, also against a concurrent accept: only one update finds the row still open.
    const accepted = await trx
      .updateTable('invitations')
      .set({ accepted_at: at })
      .where('tenant_id', '=', invitation.tenant_id)
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('superseded_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    const activated = await trx
      .updateTable('users')
      .set({
        first_name: updated.first_name,
        last_name: updated.last_name,
        name_lower: updated.name_lower,
        last_name_lower: updated.last_name_lower,
        status: 'active',
        password_hash: passwordHash,
        updated_at: at,
      })
      .where('tenant_id', '=', user.tenant_id)
      .where('id', '=', user.id)
      .where('status', '=', 'invited')
      .executeTakeFirst();
    if (Number(accepted.numUpdatedRows) !== 1 || Number(activated.numUpdatedRows) !== 1) {
      throw unauthenticated('this invitation can no longer be used (it changed meanwhile)', resendHint);
    }
    await appendAudit(trx, {
      at,
      tenantId: user.tenant_id,
      actorId: user.id,
      action: 'invitation.accept',
      target: `user:${user.id}`,
      details: { invitation: invitation.id, ...(input.firstName !== undefined || input.lastName !== undefined ? { named: true } : {}) },
    });
  });
  return toUserObject(deps.store.db, updated);
}
