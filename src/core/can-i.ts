// `can-i`: would the one authorization function allow an action on an entity (optionally one
// resource path), for the principal or for another user of the tenant, and which roles (and
// teams) grant it.
import type { Kysely } from 'kysely';
import { authorize } from '../auth/authorize.js';
import { isLocked } from '../auth/sessions.js';
import { actionsOf, entities, isAction, isEntity, type Action } from '../auth/catalog.js';
import { buildPrincipal, type Principal } from '../auth/principal.js';
import { isResourceEntity, resourceEntities } from '../auth/resource-access.js';
import type { Database, UserRow } from '../store/schema.js';
import { slugOfTenant } from '../store/tenant-repo.js';
import { findUserRow } from '../store/user-repo.js';
import type { Deps } from './deps.js';
import { notFound, validationError } from './errors.js';
import type { CanIAnswer } from './model.js';
import { validateResourcePath } from './validation.js';

export interface Question {
  action: Action;
  entity: string;
  path: string | undefined;
}

/** Parses `<action> <entity>[:<path>]`; unknown actions and entities are validation errors (3). */
export function parseQuestion(action: string, target: string): Question {
  const colon = target.indexOf(':');
  const word = colon === -1 ? target : target.slice(0, colon);
  const path = colon === -1 ? undefined : target.slice(colon + 1);
  if (path !== undefined && path.trim() === '') throw validationError(`empty resource path in "${target}"`, 'use <entity>:<path>, e.g. flows:/finance/payroll');
  // `user` for `users`, as people type it.
  const entity = isEntity(word) ? word : isEntity(`${word}s`) ? `${word}s` : undefined;
  if (!entity) throw validationError(`unknown entity "${word}"`, `entities: ${entities.join(', ')}`);
  if (!isAction(action)) throw validationError(`unknown action "${action}"`, 'actions: create, read, update, delete, operate');
  if (!actionsOf(entity).includes(action)) throw validationError(`entity ${entity} has no ${action} action`, `its actions: ${actionsOf(entity).join(', ')}`);
  if (path === undefined) return { action, entity, path };
  if (!isResourceEntity(entity)) throw validationError(`${entity} has no resources: a path applies to ${resourceEntities.join(', ')}`, `ask about the whole entity: iamctl can-i ${action} ${entity}`);
  return { action, entity, path: validateResourcePath(path) };
}

/** The principal a question about another user is answered for (not signed in: their roles). */
export async function subjectPrincipal(deps: Deps, tenantId: string, userRef: string): Promise<{ principal: Principal; user: UserRow }> {
  const user = await findUserRow(deps.store.db, { ref: userRef, tenantId });
  if (!user) throw notFound(`user ${userRef}`, 'users are looked up in the tenant you act in (--tenant <slug> to pick another)');
  const principal = await buildPrincipal(deps.store.db, user, { via: 'session', sessionId: null, keyId: null, restricted: false });
  return { principal, user };
}

/** Why a user's account cannot act at all, whatever their roles allow: the check that failed and its fix. */
export interface AccountBlock {
  check: 'status' | 'locked' | 'tenant-active';
  reason: string;
  fix: string;
}

/**
 * The first reason an account cannot act (status, sign-in lockout, inactive tenant), or null.
 * `can-i --as` and `user diagnose` both decide with it, before the roles and grants do.
 */
export async function accountBlock(db: Kysely<Database>, user: UserRow, at: string): Promise<AccountBlock | null> {
  if (user.status !== 'active') {
    const fix = { invited: `iamctl invite resend ${user.email}`, inactive: `iamctl user activate ${user.email}`, deleted: `iamctl user restore ${user.email}` }[user.status];
    return { check: 'status', reason: `${user.email} is ${user.status} and cannot sign in`, fix };
  }
  if (await isLocked(db, user, at)) {
    return { check: 'locked', reason: `${user.email} is locked out after failed sign-ins`, fix: `iamctl user unlock ${user.email}` };
  }
  const tenant = await db.selectFrom('tenants').select(['slug', 'status']).where('id', '=', user.tenant_id).executeTakeFirst();
  if (tenant?.status !== 'active') {
    return { check: 'tenant-active', reason: `the tenant ${tenant?.slug ?? user.tenant_id} is inactive: its users cannot sign in or use keys`, fix: `iamctl tenant activate ${tenant?.slug ?? user.tenant_id}` };
  }
  return null;
}

export async function canI(deps: Deps, principal: Principal, tenantId: string, question: Question, subject?: UserRow): Promise<CanIAnswer> {
  const decision = authorize(principal, question.action, question.entity, tenantId, question.path);
  let { allowed, reason } = decision;
  let blocked = false;
  if (allowed && subject) {
    // Their roles would allow it, but an account that cannot sign in cannot act at all.
    const block = await accountBlock(deps.store.db, subject, deps.now().toISOString());
    if (block) {
      allowed = false;
      blocked = true;
      reason = `${block.reason} (once fixed: ${reason})`;
    }
  }
  const grantedBy = decision.grantedBy.map((g) => ({ role: g.role, via: g.via, origin: g.origin ?? g.via }));
  const grants = (decision.grants ?? []).map((g) => ({ ...g, actions: [...g.actions] }));
  const roles = [...grantedBy.map((g) => g.role), ...(decision.allowed ? grants.flatMap((g) => (g.role ? [g.role] : [])) : [])];
  const teams = [...grantedBy.map((g) => g.origin), ...grants.map((g) => g.subject)].filter((o) => o.startsWith('team:')).map((o) => o.slice(5));
  return {
    allowed,
    action: question.action,
    entity: question.entity,
    path: question.path ?? null,
    user: principal.email,
    tenant: await slugOfTenant(deps.store.db, tenantId),
    reason,
    grantedBy,
    roles: [...new Set(roles)],
    teams: [...new Set(teams)],
    decidedBy: blocked ? 'account' : decision.grants ? 'grant' : 'roles',
    grants,
  };
}
