// Proof that secrets stay secret: after a scenario that issues and uses every kind of secret,
// the store (its files with the WAL on SQLite, every row on both dialects), the audit export,
// --debug output and everything the commands printed contain none of them, except the output
// of the one command that issued each (and the outbox's mail for invitation tokens, by design);
// every file under each $IAMCTL_HOME is owner-only.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminPassword, cli, initializedCli, login, type Cli, type CliResult } from '../helpers/cli.js';
import { dumpStore } from '../helpers/dump.js';
import { codeAt } from '../helpers/mfa.js';

interface Run {
  shell: Cli;
  args: string[];
  result: CliResult;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)] : [p];
  });
}

describe('secrets (proof)', () => {
  it('appear only where they are issued; every file under IAMCTL_HOME is owner-only', async () => {
    const root = await initializedCli();
    // SQLite deletes the WAL when the last connection closes: one held open here keeps it on disk
    // (with every frame written during the scenario) to be searched at the end.
    const holder = root.dialect === 'sqlite' ? new (await import('better-sqlite3')).default(root.dbPath, { readonly: true }) : undefined;
    holder?.prepare('select count(*) from users').get(); // joins the WAL (its shared lock) now
    const bob = cli({ db: root.db });
    const carl = cli({ db: root.db });
    const runs: Run[] = [];
    /** Secrets, each with the runs allowed to print it (the issuing one). */
    const secrets = new Map<string, { what: string; issuedBy: Run[] }>();
    const secret = (value: string, what: string, issuedBy: Run[] = []) => {
      expect(value.length, what).toBeGreaterThanOrEqual(6);
      secrets.set(value, { what, issuedBy });
    };
    const run = async (shell: Cli, args: string[], input?: string, expectCode = 0): Promise<Run> => {
      const result = await shell.run(args, input === undefined ? {} : { input });
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(expectCode);
      const r = { shell, args, result };
      runs.push(r);
      return r;
    };
    // Other operators' shells get the master key from the environment, as the README says.
    const masterKey = fs.readFileSync(path.join(root.home, 'master.key'), 'utf8').trim();
    for (const shell of [bob, carl]) shell.env.IAMCTL_MASTER_KEY = masterKey;
    secret(masterKey, 'master key');
    const pw = { bob: 'Bob-First-Pass-42', bob2: 'Bob-Second-Pass-43', carl: 'Carl-Accepted-Pass-44', carl2: 'Carl-Reset-Pass-45', wrong: 'Wrong-Guess-Pass-46' };
    secret(adminPassword, 'root password');
    for (const [who, value] of Object.entries(pw)) secret(value, `password ${who}`);

    await run(root, ['tenant', 'create', 'acme', '--name', 'Acme']);
    await run(root, ['user', 'create', '--tenant', 'acme', '--email', 'bob@acme.example', '--first-name', 'Bob', '--role', 'admin', '--password-stdin'], `${pw.bob}\n`);
    const invite = await run(root, ['invite', 'create', '--tenant', 'acme', '--email', 'carl@acme.example', '--first-name', 'Carl', '-o', 'json']);
    const token = JSON.parse(invite.result.stdout).token as string;
    secret(token, 'invitation token', [invite]);
    await run(carl, ['invite', 'accept', '--token-stdin', '--password-stdin'], `${token}\n${pw.carl}\n`);
    await run(carl, ['invite', 'accept', '--token-stdin', '--password-stdin'], `${token}\n${pw.carl}\n`, 4); // used: refused
    await run(carl, ['login', '--email', 'carl@acme.example', '--password-stdin', '--debug'], `${pw.wrong}\n`, 4);
    await run(carl, ['login', '--email', 'carl@acme.example', '--password-stdin'], `${pw.carl}\n`);

    expect((await login(bob, 'bob@acme.example', pw.bob)).exitCode).toBe(0);
    const enroll = await run(bob, ['mfa', 'enroll', '-o', 'json']);
    const totp = JSON.parse(enroll.result.stdout).secret as string;
    secret(totp, 'TOTP secret', [enroll]);
    const confirm = await run(bob, ['mfa', 'confirm', '--code-stdin', '-o', 'json'], `${codeAt(totp)}\n`);
    const recovery = JSON.parse(confirm.result.stdout).recoveryCodes as string[];
    for (const code of recovery) secret(code, 'recovery code', [confirm]);
    const key = await run(bob, ['key', 'create', '--name', 'ci', '-o', 'json']);
    const keySecret = JSON.parse(key.result.stdout).secret as string;
    secret(keySecret, 'API key', [key]);
    // The key's secret part alone (after iak_<id>_) must not be stored either.
    secret(keySecret.split('_')[2]!, 'API key secret part', [key]);
    const regen = await run(bob, ['key', 'create', '--name', 'second', '-o', 'json']);
    const second = JSON.parse(regen.result.stdout) as { id: string; secret: string };
    const regenerated = await run(bob, ['key', 'regenerate', second.id, '-o', 'json']);
    secret(second.secret, 'API key (replaced)', [regen]);
    secret(JSON.parse(regenerated.result.stdout).secret, 'API key (regenerated)', [regenerated]);
    await run(cli({ db: root.db }), ['key', 'verify', '-o', 'json'], `${keySecret}\n`);
    await run(cli({ db: root.db }), ['key', 'verify', '--debug'], `${second.secret}\n`, 4);
    await run(cli({ db: root.db }), ['whoami', '--api-key-stdin'], `${keySecret}\n`);
    await run(bob, ['password', 'change', '--password-stdin'], `${pw.bob}\n${pw.bob2}\n`);
    await run(root, ['user', 'set-password', 'carl@acme.example', '--tenant', 'acme', '--password-stdin'], `${pw.carl2}\n`);
    const openai = 'sk-proof-0123456789abcdefghijklmnop';
    secret(openai, 'secret setting');
    await run(root, ['settings', 'set', 'ai.openaiApiKey', '--value-stdin', '--global'], `${openai}\n`);
    await run(root, ['settings', 'get', 'ai.openaiApiKey', '--global']);
    await run(root, ['settings', 'list', '--global', '-o', 'json']);
    await run(bob, ['logout']);
    // A code is used once: step the factor's last use back rather than wait 30 s.
    await root.sql("update mfa_factors set last_used_step = last_used_step - 2 where user_id = (select id from users where email_lower = 'bob@acme.example')");
    await run(bob, ['login', '--email', 'bob@acme.example', '--password-stdin', '--code-stdin'], `${pw.bob2}\n${codeAt(totp)}\n`);
    await run(bob, ['whoami', '-o', 'json']);
    await run(root, ['session', 'list', '--user', 'bob@acme.example', '--tenant', 'acme', '-o', 'json']);
    await run(root, ['user', 'export', '--all-tenants', '--with-hashes', '--format', 'ndjson']);
    await run(root, ['audit', 'list', '--all-tenants', '--limit', '1000', '-o', 'json']);
    const auditExport = await run(root, ['audit', 'export', '--all-tenants']);
    await run(root, ['audit', 'export', '--all-tenants', '--format', 'csv']);
    await run(root, ['env', '-o', 'json']);
    await run(root, ['audit', 'verify', '--debug']);
    expect(auditExport.result.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(20);

    // Session tokens: only in each home's context file (read here to look for them everywhere else).
    for (const shell of [root, bob, carl]) {
      const context = fs.readFileSync(path.join(shell.home, 'context.json'), 'utf8');
      for (const [, value] of context.matchAll(/"session":\s*"([^"]+)"/g)) secret(value!, 'session token');
    }
    expect([...secrets.values()].filter((s) => s.what === 'session token').length).toBeGreaterThanOrEqual(2);

    const leaks: string[] = [];
    const search = (where: string, text: string, allowed: (s: { issuedBy: Run[] }) => boolean = () => false) => {
      for (const [value, s] of secrets) if (text.includes(value) && !allowed(s)) leaks.push(`${s.what} in ${where}`);
    };
    for (const r of runs) {
      search(`stdout of ${r.args.join(' ')}`, r.result.stdout, (s) => s.issuedBy.includes(r));
      search(`stderr of ${r.args.join(' ')}`, r.result.stderr);
    }
    search('the store (every row)', JSON.stringify(await dumpStore(root)));
    if (root.dialect === 'sqlite') {
      for (const file of fs.readdirSync(root.home).filter((f) => f.startsWith('iamctl.db'))) {
        search(`store file ${file}`, fs.readFileSync(path.join(root.home, file)).toString('latin1'));
      }
      expect(fs.statSync(`${root.dbPath}-wal`).size).toBeGreaterThan(100_000);
      holder?.close();
    }
    for (const shell of [root, bob, carl]) {
      for (const file of walk(shell.home)) {
        const mode = fs.statSync(file).mode & 0o777;
        if ((mode & 0o077) !== 0) leaks.push(`${file} has mode ${mode.toString(8)}`);
        if (fs.statSync(file).isDirectory()) continue;
        const text = fs.readFileSync(file).toString('latin1');
        const name = path.relative(shell.home, file);
        // The outbox keeps the invitation mail (token included) by design; the context file the session.
        search(`${name} under IAMCTL_HOME`, text, (s) => (name.startsWith('outbox') && s === secrets.get(token)) || (name === 'master.key' && s === secrets.get(masterKey)) || (name === 'context.json' && secrets.get(text.match(/"session":\s*"([^"]+)"/)?.[1] ?? '') === s));
      }
    }
    const outbox = walk(path.join(root.home, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(outbox.some((f) => fs.readFileSync(f, 'utf8').includes(token))).toBe(true);
    expect(leaks).toEqual([]);
  }, 120_000);
});
