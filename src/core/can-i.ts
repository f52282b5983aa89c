// `can-i`: would the one authorization function allow an action on an entity (optionally one
// resource path), for the principal or for another user of the tenant, and which roles (and
// teams) grant it.
import { authorize } from '../auth/authorize.js';
import { actionsOf, entities, isAction, isEntity, type Action } from '../auth/catalog.js';
import { buildPrincipal, type Principal } from '../auth/principal.js';
import { isResourceEntity, resourceEntities } from '../auth/resource-access.js';
import type { UserRow } from '../store/schema.js';
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

export async function canI(deps: Deps, principal: Principal, tenantId: string, question: Question, subject?: UserRow): Promise<CanIAnswer> {
  const decision = authorize(principal, question.action, question.entity, tenantId, question.path);
  let { allowed, reason } = decision;
  if (allowed && subject && subject.status !== 'active') {
    // Their roles would allow it, but an account that is not active cannot act at all.
    allowed = false;
    reason = `${subject.email} is ${subject.status} and cannot sign in (once active: ${reason})`;
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
    decidedBy: decision.grants ? 'grant' : 'roles',
    grants,
  };
}
