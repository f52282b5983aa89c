// Who runs a command: a user authenticated by a session or an API key, with their effective
// access in their own tenant computed once.
import type { Kysely } from 'kysely';
import { unauthenticated } from '../core/errors.js';
import { resolveSetting } from '../core/settings.js';
import { loadStoredSettings, type StoredSettings } from '../store/settings-repo.js';
import type { Database, UserRow } from '../store/schema.js';
import { principalGrantRows, type PrincipalGrantRow } from '../store/grant-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { computeAccess, loadHeldRoles, loadRoleGraph, type EffectiveAccess, type RbacEdition, type RoleGraph } from './access.js';
import type { Action } from './catalog.js';
import type { Decision } from './authorize.js';
import { grantActions, isGrantLevel, ResourceGrantIndex, type ResourceGrantRef } from './resource-access.js';

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
  /** The user's resource grants (own and teams'), when they have any (edition.rbac=enterprise). */
  resourceGrants?: ResourceGrantIndex;
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
  // Resource grants are part of the enterprise edition (like custom roles and teams); the main
  // account has none. Loaded with the roles, in one more indexed query.
  const withGrants = edition === 'enterprise' && user.tenant_id !== MAIN_TENANT_ID;
  const [held, graph, grantRows] = await Promise.all([
    loadHeldRoles(db, user.tenant_id, user.id),
    loadRoleGraph(db, user.tenant_id),
    withGrants ? principalGrantRows(db, user.tenant_id, user.id) : [],
  ]);
  const access = computeAccess(held, graph, edition);
  const principal: Principal = { userId: user.id, email: user.email, tenantId: user.tenant_id, ...source, access, settings };
  return grantRows.length > 0 ? withResourceGrants(principal, grantRows.map((row) => grantRef(row, user.email, graph))) : principal;
}

/** Gives a principal its resource grants: indexed once, consulted by authorize() when a path is given. */
export function withResourceGrants(principal: Principal, grants: readonly ResourceGrantRef[]): Principal {
  const index = new ResourceGrantIndex(grants);
  principal.resourceGrants = index;
  principal.resourceDecision = (action, entity, path) => index.decide(action, entity, path);
  return principal;
}

/** A stored grant as decisions see it: what it gives on its entity now. */
export function grantRef(row: PrincipalGrantRow, email: string, graph: RoleGraph): ResourceGrantRef {
  // A level the catalog no longer knows denies rather than failing every command.
  const level = row.level === null ? null : isGrantLevel(row.level) ? row.level : 'none';
  const actions = grantActions(row.entity, level, row.roleId, graph);
  return {
    subject: row.team !== null ? `team:${row.team}` : `user:${email}`,
    entity: row.entity,
    path: row.path,
    level,
    role: level === null ? row.roleId : null,
    actions,
  };
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
