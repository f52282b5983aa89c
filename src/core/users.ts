// Users: creation (active with a password, or invited) with every rule of SPEC §6.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { newToken, sha256Hex } from '../auth/tokens.js';
import { appendAudit, appendAuditEvents } from '../store/audit-repo.js';
import { isUniqueViolation } from '../store/db.js';
import type { RbacEdition } from '../auth/access.js';
import { assignRoles } from '../store/role-repo.js';
import type { Database, UserRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { nameColumns, toUserObject } from '../store/user-repo.js';
import { addHours, type Deps } from './deps.js';
import { conflict, validationError } from './errors.js';
import { resolveAssignableRole } from './role-assignments.js';
import { newId } from './ids.js';
import type { User } from './model.js';
import { resolveSetting, settingNumber } from './settings.js';
import { resolveTeams } from './teams.js';
import { normalizeEmail, validateEmail, validatePersonName } from './validation.js';

export interface CreateUserInput {
  email: string;
  firstName: string;
  lastName?: string | undefined;
  /** Role ids; empty or absent: the setting users.defaultRole. */
  roles?: readonly string[] | undefined;
  /** Team names in the same tenant. */
  teams?: readonly string[] | undefined;
  /** A password makes the user active; without one the user is invited. */
  password?: string | undefined;
}

export interface CreatedUser {
  user: User;
  /** The invitation made for an invited user; its token is for delivery only. */
  invitation: { id: string; token: string; expiresAt: string } | null;
}

const emailTaken = (email: string) =>
  conflict(`a user with email ${email} already exists`, 'emails are unique across the store, also against deleted users until they are purged');

/**
 * Roles for a new user in a tenant, held to the rules of `role assign` (resolveAssignableRole):
 * they exist there, super-admin only in the main account, custom roles only under
 * edition.rbac=enterprise (pass the acting principal's edition).
 */
export async function resolveNewUserRoles(
  db: Kysely<Database>,
  tenantId: string,
  requested: readonly string[] | undefined,
  edition: RbacEdition = 'enterprise',
): Promise<string[]> {
  let roles = [...new Set(requested ?? [])];
  if (roles.length === 0) {
    if (tenantId === MAIN_TENANT_ID) {
      throw validationError('in the main account a user needs --role super-admin', 'or create the user in a tenant with --tenant <slug>');
    }
    const settings = await loadStoredSettings(db, { tenantId });
    roles = [String(resolveSetting(settings, 'users.defaultRole').value)];
  }
  for (const role of roles) await resolveAssignableRole(db, tenantId, role, edition);
  return roles;
}

export interface CreateUserOptions {
  /**
   * Delivers a new invitation. Called inside the transaction, so a failed delivery stores
   * nothing and no token is lost (see src/core/invitations.ts invitationDelivery).
   */
  deliverInvitation?: ((invitation: IssuedToken, user: Omit<UserRow, 'rid'>) => Promise<void>) | undefined;
  /** `invite create`: an invited user may have no name yet (empty; set at `invite accept`). */
  firstNameOptional?: boolean | undefined;
}

export type IssuedToken = { id: string; token: string; expiresAt: string };

export async function createUser(
  deps: Deps,
  actor: Principal,
  tenantId: string,
  input: CreateUserInput,
  options: CreateUserOptions = {},
): Promise<CreatedUser> {
  const email = validateEmail(input.email);
  const unnamed = options.firstNameOptional === true && input.password === undefined && input.firstName.trim() === '';
  const firstName = unnamed ? '' : validatePersonName(input.firstName, 'first name');
  const lastName = validatePersonName(input.lastName ?? '', 'last name');
  const { db } = deps.store;
  const roles = await resolveNewUserRoles(db, tenantId, input.roles, actor.access.edition);
  const teams = await resolveTeams(db, tenantId, input.teams ?? []);
  if (await db.selectFrom('users').select('id').where('email_lower', '=', normalizeEmail(email)).executeTakeFirst()) {
    throw emailTaken(email);
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(await checkPasswordPolicy(input.password, email));
  const now = deps.now();
  const at = now.toISOString();
  const row = newUserRow({ tenantId, email, firstName, lastName, passwordHash, at });
  try {
    const invitation = await deps.store.write(async (trx) => {
      await insertUser(trx, row, { roles, teams, actorId: actor.userId, at });
      if (row.status !== 'invited') return null;
      const invitation = await insertInvitation(trx, row, actor.userId, now);
      await options.deliverInvitation?.(invitation, row);
      return invitation;
    });
    return { user: await toUserObject(db, { ...row, rid: 0 }), invitation };
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
}

export interface NewUserFields {
  tenantId: string;
  /** Already validated. */
  email: string;
  firstName: string;
  lastName: string;
  /** With a password the user is active; without, invited (unless `status` says otherwise). */
  passwordHash: string | null;
  /** Overrides the status implied by the password (SSO users are active without one). */
  status?: 'active' | 'invited';
  at: string;
}

/** The row of a new user (validated values in, nothing written). */
export function newUserRow(fields: NewUserFields): Omit<UserRow, 'rid'> {
  return {
    id: newId(),
    tenant_id: fields.tenantId,
    email: fields.email,
    email_lower: normalizeEmail(fields.email),
    first_name: fields.firstName,
    last_name: fields.lastName,
    ...nameColumns(fields.firstName, fields.lastName),
    status: fields.status ?? (fields.passwordHash ? 'active' : 'invited'),
    password_hash: fields.passwordHash,
    default_tenant_id: null,
    mfa_enabled: 0,
    created_at: fields.at,
    updated_at: fields.at,
    last_login_at: null,
    deleted_at: null,
  };
}

/**
 * Writes a new user with their roles and teams, and the `user.create` event, inside the
 * caller's transaction. `actorId` null: created by the system (SSO provisioning).
 */
export async function insertUser(
  trx: Kysely<Database>,
  row: Omit<UserRow, 'rid'>,
  options: { roles: readonly string[]; teams: readonly { id: string; name: string }[]; actorId: string | null; at: string; details?: Record<string, unknown> },
): Promise<void> {
  const { roles, teams, actorId, at } = options;
  await trx.insertInto('users').values(row).execute();
  await assignRoles(trx, row.tenant_id, row.id, roles, actorId, at);
  if (teams.length > 0) {
    await trx
      .insertInto('team_members')
      .values(teams.map((t) => ({ tenant_id: row.tenant_id, team_id: t.id, user_id: row.id, added_by: actorId, added_at: at })))
      .execute();
  }
  await appendAudit(trx, {
    at,
    tenantId: row.tenant_id,
    actorId,
    action: 'user.create',
    target: `user:${row.id}`,
    details: { roles: [...roles], teams: teams.map((t) => t.name), status: row.status, ...options.details },
  });
}

/** A new pending invitation for an invited user (TTL from invitations.ttlHours), audited. */
export async function insertInvitation(
  trx: Kysely<Database>,
  user: Pick<UserRow, 'id' | 'tenant_id'>,
  createdBy: string | null,
  now: Date,
): Promise<IssuedToken> {
  const [invitation] = await insertInvitations(trx, [user], createdBy, now);
  return invitation!;
}

/**
 * New pending invitations for several invited users, in their order: one settings read per
 * tenant, multi-row inserts and one batch of `invitation.create` events (bulk import).
 */
export async function insertInvitations(
  trx: Kysely<Database>,
  users: readonly Pick<UserRow, 'id' | 'tenant_id'>[],
  createdBy: string | null,
  now: Date,
): Promise<IssuedToken[]> {
  const at = now.toISOString();
  const ttlHours = new Map<string, number>();
  for (const tenantId of new Set(users.map((u) => u.tenant_id))) {
    ttlHours.set(tenantId, settingNumber(await loadStoredSettings(trx, { tenantId }), 'invitations.ttlHours'));
  }
  const issued = users.map((user) => ({ user, id: newId(), token: newToken(), expiresAt: addHours(now, ttlHours.get(user.tenant_id)!) }));
  const rows = issued.map(({ user, id, token, expiresAt }) => ({
    tenant_id: user.tenant_id,
    id,
    user_id: user.id,
    token_hash: sha256Hex(token),
    created_by: createdBy,
    created_at: at,
    expires_at: expiresAt,
  }));
  // 7 columns a row: well under the bound-parameter limits of both dialects.
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('invitations').values(rows.slice(i, i + 500)).execute();
  await appendAuditEvents(
    trx,
    issued.map(({ user, id, expiresAt }) => ({
      at,
      tenantId: user.tenant_id,
      actorId: createdBy,
      action: 'invitation.create',
      target: `user:${user.id}`,
      details: { invitation: id, expiresAt },
    })),
  );
  return issued.map(({ id, token, expiresAt }) => ({ id, token, expiresAt }));
}
