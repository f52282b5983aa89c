// user list queries on a real store (both dialects): every sort, direction and filter paged to
// the end equals the whole answer computed here; searches and pages are answered from indexes.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUsers, userQuery, type ListUsersOptions } from '../../src/core/user-queries.js';
import { insertUser, newUserRow } from '../../src/core/users.js';
import type { User } from '../../src/core/model.js';
import { candidateSql, setDriveLimitForTests, userPageSql } from '../../src/store/user-search.js';
import { fixture, type Fixture } from '../helpers/fixture.js';
import { dialects } from '../helpers/store.js';

const firsts = ['Ada', 'Alan', 'Grace', 'Édith', 'Bo', 'Zoë', 'Al', 'Ana María', "O'Neil", 'Lin'];
const lasts = ['Lovelace', 'Turing', 'Hopper', 'Piaf', '', 'Al', 'Love', 'de la Cruz', 'Smith', 'Ng'];
const statuses = ['active', 'invited', 'inactive', 'deleted'] as const;

/** n users in one transaction through the core insert path, with varied names, states and times. */
async function seed(f: Fixture, tenantId: string, n: number, domain: string): Promise<void> {
  await f.store.write(async (trx) => {
    for (let i = 0; i < n; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + (i % 17) * 3_600_000).toISOString();
      const row = newUserRow({ tenantId, email: `u${i}.${firsts[i % 10]!.replace(/[^a-z]/gi, '')}@${domain}`, firstName: firsts[i % 10]!, lastName: lasts[(i * 7) % 10]!, passwordHash: null, at });
      const status = statuses[i % 4]!;
      const lastLogin = i % 3 === 0 ? null : new Date(Date.UTC(2026, 0, 2) + (i % 5) * 60_000).toISOString();
      await insertUser(trx, { ...row, status, last_login_at: lastLogin, deleted_at: status === 'deleted' ? at : null }, { roles: [i % 5 === 0 ? 'editor' : 'viewer'], teams: [], actorId: null, at });
    }
  });
}

async function allPages(f: Fixture, options: ListUsersOptions, limit: number): Promise<User[]> {
  const seen: User[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await listUsers(f.deps, { ...options, limit, cursor });
    seen.push(...page.items);
    if (page.nextCursor === null) return seen;
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('did not end');
}

const bytes = (a: string, b: string) => (Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** The expected order, computed from the whole set. */
function expected(users: User[], sort: string, desc: boolean): string[] {
  const key = (u: User): string | null =>
    sort === 'email' ? u.email.toLowerCase() : sort === 'created' ? u.createdAt : sort === 'last-login' ? u.lastLoginAt : `${u.firstName} ${u.lastName}`.trim().toLowerCase();
  const sorted = [...users].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka === null || kb === null) return ka === kb ? bytes(a.id, b.id) : ka === null ? -1 : 1;
    return bytes(ka, kb) || (sort === 'email' ? 0 : bytes(a.id, b.id));
  });
  return (desc ? sorted.reverse() : sorted).map((u) => u.id);
}

describe.each(dialects)('user list queries on %s', (dialect) => {
  let f: Fixture;
  let everyone: User[];
  beforeAll(async () => {
    f = await fixture(dialect);
    await seed(f, f.acme, 240, 'acme.example');
    await seed(f, f.globex, 60, 'globex.example');
    everyone = (await listUsers(f.deps, { tenantId: f.acme, includeDeleted: true, limit: 1000 })).items;
    expect(everyone).toHaveLength(240);
  }, 120_000);
  afterAll(async () => f?.cleanup());

  it.each(['name', 'email', 'created', 'last-login'])('pages by %s, both directions, to exactly the whole ordered set', async (sort) => {
    for (const desc of [false, true]) {
      const visible = everyone.filter((u) => u.status !== 'deleted');
      expect((await allPages(f, { tenantId: f.acme, sort, desc }, 7)).map((u) => u.id)).toEqual(expected(visible, sort, desc));
      const active = everyone.filter((u) => u.status === 'active');
      expect((await allPages(f, { tenantId: f.acme, sort, desc, status: 'active' }, 11)).map((u) => u.id)).toEqual(expected(active, sort, desc));
    }
  });

  it.each([['driven by the trigram index', undefined], ['walking the sort index (common terms)', 0]])('searches email and full name by substring (3+ characters) and by prefix (fewer), with filters, %s', async (_plan, driveLimit) => {
    setDriveLimitForTests(driveLimit);
    const ids = async (options: Omit<ListUsersOptions, 'tenantId'>) => (await allPages(f, { tenantId: f.acme, ...options }, 5)).map((u) => u.id);
    const visible = everyone.filter((u) => u.status !== 'deleted');
    const name = (u: User) => `${u.firstName} ${u.lastName}`.trim().toLowerCase();
    const contains = (term: string) => visible.filter((u) => u.email.toLowerCase().includes(term) || name(u).includes(term));
    const prefix = (term: string) => visible.filter((u) => u.email.toLowerCase().startsWith(term) || name(u).startsWith(term) || u.lastName.toLowerCase().startsWith(term));
    for (const term of ['love', 'LOVE', 'ada love', 'édith', 'zoë', "o'neil", 'de la cruz', 'acme.ex', 'u13.']) {
      const want = contains(term.toLowerCase());
      expect(await ids({ search: term }), term).toEqual(expected(want, 'name', false));
    }
    expect(contains('ada love').length).toBeGreaterThan(0);
    expect(await ids({ search: 'turing love' })).toEqual([]); // words in the wrong place: no substring
    for (const term of ['al', 'A', 'bo', 'u1', 'ng']) {
      expect(await ids({ search: term }), term).toEqual(expected(prefix(term.toLowerCase()), 'name', false));
    }
    // Quotes, wildcards and FTS syntax are only characters.
    for (const term of ['"', 'a"b', '%', '_', 'lo%e', 'NEAR(a b)', 'ada OR zoë', '*']) expect(await ids({ search: term }), term).toEqual([]);
    const editors = visible.filter((u) => u.roles.includes('editor') && contains('love').includes(u));
    expect(await ids({ search: 'love', role: 'editor' })).toEqual(expected(editors, 'name', false));
    const deleted = everyone.filter((u) => u.status === 'deleted' && u.email.includes('u1'));
    expect(await ids({ search: 'u1', status: 'deleted' })).toEqual(expected(deleted, 'name', false));
    const withDeleted = everyone.filter((u) => u.email.includes('piaf') || name(u).includes('piaf'));
    expect(await ids({ search: 'piaf', includeDeleted: true, sort: 'email', desc: true })).toEqual(expected(withDeleted, 'email', true));
    const lastLogin = contains('love').filter((u) => u.lastLoginAt === null || u.lastLoginAt > '2026-01-02T00:01');
    expect(lastLogin.length).toBeGreaterThan(3);
    expect((await ids({ search: 'love', sort: 'last-login', desc: true })).filter((id) => lastLogin.some((u) => u.id === id))).toEqual(expected(lastLogin, 'last-login', true));
    setDriveLimitForTests();
  });

  it('keeps tenants apart, and lists every tenant when asked', async () => {
    const acme = await allPages(f, { tenantId: f.acme, search: 'globex' }, 50);
    expect(acme).toEqual([]);
    const all = await allPages(f, { tenantId: undefined, search: 'example', sort: 'email' }, 50);
    expect(new Set(all.map((u) => u.tenant))).toEqual(new Set(['acme', 'globex', null]));
  });

  it('refuses tampered cursors, cursors of another listing and bad values (3)', async () => {
    const page = await listUsers(f.deps, { tenantId: f.acme, limit: 3 });
    const [body, check] = page.nextCursor!.split('.');
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), v: 'a' })).toString('base64url');
    for (const cursor of [`${edited}.${check}`, `${body}.x${check}`, 'garbage', `${body}`]) {
      await expect(listUsers(f.deps, { tenantId: f.acme, cursor })).rejects.toMatchObject({ code: 'validation' });
    }
    await expect(listUsers(f.deps, { tenantId: f.acme, cursor: page.nextCursor!, sort: 'email' })).rejects.toThrow(/another listing/);
    await expect(listUsers(f.deps, { tenantId: f.acme, cursor: page.nextCursor!, search: 'ada' })).rejects.toThrow(/another listing/);
    for (const search of ['', '   ', 'a\u0000b', 'x'.repeat(255)]) {
      await expect(listUsers(f.deps, { tenantId: f.acme, search })).rejects.toMatchObject({ code: 'validation' });
    }
    await expect(listUsers(f.deps, { tenantId: f.acme, role: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(listUsers(f.deps, { tenantId: f.acme, limit: 1001 })).rejects.toMatchObject({ code: 'validation' });
  });

  it('answers searches and pages from indexes (query plans)', async () => {
    const db = f.store.db;
    const plan = async (options: Omit<ListUsersOptions, 'tenantId'> & { tenantId?: string | undefined }, after?: { value: string | null; id: string }, candidates = false) => {
      const q = userQuery({ tenantId: f.acme, ...options });
      const compiled = candidates ? candidateSql(db, q)! : await userPageSql(db, q, 51, after);
      return f.store.read(async (trx) => {
        if (dialect === 'postgres') {
          await sql`analyze users`.execute(trx);
          // A few hundred rows fit in a page or two, where a sequential scan is always cheapest;
          // forbid it so the plan shows which index the statement can use.
          await sql`set local enable_seqscan = off`.execute(trx);
          // And pages (no search): would it walk an index in order rather than sort?
          if (options.search === undefined) await sql`set local enable_sort = off`.execute(trx);
          const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` });
          return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        }
        const rows = await trx.executeQuery<{ detail: string }>({ ...compiled, sql: `explain query plan ${compiled.sql}` });
        return rows.rows.map((r) => r.detail).join('\n');
      });
    };
    const search = await plan({ search: 'lovelace' });
    // Every tenant: no tenant index to narrow by, so only the trigram index can answer.
    const everywhere = await plan({ search: 'lovelace', tenantId: undefined });
    const searchCandidates = dialect === 'sqlite' ? await plan({ search: 'lovelace' }, undefined, true) : '';
    const shortCandidates = dialect === 'sqlite' ? await plan({ search: 'al' }, undefined, true) : '';
    const short = await plan({ search: 'al' });
    const byName = await plan({}, { value: 'm', id: 'x' });
    const byLogin = await plan({ sort: 'last-login', desc: true }, { value: '2026-01-02T00:00:00.000Z', id: 'x' });
    const byEmail = await plan({ sort: 'email' });
    if (dialect === 'postgres') {
      expect(search).not.toMatch(/Seq Scan/);
      expect(everywhere).toMatch(/Bitmap Index Scan on users_search_trgm/);
      expect(short).not.toMatch(/Seq Scan/);
      expect(byName).toMatch(/Index Scan using users_tenant_name/);
      expect(byName).not.toMatch(/Sort/);
      expect(byLogin).toMatch(/Index Scan Backward using users_tenant_last_login/);
      expect(byLogin).not.toMatch(/Sort/);
      expect(byEmail).toMatch(/Index Scan using users_tenant_email/);
    } else {
      // The candidates come from the FTS5 index; the page reads them by rid and sorts them.
      expect(searchCandidates).toMatch(/SCAN users_fts VIRTUAL TABLE INDEX/);
      expect(search).toMatch(/SCAN json_each[^]*SEARCH users USING INTEGER PRIMARY KEY/);
      expect(search).not.toMatch(/SCAN users/);
      expect(everywhere).toMatch(/SCAN json_each[^]*SEARCH users USING INTEGER PRIMARY KEY/);
      setDriveLimitForTests(0);
      expect(await plan({ search: 'lovelace' })).toMatch(/SEARCH users USING INDEX users_tenant_name \(tenant_id=\?\)/);
      setDriveLimitForTests();
      expect(shortCandidates).toMatch(/SEARCH users USING COVERING INDEX users_tenant_email \(tenant_id=\? AND email_lower>\? AND email_lower<\?\)/);
      expect(shortCandidates).toMatch(/SEARCH users USING COVERING INDEX users_tenant_name \(tenant_id=\? AND name_lower>\? AND name_lower<\?\)/);
      expect(shortCandidates).toMatch(/SEARCH users USING COVERING INDEX users_tenant_last_name/);
      expect(short).toMatch(/SEARCH users USING INTEGER PRIMARY KEY/);
      expect(byName).toMatch(/SEARCH users USING INDEX users_tenant_name \(tenant_id=\? AND \(name_lower,id\)>\(\?,\?\)\)/);
      expect(byName).not.toMatch(/TEMP B-TREE/);
      expect(byLogin).toMatch(/SEARCH users USING INDEX users_tenant_last_login/);
      expect(byLogin).not.toMatch(/TEMP B-TREE/);
      expect(byEmail).toMatch(/SEARCH users USING INDEX users_tenant_email/);
      expect(byEmail).not.toMatch(/TEMP B-TREE/);
    }
  });
});
