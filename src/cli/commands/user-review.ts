// user diagnose <user> [--action A --on <entity>[:<path>]] and user offboard <user>.
import { parseQuestion } from '../../core/can-i.js';
import { diagnose as runDiagnosis, findDiagnosed } from '../../core/diagnose.js';
import { findUserIn } from '../../core/credentials.js';
import { usageError } from '../../core/errors.js';
import { activityDays, assertMayOffboard, offboardUser } from '../../core/offboard.js';
import { assertNotLastSuperAdmin } from '../../core/user-lifecycle.js';
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

/** What an offboarding changes besides the user (the guard checks users:update). */
export const offboardPermissions = ['api-keys:delete', 'teams:update', 'roles:update', 'invitations:delete'] as const;

export async function offboard(ctx: CommandContext, [ref]: (string | undefined)[], opts: Record<string, any>): Promise<void> {
  const acting = await ctx.actingTenant();
  for (const permission of offboardPermissions) await ctx.authorize(permission, acting.row.id);
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const user = await findUserIn(deps, acting.row.id, ref!);
  await assertNotLastSuperAdmin(deps.store.db, user, 'offboard');
  assertMayOffboard(principal, user);
  const dryRun = opts.dryRun === true;
  if (!dryRun) await ctx.confirm(`Offboard ${user.email}: deactivate, end their sessions, revoke their keys and those they created, remove their teams, grants and invitations`);
  const result = await offboardUser(deps, principal, user, { dryRun });
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(result);
  else {
    const keys = (list: typeof result.keysRevoked) => list.map((k) => `${k.id} (${k.name}, ${k.user}${k.tenant && k.tenant !== result.user.tenant ? ` in ${k.tenant}` : ''})`).join(', ');
    await ctx.out.object(result, [
      ['user', result.user.email],
      ['status', `${result.previousStatus} -> ${dryRun ? 'inactive' : result.user.status}`],
      ['sessions ended', result.sessionsEnded],
      ['keys revoked', keys(result.keysRevoked)],
      ['keys created for others revoked', keys(result.keysCreatedForOthersRevoked)],
      ['teams left', result.teamsLeft.join(', ')],
      ['grants removed', result.grantsRemoved.map((g) => `${g.level ?? `role ${g.role}`} on ${g.entity}:${g.path}`).join(', ')],
      ['invitations revoked', result.invitationsRevoked],
    ]);
    ctx.out.say(`activity of ${result.user.email} in the last ${activityDays} days (${result.activity.length} event(s)):`);
    await ctx.out.list(result.activity, [
      { key: 'at', header: 'AT', get: (e) => e.at },
      { key: 'action', header: 'ACTION', get: (e) => e.action },
      { key: 'actor', header: 'ACTOR', get: (e) => e.actor },
      { key: 'target', header: 'TARGET', get: (e) => e.target },
      { key: 'result', header: 'RESULT', get: (e) => e.result },
    ]);
  }
  const what = `${result.keysRevoked.length + result.keysCreatedForOthersRevoked.length} key(s), ${result.teamsLeft.length} team(s), ${result.grantsRemoved.length} grant(s), ${result.invitationsRevoked} invitation(s), ${result.sessionsEnded} session(s)`;
  if (dryRun) ctx.out.say(`dry run: offboarding ${user.email} would deactivate them and remove ${what}; nothing changed`);
  else ctx.out.success(`offboarded ${user.email}: deactivated; removed ${what}`);
}
