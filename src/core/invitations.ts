// Invitations (SPEC §6): created with an invited user (`invite create`, `user create` without
// a password), listed, resent (a new token; the old row is superseded and its token dies) and
// revoked. Status is derived from the row: accepted, revoked, expired (by the clock), pending.
// Delivery happens inside the transaction that stores the token, so either both happen or
// neither: a token is never stored without being delivered, nor delivered for a rolled-back row.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { invitationMessage } from '../mail/invitation-message.js';
import { discardDelivery, type Delivery, type Mailer } from '../mail/mailer.js';
import { appendAudit } from '../store/audit-repo.js';
import { directRolesOf } from '../store/role-repo.js';
import type { Database, InvitationRow, TenantRow, UserRow } from '../store/schema.js';
import { MAIN_TENANT_ID, publicSlug } from '../store/tenant-repo.js';
import { emailsById } from '../store/user-repo.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Deps } from './deps.js';
import { conflict, notFound } from './errors.js';
import type { Invitation, InvitationStatus, Page, User } from './model.js';
import { createUser, insertInvitation, type IssuedToken } from './users.js';

export interface IssuedInvitation {
  invitation: Invitation;
  /** Shown once to the operator; the delivered message is the only other copy. */
  token: string;
  delivery: Delivery;
}

/** An invitation row with the fields of its user that every use case needs. */
export type InvitationWithUser = InvitationRow & { email: string; first_name: string; user_status: UserRow['status'] };

export function invitationStatus(row: InvitationRow, at: string): InvitationStatus {
  if (row.accepted_at) return 'accepted';
  if (row.revoked_at || row.superseded_at) return 'revoked';
  return row.expires_at <= at ? 'expired' : 'pending';
}

export interface InvitationSender {
  /** Delivers one new token; for createUser's deliverInvitation and for resend. */
  deliver(token: IssuedToken, user: Pick<UserRow, 'email' | 'first_name'>): Promise<void>;
  /** What the last delivery did. */
  readonly delivery: Delivery | null;
  /** Removes a written outbox file when the change it belonged to did not commit. */
  discard(): void;
}

/** Builds the message for a tenant's invitation and sends it through the mailer. */
export function invitationSender(mailer: Mailer, tenant: Pick<TenantRow, 'id' | 'name'>): InvitationSender {
  let delivery: Delivery | null = null;
  return {
    async deliver(token, user) {
      const message = invitationMessage({
        invitationId: token.id,
        email: user.email,
        firstName: user.first_name,
        tenantName: tenant.id === MAIN_TENANT_ID ? null : tenant.name,
        token: token.token,
        expiresAt: token.expiresAt,
      });
      delivery = await mailer.send(message);
    },
    get delivery() {
      return delivery;
    },
    discard() {
      if (delivery) discardDelivery(delivery);
    },
  };
}

export interface CreateInvitationInput {
  email: string;
  /** Optional: an invited user without a name gives it at `invite accept`. */
  firstName?: string | undefined;
  lastName?: string | undefined;
  roles?: readonly string[] | undefined;
  teams?: readonly string[] | undefined;
}

/** `invite create`: the invited user (same rules as `user create`) and its invitation. */
export async function createInvitation(
  deps: Deps,
  actor: Principal,
  tenant: TenantRow,
  input: CreateInvitationInput,
  mailer: Mailer,
): Promise<IssuedInvitation & { user: User }> {
  const sender = invitationSender(mailer, tenant);
  try {
    const created = await createUser(
      deps,
      actor,
      tenant.id,
      { ...input, firstName: input.firstName ?? '', password: undefined },
      { deliverInvitation: (token, user) => sender.deliver(token, user), firstNameOptional: true },
    );
    const issued = created.invitation!;
    return { invitation: await getInvitation(deps, tenant.id, issued.id), token: issued.token, delivery: sender.delivery!, user: created.user };
  } catch (error) {
    sender.discard();
    throw error;
  }
}

function invitationsWithUsers(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'i.tenant_id').onRef('u.id', '=', 'i.user_id'))
    .selectAll('i')
    .select(['u.email', 'u.first_name', 'u.status as user_status'])
    .where('i.tenant_id', '=', tenantId)
    .where('u.status', '!=', 'deleted');
}

/**
 * An invitation by id, or the current invitation of a user by email. The id of an invitation
 * replaced by a resend leads to the one that replaced it.
 */
export async function findInvitation(deps: Deps, tenantId: string, ref: string): Promise<InvitationWithUser> {
  const { db } = deps.store;
  const currentOf = (q: ReturnType<typeof invitationsWithUsers>) =>
    q.where('i.superseded_at', 'is', null).orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').executeTakeFirst();
  let row: InvitationWithUser | undefined;
  if (ref.includes('@')) {
    row = await currentOf(invitationsWithUsers(db, tenantId).where('u.email_lower', '=', ref.toLowerCase()));
  } else {
    row = await invitationsWithUsers(db, tenantId).where('i.id', '=', ref).executeTakeFirst();
    if (row?.superseded_at) row = await currentOf(invitationsWithUsers(db, tenantId).where('i.user_id', '=', row.user_id));
  }
  if (!row) throw notFound(`invitation ${ref}`, 'see `iamctl invite list --status all`');
  return row;
}

export async function getInvitation(deps: Deps, tenantId: string, id: string): Promise<Invitation> {
  const row = await invitationsWithUsers(deps.store.db, tenantId).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`invitation ${id}`);
  return (await toInvitations(deps, tenantId, [row]))[0]!;
}

export async function toInvitations(deps: Deps, tenantId: string, rows: readonly InvitationWithUser[]): Promise<Invitation[]> {
  const { db } = deps.store;
  const at = deps.now().toISOString();
  const [tenant, roles, inviters] = await Promise.all([
    db.selectFrom('tenants').select(['id', 'slug']).where('id', '=', tenantId).executeTakeFirstOrThrow(),
    directRolesOf(db, tenantId, [...new Set(rows.map((r) => r.user_id))]),
    emailsById(db, rows.map((r) => r.created_by)),
  ]);
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    tenant: publicSlug(tenant),
    roles: roles.get(r.user_id) ?? [],
    status: invitationStatus(r, at),
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    acceptedAt: r.accepted_at,
    revokedAt: r.revoked_at ?? r.superseded_at,
    invitedBy: r.created_by ? (inviters.get(r.created_by) ?? null) : null,
  }));
}

export interface InvitationQuery {
  status?: InvitationStatus | 'all' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const isInvitationCursor = (v: unknown): v is { c: string; i: string } =>
  typeof v === 'object' && v !== null && typeof (v as { c?: unknown }).c === 'string' && typeof (v as { i?: unknown }).i === 'string';

/** The acting tenant's current invitations (not those replaced by a resend), newest first. */
export async function listInvitations(deps: Deps, tenantId: string, query: InvitationQuery = {}): Promise<Page<Invitation>> {
  const limit = query.limit ?? 50;
  const at = deps.now().toISOString();
  let q = invitationsWithUsers(deps.store.db, tenantId).where('i.superseded_at', 'is', null);
  switch (query.status ?? 'all') {
    case 'accepted':
      q = q.where('i.accepted_at', 'is not', null);
      break;
    case 'revoked':
      q = q.where('i.accepted_at', 'is', null).where('i.revoked_at', 'is not', null);
      break;
    case 'expired':
      q = q.where('i.accepted_at', 'is', null).where('i.revoked_at', 'is', null).where('i.expires_at', '<=', at);
      break;
    case 'pending':
      q = q.where('i.accepted_at', 'is', null).where('i.revoked_at', 'is', null).where('i.expires_at', '>', at);
      break;
  }
  if (query.cursor !== undefined) {
    const { c, i } = decodeCursor(query.cursor, isInvitationCursor);
    q = q.where((eb) => eb.or([eb('i.created_at', '<', c), eb.and([eb('i.created_at', '=', c), eb('i.id', '<', i)])]));
  }
  const rows = await q.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await toInvitations(deps, tenantId, page),
    nextCursor: rows.length > limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null,
  };
}

const alreadyAccepted = (email: string) =>
  conflict(`the invitation for ${email} was already accepted`, 'the user signs in with their password; an administrator can reset it with `iamctl user set-password`');

/** A new token for the user's invitation (pending, expired or revoked); the old token dies. */
export async function resendInvitation(deps: Deps, actor: Principal, tenant: TenantRow, ref: string, mailer: Mailer): Promise<IssuedInvitation> {
  const current = await findInvitation(deps, tenant.id, ref);
  if (current.accepted_at) throw alreadyAccepted(current.email);
  if (current.user_status !== 'invited') {
    throw conflict(`${current.email} is ${current.user_status}, no longer waiting for an invitation`);
  }
  const now = deps.now();
  const at = now.toISOString();
  const sender = invitationSender(mailer, tenant);
  try {
    const issued = await deps.store.write(async (trx) => {
      const replaced = await trx
        .updateTable('invitations')
        .set({ superseded_at: at })
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', current.id)
        .where('superseded_at', 'is', null)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      if (Number(replaced.numUpdatedRows) !== 1) throw conflict(`the invitation for ${current.email} changed meanwhile`, 'run the command again');
      const token = await insertInvitation(trx, { id: current.user_id, tenant_id: tenant.id }, actor.userId, now);
      await appendAudit(trx, {
        at,
        tenantId: tenant.id,
        actorId: actor.userId,
        action: 'invitation.resend',
        target: `user:${current.user_id}`,
        details: { invitation: token.id, replaces: current.id },
      });
      await sender.deliver(token, current);
      return token;
    });
    return { invitation: await getInvitation(deps, tenant.id, issued.id), token: issued.token, delivery: sender.delivery! };
  } catch (error) {
    sender.discard();
    throw error;
  }
}

/** Revokes a pending (or expired) invitation: its token can no longer be accepted. */
export async function revokeInvitation(deps: Deps, actor: Principal, tenantId: string, ref: string): Promise<Invitation> {
  const current = await findInvitation(deps, tenantId, ref);
  if (current.accepted_at) throw alreadyAccepted(current.email);
  if (current.revoked_at) throw conflict(`the invitation for ${current.email} is already revoked`, 'resend it to invite the user again');
  const at = deps.now().toISOString();
  await deps.store.write(async (trx) => {
    const revoked = await trx
      .updateTable('invitations')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', current.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('superseded_at', 'is', null)
      .executeTakeFirst();
    if (Number(revoked.numUpdatedRows) !== 1) throw conflict(`the invitation for ${current.email} changed meanwhile`, 'run the command again');
    await appendAudit(trx, {
      at,
      tenantId,
      actorId: actor.userId,
      action: 'invitation.revoke',
      target: `user:${current.user_id}`,
      details: { invitation: current.id },
    });
  });
  return getInvitation(deps, tenantId, current.id);
}
