// `sso provision`: sign-in with a verified OpenID Connect ID token (SPEC §6 SSO, seeds 000/002).
// The user is matched by email: an active one gets a session; an unknown one is created active
// (no password) in the tenant and roles the group mappings pick, else in sso-landing as viewer.
// Every refusal is unauthenticated (4), writes nothing but its audit event, and says why.
import type { Kysely } from 'kysely';
import { tokenFailureOf, verifyIdToken, type VerifiedIdentity } from '../auth/oidc.js';
import { createSession, isLocked, type NewSession } from '../auth/sessions.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation } from '../store/db.js';
import { assignRoles, directRolesOf } from '../store/role-repo.js';
import type { Database, TenantRow, UserRow } from '../store/schema.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { findSsoConfig, listMappingRows, type MappingRow } from '../store/sso-repo.js';
import { findTenantById, findTenantBySlug, MAIN_TENANT_ID, SSO_LANDING_SLUG } from '../store/tenant-repo.js';
import type { Deps } from './deps.js';
import { AppError } from './errors.js';
import { settingBool } from './settings.js';
import { insertUser, newUserRow } from './users.js';
import { normalizeEmail, validatePersonName } from './validation.js';

/** The role of new SSO users no mapping places (seeds: "Given Viewer role"). */
export const SSO_LANDING_ROLE = 'viewer';

export interface SsoProvisionResult extends NewSession {
  user: UserRow;
  created: boolean;
  /** Roles given by group mappings: to a new user, or added by sso.syncRoles to an existing one. */
  rolesAdded: string[];
}

interface Refusal {
  reason: string;
  message: string;
  hint?: string;
  tenantId?: string;
  userId?: string;
}

const adminHint = 'ask an administrator';

/**
 * Verifies the ID token and signs its user in, creating them first when the email is unknown.
 * One transaction for the sign-in (user, roles, session, audit); a refusal writes only a failed
 * `auth.sso-login` event.
 */
export async function provisionFromIdToken(deps: Deps, idToken: string): Promise<SsoProvisionResult> {
  const now = deps.now();
  const config = await findSsoConfig(deps.store.db);
  if (!config) {
    throw await refuse(deps, now, {
      reason: 'not_configured',
      message: 'SSO is not configured in this store',
      hint: 'a super admin configures it: iamctl sso configure --issuer URL --audience CLIENT_ID --jwks-file jwks.json',
    });
  }
  let identity: VerifiedIdentity;
  try {
    identity = await verifyIdToken(config, idToken, now);
  } catch (error) {
    const reason = tokenFailureOf(error);
    if (reason) await recordFailure(deps, now, { reason, message: '' });
    throw error;
  }
  // Two first sign-ins of the same new email at once: the loser finds the user the winner made.
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await deps.store.write((trx) => signIn(trx, identity, now));
      if ('reason' in outcome) throw await refuse(deps, now, outcome);
      return outcome;
    } catch (error) {
      if (attempt === 1 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

async function signIn(trx: Kysely<Database>, identity: VerifiedIdentity, now: Date): Promise<SsoProvisionResult | Refusal> {
  const existing = await trx.selectFrom('users').selectAll().where('email_lower', '=', normalizeEmail(identity.email)).executeTakeFirst();
  const mappings = await listMappingRows(trx);
  return existing ? signInExisting(trx, existing, identity, mappings, now) : createAndSignIn(trx, identity, mappings, now);
}

async function signInExisting(
  trx: Kysely<Database>,
  user: UserRow,
  identity: VerifiedIdentity,
  mappings: readonly MappingRow[],
  now: Date,
): Promise<SsoProvisionResult | Refusal> {
  const at = now.toISOString();
  const about = { tenantId: user.tenant_id, userId: user.id };
  if (user.status !== 'active') {
    const hint = user.status === 'invited' ? 'accept your invitation first (`iamctl invite accept`)' : adminHint;
    return { ...about, reason: `user_${user.status}`, message: `the account ${user.email} is ${user.status}`, hint };
  }
  if (await isLocked(trx, user, at)) {
    return { ...about, reason: 'locked', message: `the account ${user.email} is locked after failed sign-ins`, hint: 'wait, or ask an administrator to unlock it' };
  }
  const tenant = await findTenantById(trx, user.tenant_id);
  if (tenant?.status !== 'active') {
    return { ...about, reason: 'tenant_inactive', message: `the tenant ${tenant?.slug ?? user.tenant_id} is inactive`, hint: 'ask a super admin to activate it' };
  }
  const settings = await loadStoredSettings(trx, { tenantId: MAIN_TENANT_ID });
  let rolesAdded: string[] = [];
  if (settingBool(settings, 'sso.syncRoles')) {
    const mapped = matchingMappings(mappings, identity.groups).filter((m) => m.tenant_id === user.tenant_id).map((m) => m.role_id);
    const held = new Set((await directRolesOf(trx, user.tenant_id, [user.id])).get(user.id));
    rolesAdded = [...new Set(mapped)].filter((role) => !held.has(role));
    if (rolesAdded.length > 0) {
      await assignRoles(trx, user.tenant_id, user.id, rolesAdded, null, at);
      await appendAudit(trx, { at, tenantId: user.tenant_id, actorId: null, action: 'sso.sync-roles', target: `user:${user.id}`, details: { added: rolesAdded } });
    }
  }
  await trx.updateTable('users').set({ last_login_at: at }).where('id', '=', user.id).execute();
  const session = await createSession(trx, user, 'sso', now);
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: user.id,
    action: 'auth.sso-login',
    target: `user:${user.id}`,
    details: { session: session.session.id, via: 'sso', created: false, ...(rolesAdded.length ? { rolesAdded } : {}) },
  });
  return { ...session, user: { ...user, last_login_at: at }, created: false, rolesAdded };
}

/** The mappings whose group the token carries, in first-match order. */
function matchingMappings(mappings: readonly MappingRow[], groups: readonly string[]): MappingRow[] {
  const held = new Set(groups);
  return mappings.filter((m) => held.has(m.group_name));
}

/**
 * Where a new user goes: the first mapping (in position order) whose group the token carries
 * picks the tenant; every matching mapping of that tenant adds its role. No match: sso-landing
 * with viewer.
 */
async function placementFor(trx: Kysely<Database>, mappings: readonly MappingRow[], groups: readonly string[]) {
  const matching = matchingMappings(mappings, groups);
  const first = matching[0];
  if (!first) {
    const landing = await findTenantBySlug(trx, SSO_LANDING_SLUG);
    if (!landing) throw new AppError('internal', `the built-in tenant ${SSO_LANDING_SLUG} is missing`);
    return { tenant: landing, roles: [SSO_LANDING_ROLE], groups: [] as string[] };
  }
  const tenant = (await findTenantById(trx, first.tenant_id)) as TenantRow;
  const inTenant = matching.filter((m) => m.tenant_id === first.tenant_id);
  return { tenant, roles: [...new Set(inTenant.map((m) => m.role_id))], groups: [...new Set(inTenant.map((m) => m.group_name))] };
}

async function createAndSignIn(
  trx: Kysely<Database>,
  identity: VerifiedIdentity,
  mappings: readonly MappingRow[],
  now: Date,
): Promise<SsoProvisionResult | Refusal> {
  const at = now.toISOString();
  const placement = await placementFor(trx, mappings, identity.groups);
  if (placement.tenant.status !== 'active') {
    return {
      tenantId: placement.tenant.id,
      reason: 'tenant_inactive',
      message: `the tenant ${placement.tenant.slug} that group ${placement.groups[0]} maps to is inactive`,
      hint: 'ask a super admin to activate it',
    };
  }
  const row = newUserRow({ tenantId: placement.tenant.id, email: identity.email, ...namesOf(identity), passwordHash: null, status: 'active', at });
  await insertUser(trx, row, { roles: placement.roles, teams: [], actorId: null, at, details: { via: 'sso', groups: placement.groups } });
  await trx.updateTable('users').set({ last_login_at: at }).where('id', '=', row.id).execute();
  const user: UserRow = { ...row, rid: 0, last_login_at: at };
  const session = await createSession(trx, user, 'sso', now);
  await appendAudit(trx, {
    at,
    tenantId: user.tenant_id,
    actorId: user.id,
    action: 'auth.sso-login',
    target: `user:${user.id}`,
    details: { session: session.session.id, via: 'sso', created: true },
  });
  return { ...session, user, created: true, rolesAdded: placement.groups.length > 0 ? placement.roles : [] };
}

function validName(value: string | null | undefined, field: 'first name' | 'last name'): string | null {
  if (!value) return null;
  try {
    return validatePersonName(value, field);
  } catch {
    return null;
  }
}

/**
 * Names for a new user from the token: given_name/family_name, else `name` split at its first
 * space, else the words of the email's local part (letters only). A name the rules refuse is not a reason to
 * refuse the sign-in: the next source is used, and last "SSO User".
 */
export function namesOf(identity: Pick<VerifiedIdentity, 'givenName' | 'familyName' | 'name' | 'email'>): { firstName: string; lastName: string } {
  const given = validName(identity.givenName, 'first name');
  if (given) return { firstName: given, lastName: validName(identity.familyName, 'last name') ?? '' };
  const [head, ...rest] = (identity.name ?? '').split(/\s+/);
  const fromName = validName(head, 'first name');
  if (fromName) return { firstName: fromName, lastName: validName(rest.join(' '), 'last name') ?? '' };
  const words = identity.email.split('@')[0]!.split(/[^\p{L}]+/u).filter(Boolean);
  const fromEmail = validName(words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' '), 'first name');
  return fromEmail ? { firstName: fromEmail, lastName: '' } : { firstName: 'SSO', lastName: 'User' };
}

async function recordFailure(deps: Deps, now: Date, refusal: Refusal): Promise<void> {
  await deps.store.write(async (trx) => {
    await appendAudit(trx, {
      at: now.toISOString(),
      tenantId: refusal.tenantId ?? MAIN_TENANT_ID,
      actorId: null,
      action: 'auth.sso-login',
      target: refusal.userId ? `user:${refusal.userId}` : null,
      result: 'failure',
      details: { reason: refusal.reason, via: 'sso' },
    });
  });
}

/** Audits a refusal and returns the error to throw (4, with the reason). */
async function refuse(deps: Deps, now: Date, refusal: Refusal): Promise<AppError> {
  await recordFailure(deps, now, refusal);
  return new AppError('unauthenticated', `SSO sign-in refused: ${refusal.message}`, { hint: refusal.hint ?? adminHint, data: { reason: refusal.reason } });
}
