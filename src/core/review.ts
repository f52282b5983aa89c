// `review`: a periodic access review (seed 003's "Regular access reviews" and "Principle of
// least privilege") as findings, one report per tenant, each finding naming the command that
// fixes it. Reading only, except for the review's own audit event.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { effectivePermissions, type RoleLinks } from '../auth/role-graph.js';
import { loadRoleGraph } from '../auth/access.js';
import { appendAudit } from '../store/audit-repo.js';
import type { Database, TenantRow } from '../store/schema.js';
import { MAIN_TENANT_ID, publicSlug } from '../store/tenant-repo.js';
import type { Deps } from './deps.js';
import { validationError } from './errors.js';

export const findingTypes = [
  'inactive-user',
  'expired-invitation',
  'admin-without-mfa',
  'admin',
  'multiple-admin-roles',
  'key-never-used',
  'key-unused',
  'key-expiring',
  'key-without-expiry',
  'unused-custom-role',
  'empty-team',
  'grant-to-deleted-user',
] as const;
export type FindingType = (typeof findingTypes)[number];

/** `info` findings are an inventory an auditor reads (admins with MFA on); they never fail a review. */
export type Severity = 'high' | 'medium' | 'low' | 'info';

const severityOf: Record<FindingType, Severity> = {
  'inactive-user': 'medium',
  'expired-invitation': 'low',
  'admin-without-mfa': 'high',
  admin: 'info',
  'multiple-admin-roles': 'medium',
  'key-never-used': 'low',
  'key-unused': 'medium',
  'key-expiring': 'low',
  'key-without-expiry': 'low',
  'unused-custom-role': 'low',
  'empty-team': 'low',
  'grant-to-deleted-user': 'high',
};

export interface Finding {
  type: FindingType;
  severity: Severity;
  /** What the finding is about: an email, `key:<id>`, `role:<name>`, `team:<name>`, `grant:<entity>:<path>`. */
  subject: string;
  detail: string;
  /** The command that fixes it (with --tenant when the review spans tenants). */
  fix: string;
}

export interface TenantReview {
  /** Slug, or null for the main account. */
  tenant: string | null;
  name: string;
  findings: Finding[];
  counts: Partial<Record<FindingType, number>>;
}

export interface Review {
  generatedAt: string;
  inactiveDays: number;
  tenants: TenantReview[];
  /** Findings that are not `info` (what --fail-on-findings counts). */
  actionable: number;
}

export const expiringWithinDays = 14;

/** `--inactive-days`: a positive whole number of days (3 otherwise). */
export function parseInactiveDays(value: string | number | undefined): number {
  if (value === undefined) return 90;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw validationError(`--inactive-days must be a positive whole number of days, not "${value}"`, 'e.g. --inactive-days 90');
  }
  return Number(text);
}

/**
 * A role that can change who has access: the built-in admin and super-admin, or any role whose
 * permissions (with what it inherits) include updating users or roles.
 */
export function isAdminLevel(links: RoleLinks, roleId: string): boolean {
  if (roleId === 'admin' || roleId === 'super-admin') return true;
  const permissions = effectivePermissions(links, roleId);
  return permissions.includes('users:update') || permissions.includes('roles:update');
}

const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

/** Reviews the acting tenant, or every tenant (and the main account) for a super admin acting in the main account. */
export async function runReview(deps: Deps, actor: Principal, acting: TenantRow, inactiveDays: number): Promise<Review> {
  const { db } = deps.store;
  const now = deps.now();
  const everyTenant = acting.id === MAIN_TENANT_ID && actor.access.isSuperAdmin;
  const tenants = everyTenant
    ? await db.selectFrom('tenants').selectAll().orderBy('kind').orderBy('slug').execute()
    : [acting];
  const reviews: TenantReview[] = [];
  for (const tenant of tenants) reviews.push(await reviewTenant(db, tenant, now, inactiveDays, everyTenant));
  const actionable = reviews.reduce((n, r) => n + r.findings.filter((f) => f.severity !== 'info').length, 0);
  const review: Review = { generatedAt: now.toISOString(), inactiveDays, tenants: reviews, actionable };
  await deps.store.write((trx) =>
    appendAudit(trx, {
      at: review.generatedAt,
      tenantId: acting.id,
      actorId: actor.userId,
      action: 'review.run',
      target: null,
      details: { inactiveDays, tenants: reviews.length, findings: reviews.reduce((n, r) => n + r.findings.length, 0), actionable },
    }),
  );
  return review;
}

async function reviewTenant(db: Kysely<Database>, tenant: TenantRow, now: Date, inactiveDays: number, spanning: boolean): Promise<TenantReview> {
  const slug = publicSlug(tenant);
  const scope = spanning && slug !== null ? ` --tenant ${slug}` : '';
  const findings: Finding[] = [];
  const add = (type: FindingType, subject: string, detail: string, fix: string) =>
    findings.push({ type, severity: severityOf[type], subject, detail, fix });
  const cmd = (words: string) => `iamctl ${words}${scope}`;
  const at = now.toISOString();
  const cutoff = daysAgo(now, inactiveDays);
  const tid = tenant.id;

  const users = await db.selectFrom('users').selectAll().where('tenant_id', '=', tid).orderBy('email_lower').execute();
  const live = users.filter((u) => u.status !== 'deleted');
  const emailOf = new Map(users.map((u) => [u.id, u.email]));

  // Users with no sign-in for N days (never signed in: counted from their creation).
  for (const u of live.filter((u) => u.status === 'active')) {
    const last = u.last_login_at ?? u.created_at;
    if (last >= cutoff) continue;
    const since = u.last_login_at ? `last signed in ${u.last_login_at}` : `never signed in (created ${u.created_at})`;
    add('inactive-user', u.email, `${since}: no sign-in for ${inactiveDays}+ days`, cmd(`user offboard ${u.email} --yes`));
  }

  // Invited users whose latest invitation expired unaccepted.
  const invitations = await db
    .selectFrom('invitations')
    .select(['user_id', 'expires_at'])
    .where('tenant_id', '=', tid)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '<=', at)
    .execute();
  const invited = new Map(live.filter((u) => u.status === 'invited').map((u) => [u.id, u]));
  for (const inv of invitations.sort((a, b) => (emailOf.get(a.user_id) ?? '').localeCompare(emailOf.get(b.user_id) ?? ''))) {
    const u = invited.get(inv.user_id);
    if (!u) continue;
    add('expired-invitation', u.email, `invitation expired ${inv.expires_at} without being accepted`, `${cmd(`invite resend ${u.email}`)}  # or: ${cmd(`invite revoke ${u.email} --yes`)}`);
  }

  // Admins and super admins, with their second factor; users holding several admin-level roles.
  const graph = await loadRoleGraph(db, tid);
  const held = await heldRoles(db, tid);
  for (const u of live.filter((u) => u.status === 'active' || u.status === 'invited')) {
    const roles = held.get(u.id) ?? [];
    const admin = roles.filter((r) => isAdminLevel(graph, r.role));
    if (admin.length === 0) continue;
    const names = [...new Set(admin.map((r) => (r.via === 'direct' ? r.role : `${r.role} (${r.via})`)))];
    if (u.mfa_enabled === 1) {
      add('admin', u.email, `admin-level roles ${names.join(', ')}; MFA on`, `${cmd(`role unassign ${u.email} ${admin[0]!.role} --yes`)}  # if no longer needed`);
    } else {
      add('admin-without-mfa', u.email, `admin-level roles ${names.join(', ')}; MFA off`, `${cmd('settings set security.mfaRequiredForAdmins true')}  # then ${u.email} runs: iamctl mfa enroll`);
    }
    const distinct = [...new Set(admin.map((r) => r.role))];
    if (distinct.length > 1) {
      const keep = distinct.includes('admin') ? 'admin' : distinct.includes('super-admin') ? 'super-admin' : distinct[0]!;
      const drop = admin.find((r) => r.role !== keep)!;
      const fix = drop.via === 'direct' ? cmd(`role unassign ${u.email} ${drop.role} --yes`) : cmd(`team remove-member ${drop.via.slice(5)} ${u.email} --yes`);
      add('multiple-admin-roles', u.email, `holds ${distinct.length} admin-level roles: ${names.join(', ')}`, fix);
    }
  }

  // API keys: never used, unused for N days, expiring soon, without expiry (live keys only).
  const keys = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tid)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const soon = new Date(now.getTime() + expiringWithinDays * 86_400_000).toISOString();
  for (const k of keys) {
    const who = `key ${k.id} (${k.name}) of ${emailOf.get(k.user_id) ?? k.user_id}`;
    const subject = `key:${k.id}`;
    if (k.last_used_at === null) add('key-never-used', subject, `${who}: never used since ${k.created_at}`, cmd(`key revoke ${k.id} --yes`));
    else if (k.last_used_at < cutoff) add('key-unused', subject, `${who}: last used ${k.last_used_at}`, cmd(`key revoke ${k.id} --yes`));
    if (k.expires_at === null) {
      add('key-without-expiry', subject, `${who}: never expires`, `${cmd(`key create --user ${emailOf.get(k.user_id) ?? k.user_id} --name ${JSON.stringify(k.name)} --expires-in-days 90`)}, then ${cmd(`key revoke ${k.id} --yes`)}`);
    } else if (k.expires_at <= soon) {
      add('key-expiring', subject, `${who}: expires ${k.expires_at} (within ${expiringWithinDays} days)`, cmd(`key regenerate ${k.id}`));
    }
  }

  // Custom roles nobody holds (directly, through a team, through a grant or by inheritance).
  const custom = await db.selectFrom('roles').select('id').where('tenant_id', '=', tid).where('builtin', '=', 0).orderBy('id').execute();
  if (custom.length > 0) {
    const [assigned, teamHeld, granted] = await Promise.all([
      db.selectFrom('role_assignments as a').innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'a.tenant_id').onRef('u.id', '=', 'a.user_id')).select('a.role_id').where('a.tenant_id', '=', tid).where('u.status', '!=', 'deleted').execute(),
      db.selectFrom('team_roles').select('role_id').where('tenant_id', '=', tid).execute(),
      db.selectFrom('resource_grants').select('role_id').where('tenant_id', '=', tid).where('role_id', 'is not', null).execute(),
    ]);
    const used = new Set([...assigned, ...teamHeld, ...granted].map((r) => r.role_id!));
    const inherited = new Set([...graph.inherits.values()].flat());
    for (const r of custom) {
      if (used.has(r.id) || inherited.has(r.id)) continue;
      add('unused-custom-role', `role:${r.id}`, `custom role ${r.id} is held by nobody`, cmd(`role delete ${r.id} --yes`));
    }
  }

  // Teams without members.
  const teams = await db
    .selectFrom('teams as t')
    .leftJoin('team_members as m', (j) => j.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.team_id', '=', 't.id'))
    .select(['t.name'])
    .where('t.tenant_id', '=', tid)
    .where('m.user_id', 'is', null)
    .orderBy('t.name')
    .execute();
  for (const t of teams) add('empty-team', `team:${t.name}`, `team ${t.name} has no members`, cmd(`team delete ${t.name} --yes`));

  // Resource grants whose user is deleted (kept for a restore; should be none).
  const orphaned = await db
    .selectFrom('resource_grants as g')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'g.tenant_id').onRef('u.id', '=', 'g.user_id'))
    .select(['g.entity', 'g.path', 'g.level', 'g.role_id', 'u.email'])
    .where('g.tenant_id', '=', tid)
    .where('u.status', '=', 'deleted')
    .orderBy('g.entity')
    .orderBy('g.path')
    .execute();
  for (const g of orphaned) {
    add('grant-to-deleted-user', `grant:${g.entity}:${g.path}`, `${g.level ?? `role ${g.role_id}`} on ${g.entity}:${g.path} for deleted user ${g.email}`, `${cmd(`user purge ${g.email} --yes`)}  # or restore the user`);
  }

  findings.sort((a, b) => findingTypes.indexOf(a.type) - findingTypes.indexOf(b.type));
  const counts: Partial<Record<FindingType, number>> = {};
  for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
  return { tenant: slug, name: tenant.id === MAIN_TENANT_ID ? 'main account' : tenant.name, findings, counts };
}

/** Every role each user holds directly or through a team (not inherited: that is what the role is). */
async function heldRoles(db: Kysely<Database>, tenantId: string): Promise<Map<string, { role: string; via: string }[]>> {
  const [direct, viaTeams] = await Promise.all([
    db.selectFrom('role_assignments').select(['user_id', 'role_id']).where('tenant_id', '=', tenantId).execute(),
    db
      .selectFrom('team_members as m')
      .innerJoin('team_roles as r', (j) => j.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.team_id', '=', 'm.team_id'))
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
      .select(['m.user_id', 'r.role_id', 't.name'])
      .where('m.tenant_id', '=', tenantId)
      .execute(),
  ]);
  const held = new Map<string, { role: string; via: string }[]>();
  const push = (userId: string, role: string, via: string) => held.set(userId, [...(held.get(userId) ?? []), { role, via }]);
  for (const d of direct) push(d.user_id, d.role_id, 'direct');
  for (const t of viaTeams.sort((a, b) => a.name.localeCompare(b.name))) push(t.user_id, t.role_id, `team:${t.name}`);
  return held;
}

/** The Markdown report an auditor reads. */
export function reviewMarkdown(review: Review): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const lines = [
    '# Access review',
    '',
    `Generated ${review.generatedAt}; inactive means no sign-in for ${review.inactiveDays} days; keys expiring within ${expiringWithinDays} days.`,
    `Actionable findings: ${review.actionable}.`,
  ];
  for (const t of review.tenants) {
    lines.push('', `## ${t.tenant === null ? 'Main account' : `Tenant ${t.tenant} (${esc(t.name)})`}`, '');
    if (t.findings.length === 0) {
      lines.push('No findings.');
      continue;
    }
    lines.push('| finding | count |', '|---|---|');
    for (const type of findingTypes) if (t.counts[type]) lines.push(`| ${type} | ${t.counts[type]} |`);
    lines.push('', '| severity | finding | subject | detail | fix |', '|---|---|---|---|---|');
    for (const f of t.findings) lines.push(`| ${f.severity} | ${f.type} | ${esc(f.subject)} | ${esc(f.detail)} | \`${esc(f.fix)}\` |`);
  }
  return lines.join('\n') + '\n';
}
