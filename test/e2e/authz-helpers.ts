// Shared steps of the authorization end-to-end tests: a tenant with users signed in from their
// own IAMCTL_HOME (same store), and edition settings written into the store.
import { setGlobalSetting } from '../helpers/principals.js';
import { cli, login, type Cli } from '../helpers/cli.js';
import { openStore } from '../../src/store/db.js';

export const userPassword = 'Passw0rd-Tenant-9';

/** Creates an active user in a tenant (as the given admin CLI) and returns a CLI signed in as them. */
export async function signedInUser(admin: Cli, tenant: string, email: string, roles: string[]): Promise<Cli> {
  const created = await admin.run(['user', 'create', '--tenant', tenant, '--email', email, '--first-name', 'Test', ...roles.flatMap((r) => ['--role', r]), '--password-stdin'], {
    input: `${userPassword}\n`,
  });
  if (created.exitCode !== 0) throw new Error(`user create failed: ${created.stderr}`);
  const c = cli({ db: admin.db });
  const result = await login(c, email, userPassword);
  if (result.exitCode !== 0) throw new Error(`login failed: ${result.stderr}`);
  return c;
}

/** Writes a global setting straight into the store (the settings commands belong to another issue). */
export async function setGlobal(c: Cli, key: string, value: unknown): Promise<void> {
  const store = await openStore(c.db);
  try {
    await setGlobalSetting(store.db, key, value);
  } finally {
    await store.close();
  }
}

/** Runs and insists on success, returning parsed JSON. */
export async function ok<T = any>(c: Cli, args: string[], input?: string): Promise<T> {
  return c.json<T>(args, input === undefined ? undefined : { input });
}
