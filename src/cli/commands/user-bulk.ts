// user import | export
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { AppError, forbidden, isAppError, usageError } from '../../core/errors.js';
import type { ImportFormat } from '../../core/import-readers.js';
import { importUsers as runImport, type ImportProblem, type ImportSource, type ImportSummary } from '../../core/user-import.js';
import { exportUsers as runExport, type ExportedUser } from '../../core/user-export.js';
import { RecordWriter, type StreamFormat } from '../../output/stream.js';
import { MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import { Spool } from '../../util/spool.js';
import type { CommandContext } from '../context.js';
import { progressBar } from '../progress.js';

type Opts = Record<string, any>;

/** Problems printed one a line before the error (-o json: all in the error's details). */
const printedProblems = 50;

export async function importUsers(ctx: CommandContext, args: (string | undefined)[], opts: Opts): Promise<void> {
  keepYoungGenerationSmall();
  refuseCsvSummary(ctx);
  const acting = await ctx.actingTenant();
  if (opts.onConflict === 'update') await ctx.authorize('users:update', acting.row.id);
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const { source, close } = await openSource(ctx, args[0]!);
  const bar = await progressBar(ctx);
  let summary: ImportSummary;
  try {
    summary = await runImport(deps, principal, acting.row.id, source, {
      format: opts.format as ImportFormat | undefined,
      onConflict: opts.onConflict,
      dryRun: opts.dryRun === true,
      batch: opts.batch,
      onProgress: (p) => (p.phase === 'validate' ? bar.update('checking ', p.done, p.total, 'bytes') : bar.update('importing', p.done, p.total, 'rows')),
    });
  } catch (error) {
    bar.stop();
    if (isAppError(error)) printProblems(ctx, error);
    throw error;
  } finally {
    bar.stop();
    close();
  }
  if (summary.bomStripped) ctx.out.say('note: the file began with a UTF-8 byte-order mark (BOM); it was stripped');
  await ctx.out.object(summary, [
    ['format', summary.format],
    ['rows', summary.rows],
    [summary.dryRun ? 'would create' : 'created', summary.created],
    ['  of them invited', summary.invited],
    [summary.dryRun ? 'would update' : 'updated', summary.updated],
    ['skipped', summary.skipped],
    ...(summary.dryRun ? [] : ([['transactions', summary.transactions]] as [string, unknown][])),
  ]);
  const counts = `${summary.created} created (${summary.invited} invited), ${summary.updated} updated, ${summary.skipped} skipped`;
  if (summary.dryRun) ctx.out.success(`dry run: ${summary.rows} rows checked, nothing written; would be ${counts}`);
  else ctx.out.success(`imported ${summary.rows} rows: ${counts}`);
  if (!summary.dryRun && summary.invited > 0) {
    ctx.out.say(`${summary.invited} invited users have a pending invitation: \`iamctl invite resend <email>\` sends one`);
  }
}

/**
 * V8 grows its young generation each time the objects that survived scavenges add up to its
 * size, so over a long import it reaches its maximum (64 MB here) although little is alive at
 * any time, and the peak RSS grows with the row count (162 MB at 100k rows, 244 MB at 1M).
 * Keeping it at its starting size holds the peak flat for a few percent more CPU (see
 * test/bench/import.mjs). Only this command's process is affected; it ends with the import.
 */
function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/** The summary is one object: say so before importing, not after. */
export function refuseCsvSummary(ctx: CommandContext): void {
  if (ctx.out.format === 'csv') throw usageError('-o csv is only for lists', 'use -o json (or table, yaml) for the summary');
}

/** A file, or stdin (`-`) spooled to an owner-only temporary file, since it is read twice. */
async function openSource(ctx: CommandContext, file: string): Promise<{ source: ImportSource; close: () => void }> {
  if (file === '-') {
    if (ctx.io.stdinIsTTY) throw usageError('user import - reads the users from stdin, which is a terminal', 'pipe a file into it, or give its path');
    const spool = Spool.create('iamctl-stdin-');
    try {
      await spool.fill(ctx.io.stdin);
    } catch (error) {
      spool.close();
      throw error;
    }
    return { source: { open: () => spool.open(), name: null, size: spool.size }, close: () => spool.close() };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw usageError(`cannot read ${file}: no such file`, 'give the path of a CSV, JSON or NDJSON file, or - for stdin');
  }
  if (!stat.isFile()) throw usageError(`cannot read ${file}: not a file`, 'give the path of a CSV, JSON or NDJSON file, or - for stdin');
  const absolute = path.resolve(file);
  return { source: { open: () => fs.createReadStream(absolute), name: absolute, size: stat.size }, close: () => {} };
}

function printProblems(ctx: CommandContext, error: AppError): void {
  const data = error.data as { problems?: ImportProblem[]; total?: number } | undefined;
  if (!data?.problems || ctx.out.format === 'json') return;
  const lines = data.problems.slice(0, printedProblems).map((p) => `line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.reason.replace(/[\r\n]+/g, ' ')}`);
  const more = (data.total ?? 0) - lines.length;
  if (more > 0) lines.push(`... and ${more} more (-o json lists the first ${data.problems.length})`);
  ctx.io.stderr.write(`${lines.join('\n')}\n`);
}

const exportColumns: { key: keyof ExportedUser; get: (u: ExportedUser) => unknown }[] = (
  ['email', 'firstName', 'lastName', 'roles', 'teams', 'tenant', 'status', 'passwordHash'] as const
).map((key) => ({ key, get: (u: ExportedUser) => u[key] }));

export async function exportUsers(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const allTenants = opts.allTenants === true;
  if (allTenants && ctx.globals.tenant !== undefined) throw usageError('give --tenant or --all-tenants, not both');
  // Both need a super admin: tenants:read exists only in the main account.
  if (allTenants) await ctx.authorize('tenants:read', MAIN_TENANT_ID);
  if (opts.withHashes) {
    await ctx.authorize('tenants:read', MAIN_TENANT_ID).catch((error: unknown) => {
      throw isAppError(error) && error.code === 'forbidden' ? forbidden('only super admins may export password hashes (--with-hashes)', 'leave out --with-hashes') : error;
    });
  }
  const format: StreamFormat = opts.format ?? (ctx.out.format === 'json' ? 'json' : 'csv');
  const acting = await ctx.actingTenant();
  const columns = opts.withHashes ? exportColumns : exportColumns.filter((c) => c.key !== 'passwordHash');
  const writer = new RecordWriter<ExportedUser>(ctx.io.stdout, format, columns);
  const count = await runExport(await ctx.deps(), await ctx.principal(), acting.row.id, { tenantId: allTenants ? 'all' : acting.row.id, withHashes: opts.withHashes === true, format }, (user) => writer.write(user));
  await writer.end();
  ctx.out.success(`exported ${count} users${opts.withHashes ? ' with password hashes (keep the file secret)' : ''}`);
}
