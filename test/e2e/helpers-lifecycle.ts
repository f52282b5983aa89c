// Shared set-up of the invitation, credential and session end-to-end tests: a store with two
// tenants and a few users, each signed in from its own IAMCTL_HOME (its own context file) on
// the same store; and direct SQL on the store to age rows (expiry, lockouts).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { cli, initializedCli, login, type Cli } from '../helpers/cli.js';

export const password = 'Correct-Horse-42';

export interface World {
  root: Cli;
  /** Signed in as admin@acme.example (admin of acme). */
  acmeAdmin: Cli;
  /** Signed in as viewer@acme.example. */
  viewer: Cli;
  /** A fresh home on the same store, signed in as nobody. */
  stranger(): Cli;
  /** Signs in as `email` from a fresh home on the same store. */
  as(email: string, pw?: string): Promise<Cli>;
  /** Runs SQL against the store (either dialect) between commands. */
  sql<T = unknown>(query: string, ...params: unknown[]): Promise<T[]>;
}

export async function world(): Promise<World> {
  const root = await initializedCli();
  for (const slug of ['acme', 'globex']) {
    expect((await root.run(['tenant', 'create', slug, '--name', slug.toUpperCase()])).exitCode).toBe(0);
  }
  const users: [string, string, string][] = [
    ['admin@acme.example', 'acme', 'admin'],
    ['viewer@acme.example', 'acme', 'viewer'],
    ['admin@globex.example', 'globex', 'admin'],
  ];
  for (const [email, tenant, role] of users) {
    const r = await root.run(['user', 'create', '--tenant', tenant, '--email', email, '--first-name', 'Test', '--role', role, '--password-stdin'], {
      input: `${password}\n`,
    });
    expect(r.exitCode, r.stderr).toBe(0);
  }
  const as = async (email: string, pw = password) => {
    const c = cli({ db: root.db });
    const r = await login(c, email, pw);
    expect(r.exitCode, r.stderr).toBe(0);
    return c;
  };
  return {
    root,
    acmeAdmin: await as('admin@acme.example'),
    viewer: await as('viewer@acme.example'),
    stranger: () => cli({ db: root.db }),
    as,
    sql: <T>(query: string, ...params: unknown[]) => root.sql<T>(query, params),
  };
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}
