// Runs the built CLI as a user would: a real process (execa), no TTY, its own IAMCTL_HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const binPath = path.resolve(import.meta.dirname, '../../bin/iamctl.js');
export const adminEmail = 'root@example.com';
export const adminPassword = 'Sup3r-Secret-Root';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  home: string;
  env: Record<string, string>;
  run(args: readonly string[], options?: { input?: string; env?: Record<string, string | undefined> }): Promise<CliResult>;
  /** Runs and parses stdout as JSON (adds -o json). */
  json<T = any>(args: readonly string[], options?: { input?: string; env?: Record<string, string | undefined> }): Promise<T>;
  dbPath: string;
}

export function tempHome(prefix = 'iamctl-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A CLI bound to a fresh IAMCTL_HOME (and, optionally, a store URL). */
export function cli(options: { home?: string; db?: string } = {}): Cli {
  const home = options.home ?? tempHome();
  const env: Record<string, string> = { IAMCTL_HOME: home, NO_COLOR: '1' };
  if (options.db) env.IAMCTL_DB = options.db;
  const self: Cli = {
    home,
    env,
    dbPath: path.join(home, 'iamctl.db'),
    async run(args, runOptions = {}) {
      const result = await execa(process.execPath, [binPath, ...args], {
        reject: false,
        input: runOptions.input ?? '',
        env: { ...env, ...runOptions.env },
        extendEnv: true,
        stripFinalNewline: false,
        timeout: 60_000,
      });
      return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
    async json(args, runOptions) {
      const result = await self.run([...args, '-o', 'json'], runOptions);
      if (result.exitCode !== 0) {
        throw new Error(`iamctl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout);
    },
  };
  return self;
}

/** A CLI on an initialized store, signed in as the first super admin. */
export async function initializedCli(options: { home?: string; db?: string } = {}): Promise<Cli> {
  const c = cli(options);
  const result = await c.run(['init', '--admin-email', adminEmail, '--admin-first-name', 'Root', '--admin-password-stdin'], {
    input: `${adminPassword}\n`,
  });
  if (result.exitCode !== 0) throw new Error(`init failed: ${result.stderr}`);
  return c;
}

/** Signs in as someone else (in the same home, i.e. the same context file). */
export async function login(c: Cli, email: string, password: string): Promise<CliResult> {
  return c.run(['login', '--email', email, '--password-stdin'], { input: `${password}\n` });
}

/** Asserts the shape every failing command must have: the code, one error line (+ hint), no data. */
export function expectFailure(result: CliResult, exitCode: number, pattern?: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  const problems: string[] = [];
  if (result.exitCode !== exitCode) problems.push(`exit ${result.exitCode}, expected ${exitCode}`);
  if (!/^error: .+ \([a-z_]+\)$/.test(lines[0] ?? '')) problems.push(`first stderr line is not an error line: ${lines[0]}`);
  if (lines.length > 2 || (lines[1] !== undefined && !lines[1].startsWith('hint: '))) problems.push('more than an error and a hint line');
  if (result.stdout !== '') problems.push(`stdout not empty: ${result.stdout.slice(0, 200)}`);
  if (pattern && !pattern.test(result.stderr)) problems.push(`stderr does not match ${pattern}`);
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\nstderr: ${result.stderr}`);
}
