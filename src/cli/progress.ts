// A progress bar on stderr, only on a terminal (and not with --quiet), and only once work has
// gone on for a second: short runs print nothing. cli-progress is loaded only then.
import { named } from '../util/interop.js';
import type { CommandContext } from './context.js';

export interface ProgressBar {
  update(label: string, done: number, total: number | null, unit: string): void;
  stop(): void;
}

const none: ProgressBar = { update() {}, stop() {} };

export async function progressBar(ctx: CommandContext, delayMs = 1000): Promise<ProgressBar> {
  if (!ctx.io.stderrIsTTY || ctx.globals.quiet) return none;
  const cliProgress = named(await import('cli-progress'));
  const started = Date.now();
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  let label = '';
  return {
    update(nextLabel, done, total, unit) {
      if (!bar && Date.now() - started < delayMs) return;
      const max = total ?? Math.max(done, 1);
      if (!bar || nextLabel !== label) {
        bar?.stop();
        label = nextLabel;
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% {value}/{total} ${unit}`, stream: ctx.io.stderr as NodeJS.WriteStream, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(max, done);
      } else {
        bar.setTotal(max);
        bar.update(done);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
