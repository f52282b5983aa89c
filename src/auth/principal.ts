// Who runs a command: a user authenticated by a session or an API key, with their effective
// access in their own tenant computed once.
import type { Kysely } from 'kysely';
import { unauthenticated } from '../core/errors.js';
import { resolveSetting } from '../core/settings.js';
import { loadStoredSettings, type StoredSettings } from '../store/settings-repo.js';
import type { Database, UserRow } from '../store/schema.js';
import { loadAccess, type EffectiveAccess, type RbacEdition } from './access.js';
import type { Action } from './catalog.js';
import type { Decision } from './authorize.js';

export interface Principal {
  userId: string;
  email: string;
  /** The user's own tenant (the main account for super admins). */
  tenantId: string;
  via: 'session' | 'apiKey' | 'sso';
  sessionId: string | null;
  keyId: string | null;
  /** MFA enrolment pending: only enrol, confirm, whoami and logout are allowed. */
  restricted: boolean;
  access: EffectiveAccess;
  /** Settings that apply to this user (loaded once). */
  settings: StoredSettings;
  /** Resource-scoped grants, when the store has any for this user (resource-scoped access). */
  resourceDecision?: (action: Action, entity: string, path: string) => Decision | null;
}

export interface PrincipalSource {
  via: Principal['via'];
  sessionId: string | null;
  keyId: string | null;
  restricted: boolean;
}

export const notSignedInHint = 'run `iamctl login`';

/**
 * Builds the principal for a user whose credential checked out: the user and their tenant
 * must still be active.
 */
export async function principalFor(db: Kysely<Database>, user: UserRow, source: PrincipalSource): Promise<Principal> {
  if (user.status !== 'active') throw unauthenticated(`the account ${user.email} is ${user.status}`, 'ask an administrator');
  const tenant = await db.selectFrom('tenants').select(['status', 'slug']).where('id', '=', user.tenant_id).executeTakeFirst();
  if (tenant?.status !== 'active') {
    throw unauthenticated(`the tenant ${tenant?.slug ?? user.tenant_id} is inactive`, 'ask a super admin to activate it');
  }
  return buildPrincipal(db, user, source);
}

/**
 * The principal of a user without checking that they may sign in: what their roles allow.
 * `principalFor` uses it after the checks; `can-i --as` uses it to answer for someone else.
 */
export async function buildPrincipal(
  db: Kysely<Database>,
  user: Pick<UserRow, 'id' | 'email' | 'tenant_id'>,
  source: PrincipalSource,
): Promise<Principal> {
  const settings = await loadStoredSettings(db, { tenantId: user.tenant_id, userId: user.id });
  const edition = resolveSetting(settings, 'edition.rbac').value as RbacEdition;
  const access = await loadAccess(db, user.tenant_id, user.id, edition);
  return { userId: user.id, email: user.email, tenantId: user.tenant_id, ...source, access, settings };
}

/**
 * For the library: the principal of a user named by email or id, checked like a sign-in (the
 * user and their tenant must be active), with their effective access computed once. Then every
 * `authorize(principal, …)` is a set lookup.
 */
export async function loadPrincipal(db: Kysely<Database>, userRef: string): Promise<Principal> {
  let q = db.selectFrom('users').selectAll().where('status', '!=', 'deleted');
  q = userRef.includes('@') ? q.where('email_lower', '=', userRef.toLowerCase()) : q.where('id', '=', userRef);
  const user = await q.executeTakeFirst();
  if (!user) throw unauthenticated(`unknown user ${userRef}`);
  return principalFor(db, user, { via: 'session', sessionId: null, keyId: null, restricted: false });
}
