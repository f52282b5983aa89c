// The process boundary: a fast path for --version, otherwise the full CLI.
declare const IAMCTL_VERSION: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${IAMCTL_VERSION}\n`);
} else {
  // Everything the tool writes under $IAMCTL_HOME (store, context, outbox, keys) is owner-only.
  process.umask(0o077);
  const { run } = await import('./cli/run.js');
  process.exitCode = await run(argv);
}
