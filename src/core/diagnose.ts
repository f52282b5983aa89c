// `user diagnose`: seed 003's "User can't access" and "Permission errors" troubleshooting lists
// as checks with a verdict each and, for a question, the decision and the one reason that
// decided it. The decision is the one authorization function's (through `canI`), never a copy.
import { authorize } from '../auth/authorize.js';
import { builtinRole } from '../auth/catalog.js';
import { buildPrincipal, type Principal } from '../auth/principal.js';
import { lockOf } from '../auth/sessions.js';
import { describeGrant } from '../auth/resource-access.js';
import { effectivePermissions } from '../auth/role-graph.js';
import { loadRoleGraph } from '../auth/access.js';
import { mfaRequiredFor } from './mfa-check.js';
import { keyPolicyFor } from './keys.js';
import type { UserRow } from '../store/schema.js';
import { findUserRow } from '../store/user-repo.js';
import { slugOfTenant } from '../store/tenant-repo.js';
import { accountBlock, canI, type Question } from './can-i.js';
import type { Deps } from './deps.js';
import { notFound } from './errors.js';

export type Verdict = 'pass' | 'fail' | 'warn' | 'info';

export interface DiagnosisCheck {
  check: 'tenant' | 'status' | 'locked' | 'tenant-active' | 'roles' | 'teams' | 'grants' | 'mfa' | 'key-policy';
  verdict: Verdict;
  detail: string;
  /** The command that would change the verdict, when it failed or warns. */
  fix: string | null;
}

export interface Diagnosis {
  user: string;
  tenant: string | null;
  checks: DiagnosisCheck[];
  /** With a question: the answer and the single reason that decided it. */
  decision: null | {
    action: string;
    entity: string;
    path: string | null;
    allowed: boolean;
    /** Which check decided: an account check, `mfa`, `grants` or `roles`. */
    decidedBy: DiagnosisCheck['check'];
    reason: string;
  };
}

/**
 * Finds the user in the acting tenant. A super admin is also told when the user is in another
 * tenant (the seed's "wrong workspace"); for anyone else another tenant's user looks missing (6).
 */
export async function findDiagnosed(deps: Deps, actingTenantId: string, ref: string, superAdmin: boolean): Promise<UserRow> {
  const { db } = deps.store;
  const here = await findUserRow(db, { ref, tenantId: actingTenantId, includeDeleted: true });
  if (here) return here;
  const elsewhere = superAdmin ? await findUserRow(db, { ref, includeDeleted: true }) : undefined;
  if (!elsewhere) throw notFound(`user ${ref}`, 'users are looked up in the tenant you act in (--tenant <slug> to pick another)');
  return elsewhere;
}

export async function diagnose(deps: Deps, actingTenantId: string, user: UserRow, question?: Question): Promise<Diagnosis> {
  const { db } = deps.store;
  const at = deps.now().toISOString();
  const checks: DiagnosisCheck[] = [];
  const add = (check: DiagnosisCheck['check'], verdict: Verdict, detail: string, fix: string | null = null) => checks.push({ check, verdict, detail, fix });
  const slug = await slugOfTenant(db, user.tenant_id);
  const where = slug ?? 'the main account';
  const acting = await slugOfTenant(db, actingTenantId);

  const principal = await buildPrincipal(db, user, { via: 'session', sessionId: null, keyId: null, restricted: false });
  const { access } = principal;

  // 1. In this tenant?
  if (user.tenant_id === actingTenantId) add('tenant', 'pass', `${user.email} belongs to ${where}`);
  else if (access.isSuperAdmin) add('tenant', 'pass', `${user.email} is a super admin of the main account: acts in every tenant`);
  else add('tenant', 'fail', `${user.email} belongs to ${where}, not ${acting ?? 'the main account'}`, slug ? `--tenant ${slug}` : 'iamctl tenant switch --main');

  // 2-4. Status, lockout, tenant: what keeps the account from acting at all.
  const block = await accountBlock(db, user, at);
  const statusFix = block?.check === 'status' ? block.fix : null;
  add('status', user.status === 'active' ? 'pass' : 'fail', `status ${user.status}${user.status === 'active' ? '' : ': cannot sign in or use keys'}`, statusFix);
  const lock = await lockOf(db, user);
  if (lock && lock.locked_until > at) add('locked', 'fail', `locked out after failed sign-ins until ${lock.locked_until}`, `iamctl user unlock ${user.email}`);
  else add('locked', 'pass', 'not locked out');
  const tenant = await db.selectFrom('tenants').select(['slug', 'status']).where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
  if (tenant.status === 'active') add('tenant-active', 'pass', `${where} is active`);
  else add('tenant-active', 'fail', `${where} is inactive: its users cannot sign in or use keys`, `iamctl tenant activate ${tenant.slug}`);

  // 5-7. Roles, teams and resource grants, as the authorization function sees them.
  const held = access.roles.filter((r) => !r.via.startsWith('inherited:'));
  const graph = await loadRoleGraph(db, user.tenant_id);
  if (held.length === 0) add('roles', 'fail', 'holds no role: grants nothing', `iamctl role assign ${user.email} viewer`);
  else {
    const described = held.map((r) => `${r.role}${r.via === 'direct' ? '' : ` (${r.via})`}: ${roleSummary(r.role, effectivePermissions(graph, r.role).length)}`);
    const inherited = access.roles.filter((r) => r.via.startsWith('inherited:')).map((r) => r.role);
    const more = inherited.length > 0 ? `; inherits ${[...new Set(inherited)].join(', ')}` : '';
    const edition = access.edition === 'enterprise' ? '' : ` (edition.rbac=${access.edition}${access.edition === 'none' ? ': every signed-in user may do everything in their tenant' : ': custom roles and teams grant nothing'})`;
    const summary = `${described.join('; ')}${more}; ${access.permissions.size} permission(s) in all${edition}`;
    if (!question) add('roles', 'info', summary);
    else {
      // The roles' answer alone (no path): what the tenant-wide roles say where no grant decides.
      const byRoles = authorize(principal, question.action, question.entity, actingTenantId);
      const permission = `${question.entity}:${question.action}`;
      add('roles', byRoles.allowed ? 'pass' : 'fail', `${byRoles.allowed ? `${permission}: ${byRoles.reason}` : `no role grants ${permission}`}; ${summary}`, byRoles.allowed ? null : `iamctl role assign ${user.email} <a role granting ${permission}>`);
    }
  }
  const teams = await db
    .selectFrom('team_members as m')
    .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
    .select('t.name')
    .where('m.tenant_id', '=', user.tenant_id)
    .where('m.user_id', '=', user.id)
    .orderBy('t.name')
    .execute();
  const teamRoles = (name: string) => held.filter((r) => r.via === `team:${name}`).map((r) => r.role);
  add('teams', 'info', teams.length === 0 ? 'member of no team' : `member of ${teams.map((t) => `${t.name} (${teamRoles(t.name).join(', ') || 'no roles'})`).join(', ')}`);
  const grants = principal.resourceGrants;
  if (question?.path !== undefined) {
    const covering = grants?.decidingPath(question.entity, question.path);
    if (covering === undefined) add('grants', 'info', `no grant covers ${question.entity}:${question.path}: the tenant-wide roles decide`);
    else {
      const decided = grants!.decide(question.action, question.entity, question.path)!;
      add('grants', decided.allowed ? 'pass' : 'fail', `on ${question.entity}:${covering}, the most specific: ${decided.reason}`, decided.allowed ? null : `iamctl access list --on ${question.entity}:${question.path}`);
    }
  } else {
    const own = grants?.grants ?? [];
    add('grants', 'info', own.length === 0 ? 'no resource grants (own or through teams)' : `${own.length} resource grant(s): ${own.map(describeGrant).join(', ')}`);
  }

  // 8. MFA restriction: an admin without a second factor where the policy requires one.
  const required = await mfaRequiredFor(db, user);
  if (required && user.mfa_enabled !== 1) {
    add('mfa', 'fail', 'security.mfaRequiredForAdmins applies and no second factor is enrolled: sign-ins are restricted to mfa enroll/confirm, whoami and logout (API keys are not affected)', `${user.email} runs: iamctl mfa enroll`);
  } else add('mfa', 'pass', user.mfa_enabled === 1 ? 'second factor enrolled' : 'no second factor required');

  // 9. Key policy.
  const policy = await keyPolicyFor(deps, user);
  const liveKeys = await db.selectFrom('api_keys').select('id').where('tenant_id', '=', user.tenant_id).where('user_id', '=', user.id).where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)])).execute();
  const keys = `${liveKeys.length} live key(s)`;
  if (!policy.enabled) add('key-policy', 'warn', `API keys are disabled for ${user.email} (security.apiKeys.enabled): ${keys} cannot be used`, `iamctl settings set security.apiKeys.enabled true --user ${user.email}`);
  else if (policy.apiUserOnly && !held.some((r) => r.role === 'api-user' && r.via === 'direct')) {
    add('key-policy', 'warn', `keys are for API users only (security.apiKeys.apiUserOnly) and ${user.email} does not hold api-user: ${keys} cannot be used`, `iamctl role assign ${user.email} api-user`);
  } else add('key-policy', 'pass', `API keys allowed; ${keys}${policy.maxTtlDays !== null ? `; at most ${policy.maxTtlDays} days` : ''}`);

  return { user: user.email, tenant: slug, checks, decision: question ? await decide(deps, actingTenantId, user, principal, checks, question) : null };
}

const roleSummary = (role: string, permissions: number) => {
  const builtin = builtinRole(role);
  return builtin ? `built-in, ${builtin.id === 'super-admin' ? 'everything' : `${permissions} permission(s)`}` : `custom, ${permissions} permission(s)`;
};

/** The first failing account check decides; then MFA; then the authorization function. */
async function decide(deps: Deps, actingTenantId: string, user: UserRow, principal: Principal, checks: readonly DiagnosisCheck[], question: Question): Promise<NonNullable<Diagnosis['decision']>> {
  const base = { action: question.action, entity: question.entity, path: question.path ?? null };
  const failed = checks.find((c) => c.verdict === 'fail' && ['tenant', 'status', 'locked', 'tenant-active', 'mfa'].includes(c.check));
  if (failed) return { ...base, allowed: false, decidedBy: failed.check, reason: failed.check === 'tenant' ? `${failed.detail}: users act only in their own tenant` : failed.detail };
  const answer = await canI(deps, principal, actingTenantId, question, user);
  return { ...base, allowed: answer.allowed, decidedBy: answer.decidedBy === 'grant' ? 'grants' : 'roles', reason: answer.reason };
}
