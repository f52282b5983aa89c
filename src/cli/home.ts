// Where iamctl keeps its files and finds its store (SPEC §1). Built-ins come through
// process.getBuiltinModule, which skips building ES module facades: the `key verify` fast path
// uses this too and counts milliseconds.
const os = process.getBuiltinModule('node:os');
const path = process.getBuiltinModule('node:path');

/** $IAMCTL_HOME, else the XDG data dir's iamctl folder. */
export function resolveHome(env: NodeJS.ProcessEnv): string {
  if (env.IAMCTL_HOME) return path.resolve(env.IAMCTL_HOME);
  const data = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'iamctl');
}

/** --db, else IAMCTL_DB, else the SQLite file in the home folder. An empty variable is unset, as for IAMCTL_HOME. */
export function resolveStoreLocation(dbFlag: string | undefined, env: NodeJS.ProcessEnv): string {
  return dbFlag ?? (env.IAMCTL_DB || undefined) ?? path.join(resolveHome(env), 'iamctl.db');
}
