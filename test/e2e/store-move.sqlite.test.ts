// The README's path from an SQLite store to PostgreSQL (to another SQLite store when no
// PostgreSQL URL is given): `export` + `apply` for the configuration, `user export
// --with-hashes` + `user import --on-conflict update` for the passwords.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminPassword, cli, initializedCli, login } from '../helpers/cli.js';
import { pgUrl, scratchPgDatabase } from '../helpers/store.js';

describe(`moving an SQLite store to ${pgUrl ? 'PostgreSQL' : 'another SQLite store (no IAMCTL_TEST_PG_URL)'}`, () => {
  it('carries tenants, roles, teams, users with their passwords, and grants; nothing secret in the configuration', async () => {
    const source = await initializedCli({ db: path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iamctl-src-')), 'iamctl.db') });
    const ok = async (args: string[], input?: string) => {
      const r = await source.run(args, input === undefined ? {} : { input });
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await ok(['tenant', 'create', 'acme', '--name', 'Acme']);
    await ok(['settings', 'set', 'edition.rbac', 'enterprise', '--global']);
    await ok(['role', 'create', 'auditor', '--tenant', 'acme', '--inherits', 'viewer', '--grant', 'audit:read']);
    await ok(['team', 'create', 'ops', '--tenant', 'acme']);
    await ok(['user', 'create', '--tenant', 'acme', '--email', 'ada@acme.example', '--first-name', 'Ada', '--role', 'admin', '--role', 'auditor', '--team', 'ops', '--password-stdin'], 'Ada-Lovelace-99\n');
    await ok(['user', 'create', '--tenant', 'acme', '--email', 'bob@acme.example', '--first-name', 'Bob']);
    await ok(['access', 'grant', 'team:ops', 'operator', '--on', 'flows:/finance', '--tenant', 'acme']);

    const config = await source.run(['export']);
    expect(config.exitCode, config.stderr).toBe(0);
    expect(config.stdout).not.toMatch(/argon2|iak_|\$2[aby]\$/);
    const users = await source.run(['user', 'export', '--all-tenants', '--with-hashes', '--format', 'ndjson']);
    expect(users.exitCode, users.stderr).toBe(0);

    const targetDb = pgUrl ? await scratchPgDatabase() : path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iamctl-dst-')), 'iamctl.db');
    const target = await initializedCli({ db: targetDb });
    const configFile = path.join(target.home, 'config.yaml');
    const usersFile = path.join(target.home, 'users.ndjson');
    fs.writeFileSync(configFile, config.stdout);
    fs.writeFileSync(usersFile, users.stdout);
    const applied = await target.run(['apply', '-f', configFile]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const imported = await target.run(['user', 'import', usersFile, '--on-conflict', 'update']);
    expect(imported.exitCode, imported.stderr).toBe(0);

    // The configuration reads back unchanged, and the users are as they were.
    fs.writeFileSync(configFile, (await target.run(['export'])).stdout);
    expect(fs.readFileSync(configFile, 'utf8')).toBe(config.stdout);
    const list = await target.json(['user', 'list', '--tenant', 'acme']);
    expect(list.items.map((u: any) => [u.email, u.status, [...u.roles].sort()])).toEqual([
      ['ada@acme.example', 'active', ['admin', 'auditor']],
      ['bob@acme.example', 'invited', ['viewer']],
    ]);
    const ada = cli({ db: targetDb });
    expect((await login(ada, 'ada@acme.example', 'Ada-Lovelace-99')).exitCode).toBe(0);
    const root = cli({ db: targetDb });
    expect((await login(root, 'root@example.com', adminPassword)).exitCode).toBe(0);
    expect(await target.json(['audit', 'verify'])).toMatchObject({ ok: true });
  });
});
