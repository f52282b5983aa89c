// audit list | verify
import { listAuditEvents, verifyAudit } from '../../core/audit.js';
import { AppError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { auditColumns } from '../views.js';

type Opts = Record<string, any>;

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  const page = await listAuditEvents(await ctx.deps(), { tenantId: acting.row.id, limit: opts.limit, cursor: opts.cursor });
  await ctx.out.list(page.items, auditColumns, page);
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
