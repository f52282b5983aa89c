// Shared by the MFA end-to-end tests: shells that hold the store's master key (each test shell
// has its own IAMCTL_HOME; the key `init` wrote is in the first one), enrolment through the
// CLI, and sign-in with a code. Codes are computed for the real current time; a replay is the
// same code twice, and "time has moved on" is the last used step aged by SQL (never a wait).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { login, type Cli, type CliResult } from '../helpers/cli.js';
import { codeAt } from '../helpers/mfa.js';
import { password, type World } from './helpers-lifecycle.js';

export function masterKeyEnv(w: World): { IAMCTL_MASTER_KEY: string } {
  return { IAMCTL_MASTER_KEY: fs.readFileSync(path.join(w.root.home, 'master.key'), 'utf8').trim() };
}

/** A fresh shell on the store that knows the master key, signed in as nobody. */
export function keyedStranger(w: World): Cli {
  const c = w.stranger();
  Object.assign(c.env, masterKeyEnv(w));
  return c;
}

/** Creates an active user with the shared password. */
export async function createUser(w: World, email: string, tenant: string, role = 'viewer'): Promise<void> {
  const r = await w.root.run(['user', 'create', '--tenant', tenant, '--email', email, '--first-name', 'Test', '--role', role, '--password-stdin'], {
    input: `${password}\n`,
  });
  expect(r.exitCode, r.stderr).toBe(0);
}

/** Signs in (password only) from a keyed shell. */
export async function signedIn(w: World, email: string): Promise<Cli> {
  const c = keyedStranger(w);
  const r = await login(c, email, password);
  expect(r.exitCode, r.stderr).toBe(0);
  return c;
}

/** As if the next 30-second step had come: the last used step is aged by two. */
export async function nextStep(w: World, email: string): Promise<void> {
  await w.sql('update mfa_factors set last_used_step = last_used_step - 2 where user_id = (select id from users where email_lower = ?)', email);
}

/** Enrols and confirms from a signed-in shell: the secret and the recovery codes. */
export async function enrol(w: World, c: Cli, email: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await c.json(['mfa', 'enroll']);
  const r = await c.run(['mfa', 'confirm', '--code-stdin', '-o', 'json'], { input: `${codeAt(secret)}\n` });
  expect(r.exitCode, r.stderr).toBe(0);
  await nextStep(w, email);
  return { secret, recoveryCodes: JSON.parse(r.stdout).recoveryCodes };
}

/** `login --password-stdin --code-stdin` from a keyed shell: the password line, then the code. */
export async function loginWithCode(w: World, email: string, code: string, c: Cli = keyedStranger(w)): Promise<CliResult & { shell: Cli }> {
  const r = await c.run(['login', '--email', email, '--password-stdin', '--code-stdin'], { input: `${password}\n${code}\n` });
  return { ...r, shell: c };
}

export async function mfaEnabled(w: World, email: string): Promise<number> {
  const [row] = await w.sql<{ mfa_enabled: number }>('select mfa_enabled from users where email_lower = ?', email);
  return Number(row!.mfa_enabled);
}
