// review [--inactive-days N] [--format table|json|md] [--fail-on-findings]
import { parseInactiveDays, reviewMarkdown, runReview, type Finding } from '../../core/review.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';

/** What a review reads besides users (the guard checks users:read). */
export const reviewPermissions = ['roles:read', 'teams:read', 'api-keys:read', 'invitations:read'] as const;

export async function review(ctx: CommandContext, _args: (string | undefined)[], opts: Record<string, any>): Promise<void> {
  const inactiveDays = parseInactiveDays(opts.inactiveDays);
  const acting = await ctx.actingTenant();
  for (const permission of reviewPermissions) await ctx.authorize(permission, acting.row.id);
  const result = await runReview(await ctx.deps(), await ctx.principal(), acting.row, inactiveDays);
  const format = opts.format ?? (ctx.out.format === 'table' || ctx.out.format === 'csv' ? 'table' : ctx.out.format);
  if (format === 'md') ctx.out.text(reviewMarkdown(result).trimEnd());
  else if (format === 'json' || format === 'yaml') await ctx.out.data(result);
  else {
    const rows = result.tenants.flatMap((t) => t.findings.map((f) => ({ tenant: t.tenant ?? '(main)', ...f })));
    await ctx.out.list<Finding & { tenant: string }>(rows, [
      { key: 'tenant', header: 'TENANT', get: (r) => r.tenant },
      { key: 'severity', header: 'SEVERITY', get: (r) => r.severity },
      { key: 'type', header: 'FINDING', get: (r) => r.type },
      { key: 'subject', header: 'SUBJECT', get: (r) => r.subject },
      { key: 'detail', header: 'DETAIL', get: (r) => r.detail },
      { key: 'fix', header: 'FIX', get: (r) => r.fix },
    ]);
  }
  const total = result.tenants.reduce((n, t) => n + t.findings.length, 0);
  ctx.out.say(`${result.tenants.length} tenant(s) reviewed: ${total} finding(s), ${result.actionable} to act on`);
  if (opts.failOnFindings && result.actionable > 0) ctx.exitCode = ExitCode.checkFailed;
}
