// init, login, logout, whoami.
import { authenticateSession, checkPassword, completeLogin, logout as signOut } from '../../auth/sessions.js';
import { initStore, isInitialized } from '../../core/init.js';
import { conflict, isAppError, validationError } from '../../core/errors.js';
import { defaultTenantSlug } from '../../core/tenants.js';
import { migrateToLatest } from '../../store/migrate.js';
import { toUserObject } from '../../store/user-repo.js';
import type { CommandContext } from '../context.js';
import { ensureMasterKey, loadMasterKey } from '../master-key.js';
import { fullName, userFields } from '../views.js';

export async function init(ctx: CommandContext, _args: unknown[], opts: Record<string, any>): Promise<void> {
  const store = await ctx.openStore({ create: true });
  await migrateToLatest(store);
  const deps = { store, now: ctx.now };
  if (await isInitialized(store.db)) throw conflict('the store is already initialized', 'sign in with `iamctl login`');
  const email = await ctx.value('--admin-email', opts.adminEmail, 'Admin email:');
  const firstName = await ctx.value('--admin-first-name', opts.adminFirstName, 'First name:');
  const password = await ctx.secret('--admin-password-stdin', opts.adminPasswordStdin === true, 'Password:');
  if (!opts.adminPasswordStdin) await confirmSame(ctx, password);
  const result = await initStore(deps, { email, firstName, lastName: opts.adminLastName, password });
  const keySource = ensureMasterKey(ctx.ensureHome(), ctx.io.env);
  await ctx.updateStoreContext({ session: result.token, tenant: undefined });
  const user = await toUserObject(store.db, result.user);
  await ctx.out.object(user, userFields(user));
  if (keySource === 'created') ctx.out.say(`master key created at ${ctx.home}/master.key (share it with operators of this store)`);
  ctx.out.success(`initialized ${store.location}; signed in as ${result.user.email}`);
}

async function confirmSame(ctx: CommandContext, password: string): Promise<void> {
  const again = await ctx.prompter.password('Password again:');
  if (again !== password) throw validationError('the passwords do not match');
}

export async function login(ctx: CommandContext, _args: unknown[], opts: Record<string, any>): Promise<void> {
  const deps = await ctx.deps();
  const email = await ctx.value('--email', opts.email, 'Email:');
  const password = await ctx.secret('--password-stdin', opts.passwordStdin === true, 'Password:');
  const checked = await checkPassword(deps, { email, password });
  // Asked only once the password checked out; a --code-stdin line is ignored without MFA.
  let secondFactor;
  if (checked.needsCode) {
    const masterKey = loadMasterKey(ctx.home, ctx.io.env);
    const code = await ctx.secret('--code-stdin', opts.codeStdin === true, 'Authentication code (or a recovery code):');
    secondFactor = { code, masterKey };
  }
  const result = await completeLogin(deps, checked, secondFactor);
  const tenant = await defaultTenantSlug(deps, result.user.default_tenant_id);
  await ctx.updateStoreContext({ session: result.token, tenant: tenant ?? undefined });
  const user = await toUserObject(deps.store.db, result.user);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') {
    await ctx.out.data({ user, tenant: tenant ?? user.tenant, expiresAt: result.session.expires_at, restricted: result.restricted });
  }
  ctx.out.success(`signed in as ${user.email}${tenant ? ` (acting in ${tenant})` : ''}; session ends ${result.session.expires_at}`);
  if (result.recoveryCodesLeft !== null) {
    const left = result.recoveryCodesLeft;
    ctx.out.warn(`a recovery code was used; ${left} left${left <= 3 ? ': get a new set with `iamctl mfa recovery-codes`' : ''}`);
  }
  if (result.restricted) {
    ctx.out.warn('security.mfaRequiredForAdmins: this session is restricted until you enrol a second factor: run `iamctl mfa enroll`, then `iamctl mfa confirm --code-stdin`');
  }
}

export async function logout(ctx: CommandContext, _args: unknown[], opts: Record<string, any>): Promise<void> {
  const context = await ctx.storeContext();
  if (!context.session) {
    ctx.out.say('not signed in');
    return;
  }
  const deps = await ctx.deps();
  try {
    const principal = await authenticateSession(deps, context.session);
    const ended = await signOut(deps, principal, opts.all === true);
    ctx.out.success(opts.all ? `signed out; ended ${ended} session(s)` : 'signed out');
  } catch (error) {
    // An expired or ended session: there is nothing left to end in the store.
    if (!isAppError(error) || error.code !== 'unauthenticated') throw error;
    ctx.out.success('signed out (the session had already ended)');
  }
  await ctx.updateStoreContext({ session: undefined, tenant: undefined });
}

export async function whoami(ctx: CommandContext): Promise<void> {
  const principal = await ctx.principal();
  const { db } = await ctx.store();
  const acting = await ctx.actingTenant();
  const row = await db.selectFrom('users').selectAll().where('id', '=', principal.userId).executeTakeFirstOrThrow();
  const user = await toUserObject(db, row);
  const permissions = [...principal.access.permissions].sort();
  const value = {
    user,
    tenant: acting.slug,
    via: principal.via,
    permissions,
    restricted: principal.restricted,
    roles: principal.access.roles,
  };
  await ctx.out.object(value, [
    ['user', `${fullName(user)} <${user.email}>`],
    ['tenant', acting.slug ?? '(main account)'],
    ['home', user.tenant ?? '(main account)'],
    ['roles', principal.access.roles.map((r) => (r.via === 'direct' ? r.role : `${r.role} (${r.via})`))],
    ['via', principal.via],
    ['mfa', user.mfaEnabled ? 'on' : 'off'],
    ['restricted', principal.restricted ? 'yes: enrol a second factor (`iamctl mfa enroll`)' : 'no'],
    ['permissions', principal.access.isSuperAdmin ? 'everything (super admin)' : `${permissions.length} (see -o json)`],
  ]);
}
