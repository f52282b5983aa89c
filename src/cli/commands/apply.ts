// apply -f <file|dir|-> | export
import fs from 'node:fs';
import path from 'node:path';
import { applyDeclaration } from '../../core/declarative/apply.js';
import { exportDeclaration } from '../../core/declarative/export.js';
import type { ApplyResult, PlanEntry, Problem } from '../../core/declarative/model.js';
import type { Source } from '../../core/declarative/parse.js';
import { isAppError, usageError } from '../../core/errors.js';
import { invitationSender, type InvitationSender } from '../../core/invitations.js';
import { named } from '../../util/interop.js';
import { Spool } from '../../util/spool.js';
import type { CommandContext } from '../context.js';
import { describeDelivery, mailerFor } from '../mailer.js';

type Opts = Record<string, any>;

const fileHint = 'give -f <file>, -f <folder> (its *.yaml, *.yml and *.json files) or -f - for stdin';

/** Reads the sources: stdin is spooled to an owner-only temporary file first (read back whole). */
async function readSources(ctx: CommandContext, given: string | undefined): Promise<Source[]> {
  if (given === undefined) throw usageError('missing -f <file>', fileHint);
  if (given === '-') {
    if (ctx.io.stdinIsTTY) throw usageError('apply -f - reads the file from stdin, which is a terminal', 'pipe a file into it, or give its path');
    const spool = Spool.create('iamctl-apply-');
    try {
      await spool.fill(ctx.io.stdin);
      const chunks: Buffer[] = [];
      for await (const chunk of spool.open()) chunks.push(chunk as Buffer);
      return [{ name: '-', text: Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '') }];
    } finally {
      spool.close();
    }
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(given);
  } catch {
    throw usageError(`cannot read ${given}: no such file or folder`, fileHint);
  }
  if (stat.isDirectory()) {
    const files = fs
      .readdirSync(given, { withFileTypes: true })
      .filter((f) => f.isFile() && /\.(ya?ml|json)$/i.test(f.name))
      .map((f) => f.name)
      .sort();
    if (files.length === 0) throw usageError(`no *.yaml, *.yml or *.json file in ${given}`, fileHint);
    return files.map((f) => readText(path.join(given, f)));
  }
  return [readText(given)];
}

/** A file's text (a UTF-8 byte-order mark dropped); a file that cannot be read is a usage error. */
function readText(name: string): Source {
  try {
    return { name, text: fs.readFileSync(name, 'utf8').replace(/^\uFEFF/, '') };
  } catch (error) {
    throw usageError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, fileHint);
  }
}

function planLine(e: PlanEntry): string {
  const name = e.tenant ? `${e.tenant}/${e.name}` : e.name;
  return `${e.action.padEnd(9)} ${e.kind.padEnd(7)} ${name}${e.changes.length > 0 ? ` (${e.changes.join(', ')})` : ''}`;
}

function printProblems(ctx: CommandContext, error: unknown): void {
  if (!isAppError(error) || ctx.out.format === 'json') return;
  const problems = (error.data as { problems?: Problem[] } | undefined)?.problems;
  if (!problems) return;
  ctx.io.stderr.write(problems.map((p) => `${p.file}:${p.line} ${p.field || '(file)'}: ${p.reason.replace(/[\r\n]+/g, ' ')}`).join('\n') + '\n');
}

export async function apply(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const sources = await readSources(ctx, opts.file);
  const dryRun = opts.dryRun === true;
  const prune = opts.prune === true;
  if (prune && !dryRun) await ctx.confirm('apply --prune deletes what the file does not list in the tenants it names');
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const mailer = dryRun ? null : await mailerFor(ctx);
  const senders: { sender: InvitationSender; email: string }[] = [];
  let result: ApplyResult;
  try {
    result = await applyDeclaration(deps, principal, sources, {
      dryRun,
      prune,
      env: ctx.io.env,
      deliver: mailer
        ? async (invitation, user, tenant) => {
            const sender = invitationSender(mailer, tenant);
            senders.push({ sender, email: user.email });
            await sender.deliver(invitation, user);
          }
        : undefined,
    });
  } catch (error) {
    for (const { sender } of senders) sender.discard();
    printProblems(ctx, error);
    throw error;
  }
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(result);
  else {
    const lines = result.plan.map(planLine).join('\n');
    if (lines) {
      if (ctx.io.stderrIsTTY) ctx.io.stderr.write(lines + '\n');
      else ctx.io.stdout.write(lines + '\n');
    }
  }
  for (const { sender, email } of senders) if (sender.delivery) ctx.out.say(describeDelivery(sender.delivery, email));
  const { created, updated, unchanged, deleted } = result.counts;
  const counts = `${created} created, ${updated} updated, ${deleted} deleted, ${unchanged} unchanged`;
  if (dryRun) ctx.out.success(`dry run: ${counts}; nothing written`);
  else ctx.out.success(result.changed ? `applied: ${counts}` : `no changes: ${unchanged} unchanged`);
  if (opts.detailedExitcode === true && result.changed) ctx.exitCode = 10;
}

export async function exportFile(ctx: CommandContext): Promise<void> {
  if (ctx.out.format === 'csv') throw usageError('export writes YAML (or JSON with -o json), not CSV');
  const acting = await ctx.actingTenant();
  const declaration = await exportDeclaration(await ctx.deps(), await ctx.principal(), acting.row.id);
  if (ctx.out.format === 'json') {
    await ctx.out.data(declaration);
    return;
  }
  const { stringify } = named(await import('yaml'));
  ctx.io.stdout.write(stringify(declaration));
}
