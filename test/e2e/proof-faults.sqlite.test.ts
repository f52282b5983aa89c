// Proof under faults (SQLite files): an import killed with SIGKILL at several moments leaves a
// sound store with all of it or none of it; `db backup` while several processes write yields
// a sound, self-consistent copy.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { startBatch } from '../helpers/cli-batch.js';
import { adminEmail, adminPassword, binPath, cli, initializedCli, login, type Cli } from '../helpers/cli.js';

const rows = 20_000;
// One argon2id hash for every row (hashing 20k passwords is not what is tested here).
const hash = '$argon2id$v=19$m=65536,p=4,t=3$aY2LQ2IpmffiHrcbUn4tTQ$5/+PKk0LL/98rJ2+093DqnQSwXM8TJ65LFMOORG9vTk';

function sqlite<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A copy of a whole IAMCTL_HOME (store, context, master key): a fresh store in the same state. */
async function copyHome(from: Cli): Promise<Cli> {
  sqlite(from.dbPath, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
  const home = fs.mkdtempSync(`${from.home}-copy-`);
  fs.cpSync(from.home, home, { recursive: true });
  const c = cli({ home });
  expect((await login(c, adminEmail, adminPassword)).exitCode).toBe(0); // the context names its store
  return c;
}

type Moment = { name: string; afterMs?: number; walBytes?: number };

describe('crash during user import (proof)', () => {
  it('SIGKILL at several moments leaves integrity ok, 0 or all users, a verified chain; a full run then imports all', async () => {
    const base = await initializedCli();
    expect((await base.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const file = path.join(base.home, 'users.csv');
    const lines = ['email,firstName,passwordHash'];
    for (let i = 0; i < rows; i++) lines.push(`c${i}@acme.example,Crash,"${hash}"`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    const moments: Moment[] = [
      { name: 'at start-up', afterMs: 60 },
      { name: 'while validating', afterMs: 700 },
      { name: 'as the first rows are written', walBytes: 1 },
      { name: 'mid-transaction', walBytes: 4 * 1024 * 1024 },
      { name: 'late in the transaction', walBytes: 12 * 1024 * 1024 },
    ];
    const outcomes: string[] = [];
    let last: Cli | undefined;
    for (const moment of moments) {
      const c = await copyHome(base);
      const child = execa(process.execPath, [binPath, 'user', 'import', file, '--tenant', 'acme'], { env: c.env, reject: false });
      const wal = `${c.dbPath}-wal`;
      const started = Date.now();
      let exited = false;
      void child.finally(() => (exited = true));
      for (;;) {
        if (exited) break;
        if (moment.afterMs !== undefined && Date.now() - started >= moment.afterMs) break;
        if (moment.walBytes !== undefined && fs.existsSync(wal) && fs.statSync(wal).size >= moment.walBytes) break;
        await sleep(5);
      }
      child.kill('SIGKILL');
      const result = await child;
      const users = sqlite(c.dbPath, (db) => {
        expect(db.pragma('integrity_check', { simple: true }), moment.name).toBe('ok');
        return (db.prepare("select count(*) as n from users where email like 'c%@acme.example'").get() as { n: number }).n;
      });
      outcomes.push(`${moment.name}: ${result.signal ?? `exit ${result.exitCode}`}, ${users} users`);
      expect([0, rows], moment.name).toContain(users);
      const verify = await c.run(['audit', 'verify', '-o', 'json']);
      expect(verify.exitCode, `${moment.name}: ${verify.stderr}`).toBe(0);
      expect(JSON.parse(verify.stdout).ok).toBe(true);
      // The import's own event is there exactly when its users are.
      const imports = sqlite(c.dbPath, (db) => (db.prepare("select count(*) as n from audit_events where action = 'user.import'").get() as { n: number }).n);
      expect(imports).toBe(users === rows ? 1 : 0);
      if (result.signal === 'SIGKILL' && users === 0) last = c;
    }
    // Killed mid-write at least once (the write phase is long enough to be caught).
    expect(outcomes.filter((o) => o.includes('SIGKILL, 0 users')).length, outcomes.join('\n')).toBeGreaterThanOrEqual(3);
    expect(last).toBeDefined();

    const full = await last!.run(['user', 'import', file, '--tenant', 'acme', '-o', 'json']);
    expect(full.exitCode, full.stderr).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({ rows, created: rows, transactions: 1 });
    sqlite(last!.dbPath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare("select count(*) as n from users where email like 'c%@acme.example'").get() as { n: number }).n).toBe(rows);
    });
    expect(await last!.json(['audit', 'verify'])).toMatchObject({ ok: true });
    console.log(outcomes.join('\n'));
  }, 180_000);
});

describe('db backup under concurrent writers (proof)', () => {
  it('each copy taken while 4 processes write passes integrity and audit checks and is consistent', async () => {
    const c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const batches = await Promise.all(
      Array.from({ length: 4 }, (_, w) =>
        startBatch(
          c,
          Array.from({ length: 60 }, (_, i) => ({ argv: ['user', 'create', '--tenant', 'acme', '--email', `b${w}-${i}@acme.example`, '--first-name', 'Backup', '--invite'] })),
        ),
      ),
    );
    const copies: string[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(400);
      const target = path.join(c.home, `backup-${i}.db`);
      const r = await c.run(['db', 'backup', target]);
      expect(r.exitCode, r.stderr).toBe(0);
      copies.push(target);
    }
    const results = (await Promise.all(batches.map((b) => b.results))).flat();
    expect(results.filter((r) => r.exitCode !== 0).map((r) => r.stderr)).toEqual([]);

    const counts: number[] = [];
    for (const target of copies) {
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);
      const { users, events, invitations } = sqlite(target, (db) => {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
        return {
          users: n("select count(*) as n from users where email like 'b%@acme.example'"),
          events: n("select count(*) as n from audit_events where action = 'user.create' and actor_id is not null and target like 'user:%' and tenant_id = (select id from tenants where slug = 'acme')"),
          invitations: n("select count(*) as n from invitations where tenant_id = (select id from tenants where slug = 'acme')"),
        };
      });
      // One consistent moment: every user has its event and its invitation, nothing half-made.
      expect(events).toBe(users);
      expect(invitations).toBe(users);
      counts.push(users);
      const restored = cli({ db: target });
      expect((await login(restored, adminEmail, adminPassword)).exitCode).toBe(0);
      expect(await restored.json(['audit', 'verify'])).toMatchObject({ ok: true });
    }
    // The copies were taken while writers ran: not all empty, not all complete, never shrinking.
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.some((n) => n > 0 && n < 240), `copies held ${counts.join(', ')} users`).toBe(true);
  }, 180_000);
});
