// user export, audit list filters, audit export and audit prune, end to end.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventHash, genesisHash } from '../../src/core/audit-chain.js';
import { cli, expectFailure, initializedCli, login, type Cli } from '../helpers/cli.js';

const pw = 'Tenant-Admin-Pass1';

async function setup(): Promise<Cli> {
  const c = await initializedCli();
  for (const slug of ['acme', 'globex']) expect((await c.run(['tenant', 'create', slug, '--name', slug])).exitCode).toBe(0);
  const create = (tenant: string, email: string, role: string) =>
    c.run(['user', 'create', '--tenant', tenant, '--email', email, '--first-name', 'Someone', '--role', role, '--password-stdin'], { input: `${pw}\n` });
  expect((await create('acme', 'admin@acme.example', 'admin')).exitCode).toBe(0);
  expect((await create('globex', 'admin@globex.example', 'admin')).exitCode).toBe(0);
  return c;
}

async function as(c: Cli, email: string): Promise<Cli> {
  const other = cli({ db: c.db });
  expect((await login(other, email, pw)).exitCode).toBe(0);
  return other;
}

/** Moves the first `count` events back in time and re-chains every event, as if they were old. */
async function backdate(c: Cli, count: number, at: string): Promise<void> {
  const rows = await c.sql<any>('select cast(seq as integer) as seq, at, tenant_id, actor_id, action, target, result, details from audit_events order by seq');
  let prev = genesisHash;
  for (const row of rows) {
    const fields = { seq: Number(row.seq), at: Number(row.seq) <= count ? at : row.at, tenantId: row.tenant_id, actorId: row.actor_id, action: row.action, target: row.target, result: row.result, details: row.details };
    const hash = eventHash(prev, fields);
    await c.sql('update audit_events set at = ?, prev_hash = ?, hash = ? where seq = ?', [fields.at, prev, hash, fields.seq]);
    prev = hash;
  }
  await c.sql('update audit_head set hash = ?', [prev]);
}

describe('user export', () => {
  it('writes what user import reads: a CSV round trip with hashes into another store, formula cells escaped', async () => {
    const c = await setup();
    const csv = 'email,firstName,lastName,roles\n=sum@acme.example,Eve,Ops,editor;viewer\nbob@acme.example,Bob,,\n';
    fs.writeFileSync(path.join(c.home, 'in.csv'), csv);
    expect((await c.run(['user', 'import', path.join(c.home, 'in.csv'), '--tenant', 'acme'])).exitCode).toBe(0);
    const plain = await c.run(['user', 'export', '--tenant', 'acme']);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout.split('\n')).toEqual([
      'email,firstName,lastName,roles,teams,tenant,status',
      "'=sum@acme.example,Eve,Ops,editor;viewer,,acme,invited",
      'admin@acme.example,Someone,,admin,,acme,active',
      'bob@acme.example,Bob,,viewer,,acme,invited',
      '',
    ]);
    expect(plain.stderr).toMatch(/exported 3 users/);

    const withHashes = await c.run(['user', 'export', '--all-tenants', '--with-hashes']);
    expect(withHashes.exitCode).toBe(0);
    expect(withHashes.stdout.split('\n')[0]).toBe('email,firstName,lastName,roles,teams,tenant,status,passwordHash');
    const target = await initializedCli();
    for (const slug of ['acme', 'globex']) expect((await target.run(['tenant', 'create', slug, '--name', slug])).exitCode).toBe(0);
    const moved = await target.run(['user', 'import', '-', '--on-conflict', 'skip', '-o', 'json'], { input: withHashes.stdout });
    expect(moved.exitCode, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ created: 4, skipped: 1 });
    const [eve] = await target.sql<any>("select email from users where email like '=%'");
    expect(eve.email).toBe('=sum@acme.example');
    expect((await login(cli({ db: target.db }), 'admin@globex.example', pw)).exitCode).toBe(0);
  });

  it.each(['json', 'ndjson'])('writes %s', async (format) => {
    const c = await setup();
    const r = await c.run(['user', 'export', '--tenant', 'acme', '--format', format]);
    expect(r.exitCode).toBe(0);
    const users = format === 'json' ? JSON.parse(r.stdout) : r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(users).toEqual([{ email: 'admin@acme.example', firstName: 'Someone', lastName: '', roles: ['admin'], teams: [], tenant: 'acme', status: 'active' }]);
  });

  it('audits every export; hashes and every tenant are for super admins (5)', async () => {
    const c = await setup();
    expect((await c.run(['user', 'export', '--tenant', 'acme', '--with-hashes', '--format', 'ndjson'])).exitCode).toBe(0);
    const events = await c.json(['audit', 'list', '--tenant', 'acme', '--action', 'user.export']);
    expect(events.items[0]).toMatchObject({ actor: 'root@example.com', details: { withHashes: true, format: 'ndjson', users: 1, allTenants: false } });
    const admin = await as(c, 'admin@acme.example');
    expect((await admin.run(['user', 'export'])).exitCode).toBe(0);
    expectFailure(await admin.run(['user', 'export', '--with-hashes']), 5, /only super admins may export password hashes/);
    expectFailure(await admin.run(['user', 'export', '--all-tenants']), 5, /reserved to super admins/);
    expect((await admin.json(['audit', 'list', '--action', 'user.export'])).items).toHaveLength(2);
  });
});

describe('audit list and export', () => {
  it('filters by user, action, since and until; newest first; tenant admins see their tenant only', async () => {
    const c = await setup();
    const all = await c.json(['audit', 'list', '--all-tenants', '--limit', '100']);
    const seqs = all.items.map((e: any) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => b - a));
    expect(new Set(all.items.map((e: any) => e.tenant))).toEqual(new Set([null, 'acme', 'globex']));

    const byUser = await c.json(['audit', 'list', '--tenant', 'acme', '--user', 'admin@acme.example']);
    expect(byUser.items.map((e: any) => e.action)).toEqual(['user.create']);
    expect(byUser.items[0].target).toBe('user:admin@acme.example');
    const byAction = await c.json(['audit', 'list', '--all-tenants', '--action', 'tenant.*']);
    expect(byAction.items.map((e: any) => e.action)).toEqual(['tenant.create', 'tenant.create']);
    expect((await c.json(['audit', 'list', '--all-tenants', '--since', '1h'])).items).toHaveLength(all.items.length);
    expect((await c.json(['audit', 'list', '--all-tenants', '--until', '1h'])).items).toHaveLength(0);
    expect((await c.json(['audit', 'list', '--all-tenants', '--since', '2000-01-01', '--until', '2000-01-02T00:00:00Z'])).items).toHaveLength(0);
    const page = await c.json(['audit', 'list', '--all-tenants', '--action', 'tenant.*', '--limit', '1']);
    const next = await c.json(['audit', 'list', '--all-tenants', '--action', 'tenant.*', '--limit', '1', '--cursor', page.nextCursor]);
    expect([page.items[0].seq, next.items[0].seq]).toEqual(byAction.items.map((e: any) => e.seq));

    const admin = await as(c, 'admin@acme.example');
    const own = await admin.json(['audit', 'list']);
    expect(new Set(own.items.map((e: any) => e.tenant))).toEqual(new Set(['acme']));
    expectFailure(await admin.run(['audit', 'list', '--all-tenants']), 5, /reserved to super admins/);
    expectFailure(await admin.run(['audit', 'list', '--user', 'admin@globex.example']), 6, /not found/);
  });

  it.each([
    [['--since', 'yesterday'], /invalid --since "yesterday"/],
    [['--until', '2026-13-45'], /invalid --until/],
    [['--since', '7x'], /invalid --since/],
  ])('refuses a bad time %j (3)', async (flags, pattern) => {
    const c = await setup();
    expectFailure(await c.run(['audit', 'list', ...flags]), 3, pattern);
  });

  it.each(['ndjson', 'json', 'csv'])('exports %s oldest first, audited, without its own event', async (format) => {
    const c = await setup();
    const r = await c.run(['audit', 'export', '--all-tenants', '--format', format]);
    expect(r.exitCode).toBe(0);
    const n = Number((await c.sql<{ n: number }>('select cast(count(*) as integer) as n from audit_events'))[0]!.n);
    let seqs: number[];
    if (format === 'csv') {
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('seq,at,tenant,actor,action,target,result,details,hash');
      seqs = lines.slice(1).map((l) => Number(l.split(',')[0]));
    } else {
      const events = format === 'json' ? JSON.parse(r.stdout) : r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(events[0]).toMatchObject({ seq: 1, action: 'store.init', tenant: null });
      seqs = events.map((e: any) => e.seq);
    }
    expect(seqs).toEqual(Array.from({ length: Number(n) - 1 }, (_, i) => i + 1));
    const last = await c.json(['audit', 'list', '--limit', '1']);
    expect(last.items[0]).toMatchObject({ action: 'audit.export', seq: Number(n), details: { format, allTenants: true } });
  });
});

describe('audit prune', () => {
  it('deletes the old events after confirmation, keeps the chain verifiable and records itself', async () => {
    const c = await setup();
    expect(await c.json(['audit', 'prune', '--older-than', '30'])).toMatchObject({ events: 0 });
    await backdate(c, 4, '2020-01-01T00:00:00.000Z');
    expect(await c.json(['audit', 'verify'])).toMatchObject({ ok: true });
    const before = await c.sql<any>('select cast(count(*) as integer) as n from audit_events');
    expectFailure(await c.run(['audit', 'prune', '--older-than', '30']), 2, /needs confirmation: pass --yes/);
    expect(await c.sql<any>('select cast(count(*) as integer) as n from audit_events')).toEqual(before);

    const admin = await as(c, 'admin@acme.example');
    expectFailure(await admin.run(['audit', 'prune', '--older-than', '30', '--yes']), 5, /reserved to super admins/);

    const pruned = await c.json(['audit', 'prune', '--older-than', '30', '--yes']);
    expect(pruned).toMatchObject({ events: 4, anchorSeq: 4 });
    const [{ min }] = await c.sql<any>('select cast(min(seq) as integer) as min from audit_events');
    expect(Number(min)).toBe(5);
    expect(await c.json(['audit', 'verify'])).toMatchObject({ ok: true, fromSeq: 5 });
    const last = await c.json(['audit', 'list', '--limit', '1']);
    expect(last.items[0]).toMatchObject({ action: 'audit.prune', actor: 'root@example.com', details: { deleted: 4, olderThanDays: 30, anchorSeq: 4 } });

    // Tampering with the oldest kept event is still caught.
    await c.sql("update audit_events set action = 'x' where seq = 5");
    expect((await c.run(['audit', 'verify'])).exitCode).toBe(8);
  });

  it('takes audit.retentionDays when --older-than is missing, else asks for it (2)', async () => {
    const c = await setup();
    expectFailure(await c.run(['audit', 'prune', '--yes']), 2, /missing --older-than/);
    await c.sql("insert into tenant_settings (tenant_id, key, value, updated_at, updated_by) values ('main', 'audit.retentionDays', '10', '2026-01-01T00:00:00.000Z', null)");
    await backdate(c, 2, '2020-01-01T00:00:00.000Z');
    expect(await c.json(['audit', 'prune', '--yes'])).toMatchObject({ events: 2 });
  });
});

describe('db backup on either dialect', () => {
  it('copies an SQLite store; on PostgreSQL exits 7 naming pg_dump, writing nothing', async () => {
    const c = await initializedCli();
    const target = path.join(c.home, 'copy.db');
    const r = await c.run(['db', 'backup', target]);
    if (c.dialect === 'postgres') {
      expectFailure(r, 7, /this store is PostgreSQL.*\nhint: back it up with pg_dump: pg_dump --format=custom/s);
      expect(r.stderr).not.toMatch(/:[^@/]*@/); // no password in the URL shown
      expect(fs.existsSync(target)).toBe(false);
    } else {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    }
  });
});
