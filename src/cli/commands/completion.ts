// completion bash|zsh|fish: generated from the same Commander program the CLI runs.
import { usageError } from '../../core/errors.js';
import { completionScript, shells, type Shell } from '../completion-script.js';
import type { CommandContext } from '../context.js';
import { buildProgram } from '../program.js';
import { version } from '../run.js';

export async function completion(ctx: CommandContext, args: (string | undefined)[]): Promise<void> {
  const shell = args[0]!;
  if (!(shells as readonly string[]).includes(shell)) throw usageError(`unknown shell "${shell}"`, `use one of: ${shells.join(', ')}`);
  const program = buildProgram(version, async () => {});
  ctx.out.text(completionScript(shell as Shell, program));
}
