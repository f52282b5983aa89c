// Foundation: the program, its errors and exit codes, and the store's life cycle.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectFailure, initializedCli } from '../helpers/cli.js';

const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));

describe('the program', () => {
  it('prints its version and nothing else', async () => {
    const r = await cli().run(['--version']);
    expect(r).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('prints help listing the nouns', async () => {
    const r = await cli().run(['--help']);
    expect(r.exitCode).toBe(0);
    for (const noun of ['tenant', 'user', 'audit', 'db', 'init', 'login', 'whoami']) expect(r.stdout).toContain(noun);
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['tenant', 'create'], /missing required argument 'slug'/],
    [['tenant', 'list', '--bogus'], /unknown option '--bogus'/],
    [['tenant', 'list', '--status', 'sleeping'], /Allowed choices are active, inactive, all/],
    [['--db'], /argument missing/],
    [['audit', 'list', '--limit', 'ten'], /positive integer/],
    [['tenant'], /./],
  ])('usage errors exit 2: %j', async (args, pattern) => {
    const r = await cli().run(args);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    if (args.length > 1) expectFailure(r, 2, pattern);
  });

  it('writes usage errors as JSON on stderr with -o json', async () => {
    const r = await cli().run(['tenant', 'create', '-o', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'usage', message: expect.stringMatching(/slug/), hint: expect.any(String) } });
  });
});

describe('opening the store', () => {
  it('names host and port of an unreachable PostgreSQL server (1), never the password', async () => {
    const r = await cli().run(['tenant', 'list', '--db', 'postgres://someone:hunter2@127.0.0.1:1/nope']);
    expectFailure(r, 1, /cannot reach PostgreSQL at 127\.0\.0\.1:1\/nope: connection refused/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('says how to fix a store without schema, and one never initialized', async () => {
    const c = cli();
    if (c.dialect === 'sqlite') fs.writeFileSync(c.dbPath, '');
    expectFailure(await c.run(['tenant', 'list']), 7, /has no schema.*iamctl init/s);
    expect((await c.run(['db', 'migrate'])).exitCode).toBe(0);
    expectFailure(await c.run(['tenant', 'list']), 7, /not initialized.*iamctl init/s);
  });

  it('refuses a store whose schema is newer than the tool, naming both versions', async () => {
    const c = await initializedCli();
    await c.sql("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01')");
    expectFailure(await c.run(['whoami']), 7, /version 2\) is newer than this iamctl knows \(version 1\).*upgrade iamctl/s);
    expectFailure(await c.run(['db', 'migrate']), 7, /newer/);
  });
});

describe('db migrate and db status', () => {
  it('creates the schema, reports it, and applies nothing the second time', async () => {
    const c = cli();
    const first = await c.json(['db', 'migrate']);
    expect(first).toMatchObject({ applied: ['0001_initial'], version: 1 });
    expect((await c.json(['db', 'migrate'])).applied).toEqual([]);
    const status = await c.json(['db', 'status']);
    expect(status).toMatchObject({ dialect: c.dialect, version: 1, latest: 1, applied: ['0001_initial'], pending: [], current: true });
  });

  it('leaves one sound store when several processes migrate at once', async () => {
    const c = cli();
    const runs = await Promise.all([c.run(['db', 'migrate']), c.run(['db', 'migrate']), c.run(['db', 'migrate'])]);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    expect(await c.sql('select name from kysely_migration')).toEqual([{ name: '0001_initial' }]);
    expect(await c.sql("select cast(count(*) as integer) as n from tenants where id = 'main'")).toEqual([{ n: 1 }]);
    expect(await c.sql('select cast(count(*) as integer) as n from audit_head')).toEqual([{ n: 1 }]);
  });
});
