// Foundation II: the audit chain, its listing and its verification; env.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, expectFailure, initializedCli, login, type Cli } from '../helpers/cli.js';

async function withHistory() {
  const c = await initializedCli();
  for (const slug of ['acme', 'globex', 'initech']) expect((await c.run(['tenant', 'create', slug, '--name', slug])).exitCode).toBe(0);
  expect((await c.run(['tenant', 'update', 'acme', '--color', '#000000'])).exitCode).toBe(0);
  return c;
}

async function tamper(c: Cli, statement: string): Promise<void> {
  await c.sql(statement);
}

describe('audit', () => {
  it('writes one event per change and per sign-in, inside the change', async () => {
    const c = await withHistory();
    const acme = await c.json(['audit', 'list', '--tenant', 'acme']);
    expect(acme.items.map((e: any) => e.action)).toEqual(['tenant.update', 'tenant.create']);
    expect(acme.items[0]).toMatchObject({ tenant: 'acme', actor: 'root@example.com', target: 'tenant:acme', result: 'success', details: { changed: { color: '#000000' } } });
    expect(acme.nextCursor).toBeNull();
    const main = await c.json(['audit', 'list']);
    expect(main.items.map((e: any) => e.action)).toEqual(['auth.login', 'user.create', 'store.init']);
    expect(await c.json(['audit', 'verify'])).toMatchObject({ ok: true, checked: 7, headSeq: 7, firstBreak: null });
  });

  it('pages newest first with a cursor, and refuses an edited cursor (3)', async () => {
    const c = await withHistory();
    const all = await c.json(['audit', 'list', '--tenant', 'acme', '--limit', '1']);
    expect(all.items).toHaveLength(1);
    expect(all.nextCursor).toEqual(expect.any(String));
    const next = await c.json(['audit', 'list', '--tenant', 'acme', '--limit', '1', '--cursor', all.nextCursor]);
    expect(next.items[0].seq).toBeLessThan(all.items[0].seq);
    expect(next.nextCursor).toBeNull();
    const edited = all.nextCursor.replace(/^./, (ch: string) => (ch === 'A' ? 'B' : 'A'));
    expectFailure(await c.run(['audit', 'list', '--tenant', 'acme', '--cursor', edited]), 3, /invalid --cursor/);
    expectFailure(await c.run(['audit', 'list', '--cursor', 'garbage']), 3, /invalid --cursor/);
  });

  it.each([
    ['an edited row', "update audit_events set details = '{\"changed\":{\"color\":\"#ffffff\"}}' where seq = 5", 5, /do not match its hash/],
    ['an edited actor', "update audit_events set actor_id = 'someone-else' where seq = 2", 2, /do not match its hash/],
    ['a deleted row in the middle', 'delete from audit_events where seq = 3', 4, /expected event 3 next, found 4/],
    ['deleted newest rows', 'delete from audit_events where seq >= 6', 6, /events stop at 5/],
    ['reordered rows', 'update audit_events set seq = -seq where seq in (4, 5); update audit_events set seq = 5 where seq = -4; update audit_events set seq = 4 where seq = -5', 4, /previous-hash does not match|do not match its hash/],
    ['a re-chained edit', "update audit_events set target = 'tenant:evil', hash = 'x' || substr(hash, 2) where seq = 4", 4, /do not match its hash/],
  ])('audit verify reports %s (8), naming the first broken event', async (_what, statement, seq, reason) => {
    const c = await withHistory();
    await tamper(c, statement);
    const r = await c.run(['audit', 'verify', '-o', 'json']);
    expect(r.exitCode).toBe(8);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: false, firstBreak: { seq } });
    expect(result.firstBreak.reason).toMatch(reason);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'check_failed', message: expect.stringContaining(`broken at event ${seq}`) });
  });

  it("shows tenant admins only their tenant's events; verify is for super admins (5)", async () => {
    const c = await withHistory();
    const pw = 'Tenant-Admin-Pass1';
    expect((await c.run(['user', 'create', '--tenant', 'globex', '--email', 'g@globex.example', '--first-name', 'Gina', '--role', 'admin', '--password-stdin'], { input: `${pw}\n` })).exitCode).toBe(0);
    const gina = cli({ db: c.db });
    expect((await login(gina, 'g@globex.example', pw)).exitCode).toBe(0);
    const events = (await gina.json(['audit', 'list'])).items;
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e: any) => e.tenant))).toEqual(new Set(['globex']));
    expectFailure(await gina.run(['audit', 'list', '--tenant', 'acme']), 6, /not found/);
    expectFailure(await gina.run(['audit', 'verify']), 5, /reserved to super admins/);
  });
});

describe('env', () => {
  it('tells super admins the version, store, schema, counts, editions and limits', async () => {
    const c = await withHistory();
    const env = await c.json(['env']);
    expect(env).toMatchObject({
      store: { dialect: c.dialect, schemaVersion: 1 },
      counts: { tenants: 4, users: 1, apiKeys: 0 },
      editions: { tenants: true, rbac: 'enterprise' },
      limits: { sessionTtlHours: 12, invitationTtlHours: 72, apiKeyMaxTtlDays: null, lockoutMaxAttempts: 5, lockoutWindowMinutes: 15 },
    });
    expect(env.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('redacts the password of a PostgreSQL URL', async () => {
    const pg = process.env.IAMCTL_TEST_PG_URL;
    if (!pg) return expect(pg).toBeUndefined();
    const { createPgDatabase } = await import('../helpers/store.js');
    const db = await createPgDatabase();
    try {
      const url = new URL(db.url);
      url.password = 'not-needed-with-trust-auth';
      const c = await initializedCli({ db: url.toString() });
      const env = await c.json(['env']);
      expect(env.store.dialect).toBe('postgres');
      expect(JSON.stringify(env)).not.toContain('not-needed-with-trust-auth');
      expect(fs.readFileSync(`${c.home}/context.json`, 'utf8')).not.toContain('not-needed');
    } finally {
      await db.drop();
    }
  });
});
