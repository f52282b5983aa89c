// Runs one command line: parse, guard, load the command's module, run it, and turn any error
// into its message and exit code. The only place that knows about both Commander and AppError.
import { CommanderError } from 'commander';
import { AppError, isAppError, usageError } from '../core/errors.js';
import { prepareColour, Renderer } from '../output/render.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { CommandContext } from './context.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { checkGuard, guardScope } from './guard.js';
import { colorEnabled, processIO, type IO } from './io.js';
import { buildProgram, type GlobalOptions } from './program.js';
import type { CommandSpec, Handler } from './registry-types.js';

declare const IAMCTL_VERSION: string;
export const version = typeof IAMCTL_VERSION === 'string' ? IAMCTL_VERSION : '0.0.0-dev';

/** -o json as given on the command line, known before (and even when) parsing fails. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '-ojson' || a === '--output=json' || ((a === '-o' || a === '--output') && argv[i + 1] === 'json'));
}

async function enforceGuard(ctx: CommandContext, spec: CommandSpec): Promise<void> {
  if (spec.guard.kind === 'none') return;
  const principal = await ctx.principal();
  const scope = guardScope(spec);
  // The acting tenant is resolved only when the guard's permission is checked in it.
  const tenantId = scope === 'acting' ? (await ctx.actingTenant()).row.id : scope === 'main' ? MAIN_TENANT_ID : null;
  checkGuard(spec, principal, tenantId);
}

function checkStdinFlags(globals: GlobalOptions, opts: Record<string, unknown>): void {
  const others = Object.keys(opts).filter((k) => k.endsWith('Stdin') && opts[k] === true);
  if (globals.apiKeyStdin && others.length > 0) {
    throw usageError('--api-key-stdin cannot be combined with another *-stdin flag', 'set IAMCTL_API_KEY instead');
  }
}

export async function run(argv: readonly string[], io: IO = processIO()): Promise<number> {
  const json = wantsJson(argv);
  // Chalk only when some output may be coloured (both renderers below colour only then).
  if (colorEnabled(io, false)) await prepareColour();
  const errors = new Renderer(io, { format: json ? 'json' : 'table', color: colorEnabled(io, argv.includes('--no-color')), quiet: false });
  const debug = argv.includes('--debug');
  let exitCode: number = ExitCode.ok;

  const program = buildProgram(version, async (spec, args, opts, globals) => {
    const ctx = new CommandContext(io, globals, spec, opts);
    try {
      checkStdinFlags(globals, opts);
      await enforceGuard(ctx, spec);
      if (spec.mutates && spec.guard.kind !== 'none' && io.stderrIsTTY && globals.output !== 'json') {
        const acting = await ctx.actingTenant();
        ctx.out.say(ctx.out.chalk.dim(`tenant: ${acting.slug ?? '(main account)'}`));
      }
      const module = await spec.load();
      const handler = module[spec.handler] as Handler;
      await handler(ctx, args, opts);
      exitCode = ctx.exitCode;
    } finally {
      await ctx.close();
    }
  }, argv);
  let commanderMessage = '';
  program.exitOverride();
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s) => {
      commanderMessage = s;
    },
  });
  for (const sub of program.commands) {
    sub.exitOverride();
    sub.configureOutput(program.configureOutput());
    for (const leaf of sub.commands) {
      leaf.exitOverride();
      leaf.configureOutput(program.configureOutput());
    }
  }

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return ExitCode.usage;
      const message = (commanderMessage || error.message).replace(/^error:\s*/i, '').trim().split('\n')[0]!;
      errors.error(usageError(message, 'see `iamctl --help` (or `iamctl <command> --help`)'));
      return ExitCode.usage;
    }
    if (isAppError(error)) {
      errors.error(error);
      if (debug && error.cause) io.stderr.write(`${(error.cause as Error).stack ?? String(error.cause)}\n`);
      return exitCodeFor(error);
    }
    const message = error instanceof Error ? error.message : String(error);
    errors.error(new AppError('internal', `unexpected error: ${message}`, { hint: debug ? undefined : 'run again with --debug for details' }));
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return ExitCode.unexpected;
  }
}
