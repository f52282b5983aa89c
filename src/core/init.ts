// `init`: the built-in roles, the sso-landing tenant and the first super admin, signed in.
// One transaction; a second init finds the store initialized and refuses (7).
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { createSession, type NewSession } from '../auth/sessions.js';
import { appendAudit } from '../store/audit-repo.js';
import { insertBuiltinRoles, assignRoles } from '../store/role-repo.js';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../store/schema.js';
import { MAIN_TENANT_ID, SSO_LANDING_SLUG } from '../store/tenant-repo.js';
import { nameColumns } from '../store/user-repo.js';
import { type Deps } from './deps.js';
import { conflict } from './errors.js';
import { newId } from './ids.js';
import { normalizeEmail, validateEmail, validatePersonName } from './validation.js';

export interface InitInput {
  email: string;
  firstName: string;
  lastName?: string;
  password: string;
}

export async function isInitialized(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('roles')
    .select('id')
    .where('tenant_id', '=', MAIN_TENANT_ID)
    .where('id', '=', 'super-admin')
    .executeTakeFirst();
  return row !== undefined;
}

const alreadyInitialized = () => conflict('the store is already initialized', 'sign in with `iamctl login`');

/** Validates what init needs before any write (and before hashing). */
export async function prepareInit(deps: Deps, input: InitInput) {
  if (await isInitialized(deps.store.db)) throw alreadyInitialized();
  const email = validateEmail(input.email);
  const firstName = validatePersonName(input.firstName, 'first name');
  const lastName = validatePersonName(input.lastName ?? '', 'last name');
  const password = await checkPasswordPolicy(input.password, email);
  return { email, firstName, lastName, passwordHash: await hashPassword(password) };
}

export async function initStore(deps: Deps, input: InitInput): Promise<NewSession & { user: UserRow }> {
  const prepared = await prepareInit(deps, input);
  const now = deps.now();
  const at = now.toISOString();
  return deps.store.write(async (trx) => {
    if (await isInitialized(trx)) throw alreadyInitialized();
    await insertBuiltinRoles(trx, MAIN_TENANT_ID, at);
    const landingId = newId();
    await trx
      .insertInto('tenants')
      .values({ id: landingId, slug: SSO_LANDING_SLUG, name: 'SSO Landing', email: null, color: null, status: 'active', kind: 'system', created_at: at, updated_at: at })
      .execute();
    await insertBuiltinRoles(trx, landingId, at);
    const user: UserRow = {
      rid: 0,
      id: newId(),
      tenant_id: MAIN_TENANT_ID,
      email: prepared.email,
      email_lower: normalizeEmail(prepared.email),
      first_name: prepared.firstName,
      last_name: prepared.lastName,
      ...nameColumns(prepared.firstName, prepared.lastName),
      status: 'active',
      password_hash: prepared.passwordHash,
      default_tenant_id: null,
      mfa_enabled: 0,
      created_at: at,
      updated_at: at,
      last_login_at: at,
      deleted_at: null,
    };
    const { rid: _rid, ...values } = user;
    await trx.insertInto('users').values(values).execute();
    await assignRoles(trx, MAIN_TENANT_ID, user.id, ['super-admin'], null, at);
    await appendAudit(trx, { at, tenantId: MAIN_TENANT_ID, actorId: null, action: 'store.init', target: null, details: { ssoLanding: landingId } });
    await appendAudit(trx, { at, tenantId: MAIN_TENANT_ID, actorId: user.id, action: 'user.create', target: `user:${user.id}`, details: { roles: ['super-admin'], status: 'active' } });
    const session = await createSession(trx, user, 'password', now);
    await appendAudit(trx, { at, tenantId: MAIN_TENANT_ID, actorId: user.id, action: 'auth.login', target: `user:${user.id}`, details: { session: session.session.id } });
    return { ...session, user };
  });
}
