// The process boundary: fast paths for --version and `key verify`, otherwise the full CLI.
declare const IAMCTL_VERSION: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${IAMCTL_VERSION}\n`);
} else {
  // Everything the tool writes under $IAMCTL_HOME (store, context, outbox, keys) is owner-only.
  process.umask(0o077);
  const { processIO } = await import('./cli/io.js');
  let io = processIO();
  let done = false;
  // Platforms verify keys per request: a valid key is answered without loading the full CLI.
  if (argv.includes('verify') && (argv.includes('key') || argv.includes('keys'))) {
    const { fastKeyVerify } = await import('./cli/fast-verify.js');
    const outcome = await fastKeyVerify(argv, io);
    if ('exitCode' in outcome) {
      process.exitCode = outcome.exitCode;
      done = true;
    } else {
      io = outcome.fallback;
    }
  }
  if (!done) {
    const { run } = await import('./cli/run.js');
    process.exitCode = await run(argv, io);
  }
}
