// nodemailer is heavy (hundreds of kB): only a command that delivers an invitation loads it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, initializedCli, type Cli } from '../helpers/cli.js';

const recorder = path.resolve(import.meta.dirname, '../helpers/record-modules.mjs');
let c: Cli;

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const log = path.join(c.home, `modules-${Math.random().toString(36).slice(2)}.log`);
  const result = await execa(process.execPath, ['--import', recorder, binPath, ...args], {
    reject: false,
    env: { ...c.env, IAMCTL_TEST_MODULE_LOG: log },
  });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
}

const mailModules = (urls: string[]) => urls.filter((u) => /nodemailer/.test(u));

describe('lazy loading of nodemailer', () => {
  beforeAll(async () => {
    c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
  });

  it('the recorder sees the modules a command loads', async () => {
    expect((await modulesLoadedBy(['whoami'])).some((u) => u.endsWith('/dist/main.js'))).toBe(true);
  });

  it.each([['--version'], ['whoami'], ['invite', 'list', '--tenant', 'acme'], ['session', 'list']])('`%s` does not load it', async (...args) => {
    expect(mailModules(await modulesLoadedBy(args))).toEqual([]);
  });

  it('`invite create` loads it', async () => {
    expect(mailModules(await modulesLoadedBy(['invite', 'create', '--tenant', 'acme', '--email', 'ada@acme.example']))).not.toEqual([]);
  });
});
