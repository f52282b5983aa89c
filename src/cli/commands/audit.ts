// audit list | export | verify | prune
import { exportAuditEvents, listAuditEvents, planAuditPrune, pruneAudit, verifyAudit, type AuditQuery } from '../../core/audit.js';
import { AppError, notFound, usageError } from '../../core/errors.js';
import type { AuditEvent } from '../../core/model.js';
import { resolveSetting } from '../../core/settings.js';
import { parseTimeBound } from '../../core/validation.js';
import { RecordWriter, type StreamFormat } from '../../output/stream.js';
import { loadStoredSettings } from '../../store/settings-repo.js';
import { MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import { findUserRow } from '../../store/user-repo.js';
import type { CommandContext } from '../context.js';
import { auditColumns } from '../views.js';

type Opts = Record<string, any>;

/** The filters of list and export: the acting tenant's events unless --all-tenants (super admins). */
async function auditQuery(ctx: CommandContext, opts: Opts): Promise<AuditQuery & { recordIn: string }> {
  const allTenants = opts.allTenants === true;
  if (allTenants && ctx.globals.tenant !== undefined) throw usageError('give --tenant or --all-tenants, not both');
  // Reading every tenant is a super admin's right (tenants:read exists only in the main account).
  if (allTenants) await ctx.authorize('tenants:read', MAIN_TENANT_ID);
  const acting = await ctx.actingTenant();
  const tenantId = allTenants ? undefined : acting.row.id;
  let userId: string | undefined;
  if (opts.user !== undefined) {
    const { db } = await ctx.store();
    const user = await findUserRow(db, { ref: opts.user, tenantId, includeDeleted: true });
    // An id that no longer resolves may be a purged user's: their events keep the id.
    if (!user && String(opts.user).includes('@')) throw notFound(`user ${opts.user}`);
    userId = user?.id ?? opts.user;
  }
  const now = ctx.now();
  return {
    tenantId,
    userId,
    action: opts.action,
    since: opts.since === undefined ? undefined : parseTimeBound(opts.since, now, '--since'),
    until: opts.until === undefined ? undefined : parseTimeBound(opts.until, now, '--until'),
    recordIn: allTenants ? MAIN_TENANT_ID : acting.row.id,
  };
}

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const query = await auditQuery(ctx, opts);
  const page = await listAuditEvents(await ctx.deps(), { ...query, limit: opts.limit, cursor: opts.cursor });
  await ctx.out.list(page.items, auditColumns, page);
}

/** CSV columns of `audit export`: the event's own values (no display placeholders), with its hash. */
const exportColumns = (['seq', 'at', 'tenant', 'actor', 'action', 'target', 'result', 'details', 'hash'] as const).map((key) => ({
  key,
  get: (e: AuditEvent) => e[key],
}));

export async function exportEvents(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const { recordIn, ...query } = await auditQuery(ctx, opts);
  const format: StreamFormat = opts.format ?? (ctx.out.format === 'json' ? 'json' : 'ndjson');
  const writer = new RecordWriter<AuditEvent>(ctx.io.stdout, format, exportColumns);
  const count = await exportAuditEvents(await ctx.deps(), await ctx.principal(), recordIn, query, format, (event) => writer.write(event));
  await writer.end();
  ctx.out.success(`exported ${count} audit events`);
}

export async function verify(ctx: CommandContext): Promise<void> {
  const result = await verifyAudit(await ctx.deps());
  await ctx.out.object(result, [
    ['result', result.ok ? 'ok' : 'BROKEN'],
    ['events checked', result.checked],
    ['from event', result.fromSeq],
    ['head', result.headSeq],
    ...(result.firstBreak ? ([['first break', `event ${result.firstBreak.seq}: ${result.firstBreak.reason}`]] as [string, unknown][]) : []),
  ]);
  if (result.firstBreak) {
    throw new AppError('check_failed', `audit chain broken at event ${result.firstBreak.seq}: ${result.firstBreak.reason}`, {
      hint: 'the store was changed outside iamctl; restore it from a backup and investigate',
    });
  }
  ctx.out.success(`audit chain intact (${result.checked} events)`);
}

export async function prune(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  if (ctx.out.format === 'csv') throw usageError('-o csv is only for lists', 'use -o json (or table, yaml)');
  const deps = await ctx.deps();
  let days: number | undefined = opts.olderThan;
  if (days === undefined) {
    const setting = resolveSetting(await loadStoredSettings(deps.store.db, { tenantId: MAIN_TENANT_ID }), 'audit.retentionDays').value;
    if (setting === null) throw usageError('missing --older-than <days>', 'or set a retention: iamctl settings set audit.retentionDays 365 --global');
    days = Number(setting);
  }
  const plan = await planAuditPrune(deps, days);
  if (plan.events === 0) {
    if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data({ before: plan.before, events: 0, anchorSeq: null });
    ctx.out.success(`no audit events older than ${days} days (before ${plan.before}): nothing to prune`);
    return;
  }
  await ctx.confirm(`Delete ${plan.events} audit events older than ${days} days (before ${plan.before})`);
  const result = await pruneAudit(deps, await ctx.principal(), days);
  await ctx.out.object(result, [
    ['deleted', result.events],
    ['before', result.before],
    ['verified from', `event ${result.anchorSeq + 1}`],
  ]);
  ctx.out.success(`pruned ${result.events} audit events; the chain is verified from event ${result.anchorSeq + 1} on`);
}
