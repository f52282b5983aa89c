// Runs many command lines in one child process (see cli-batch-worker.ts): the CLI's own code
// path for each command, one process start for all of them.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { execa, type ResultPromise } from 'execa';
import type { Cli, CliResult } from './cli.js';

export interface BatchLine {
  argv: string[];
  input?: string;
}

let bundled: Promise<string> | undefined;

/** Bundles the worker once per test file (a few hundred ms). */
function workerFile(): Promise<string> {
  return (bundled ??= (async () => {
    // In the project's node_modules/.cache, so the bare imports of external packages resolve;
    // named by its contents, so every test file reuses one file and nothing piles up.
    const dir = path.resolve(import.meta.dirname, '../../node_modules/.cache/iamctl-batch');
    fs.mkdirSync(dir, { recursive: true });
    const out = await build({
      entryPoints: [path.resolve(import.meta.dirname, 'cli-batch-worker.ts')],
      write: false,
      outfile: 'worker.mjs',
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      packages: 'external',
      logLevel: 'error',
    });
    const code = out.outputFiles[0]!.contents;
    const inProject = path.join(dir, `worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!fs.existsSync(inProject)) {
      const temp = `${inProject}.${process.pid}.tmp`;
      fs.writeFileSync(temp, code);
      fs.renameSync(temp, inProject);
    }
    return inProject;
  })());
}

/** Starts a child process running `lines` against the CLI's store and home; resolves to each line's result. */
export async function startBatch(c: Cli, lines: readonly BatchLine[]): Promise<{ child: ResultPromise; results: Promise<CliResult[]> }> {
  const worker = await workerFile();
  await c.sql('select 1'); // the store exists (PostgreSQL: its database is created)
  const input = path.join(c.home, `batch-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(input, JSON.stringify(lines), { mode: 0o600 });
  const child = execa(process.execPath, [worker, input], { env: c.env, extendEnv: true, reject: false, timeout: 600_000, maxBuffer: 256 * 1024 * 1024 });
  const results = child.then((r) => {
    fs.rmSync(input, { force: true });
    if (r.exitCode !== 0) throw new Error(`batch worker exited ${r.exitCode ?? r.signal ?? (r.timedOut ? 'on timeout' : '?')}: ${String(r.stderr).slice(0, 2000)}`);
    return JSON.parse(String(r.stdout)) as CliResult[];
  });
  return { child, results };
}

export async function runBatch(c: Cli, lines: readonly BatchLine[]): Promise<CliResult[]> {
  return (await startBatch(c, lines)).results;
}
