// user diagnose <user> [--action A --on <entity>[:<path>]] and user offboard <user>.
import { parseQuestion } from '../../core/can-i.js';
import { diagnose as runDiagnosis, findDiagnosed } from '../../core/diagnose.js';
import { usageError } from '../../core/errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';

export async function diagnose(ctx: CommandContext, [ref]: (string | undefined)[], opts: Record<string, any>): Promise<void> {
  if ((opts.action === undefined) !== (opts.on === undefined)) {
    throw usageError('--action and --on go together', 'e.g. --action update --on flows:/finance/payroll');
  }
  const question = opts.action !== undefined ? parseQuestion(opts.action, opts.on) : undefined;
  const acting = await ctx.actingTenant();
  await ctx.authorize('roles:read', acting.row.id);
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const user = await findDiagnosed(deps, acting.row.id, ref!, principal.access.isSuperAdmin);
  const result = await runDiagnosis(deps, acting.row.id, user, question);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(result);
  else {
    const rows: { check: string; verdict: string; detail: string; fix: string | null }[] = [...result.checks];
    const d = result.decision;
    if (d) rows.push({ check: 'decision', verdict: d.allowed ? 'allow' : 'deny', detail: `${d.reason} (decided by ${d.decidedBy})`, fix: null });
    await ctx.out.list(rows, [
      { key: 'check', header: 'CHECK', get: (r) => r.check },
      { key: 'verdict', header: 'VERDICT', get: (r) => r.verdict },
      { key: 'detail', header: 'DETAIL', get: (r) => r.detail },
      { key: 'fix', header: 'FIX', get: (r) => r.fix },
    ]);
  }
  if (result.decision && !result.decision.allowed) ctx.exitCode = ExitCode.checkFailed;
}
