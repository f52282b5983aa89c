// The process boundary: fast paths for --version and `key verify`, otherwise the full CLI.
import type { IO } from './cli/io.js';

declare const IAMCTL_VERSION: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${IAMCTL_VERSION}\n`);
} else {
  // Everything the tool writes under $IAMCTL_HOME (store, context, outbox, keys) is owner-only.
  process.umask(0o077);
  let io: IO | undefined;
  let done = false;
  // Platforms verify keys per request: a valid key is answered without loading the full CLI.
  if (argv.includes('verify') && (argv.includes('key') || argv.includes('keys'))) {
    // A file of its own (see scripts/build.mjs): one module to load instead of a chunk graph.
    const fastPath = './verify.js';
    const { fastKeyVerify } = (await import(fastPath)) as typeof import('./cli/fast-verify.js');
    const outcome = await fastKeyVerify(argv);
    if ('exitCode' in outcome) {
      process.exitCode = outcome.exitCode;
      done = true;
    } else if (outcome.fallback) {
      // stdin was read: the full command gets the same bytes.
      const [{ processIO }, { Readable }] = await Promise.all([import('./cli/io.js'), import('node:stream')]);
      io = { ...processIO(), stdin: Readable.from([outcome.fallback]) };
    }
  }
  if (!done) {
    const { run } = await import('./cli/run.js');
    process.exitCode = await run(argv, io);
  }
}
