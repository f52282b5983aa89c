// user list | show | stats, end to end: the seed's table, JSON shapes, search, filters, sorts,
// pages and their cursors, tenant isolation and --all-tenants.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminEmail, cli, expectFailure, initializedCli, login, type Cli } from '../helpers/cli.js';

const pw = 'Tenant-Admin-Pass1';
let c: Cli;
let acmeAdmin: Cli;
let viewer: Cli;

const people = [
  ['ada@acme.example', 'Ada', 'Lovelace', 'editor'],
  ['alan@acme.example', 'Alan', 'Turing', 'viewer'],
  ['grace@acme.example', 'Grace', 'Hopper', 'viewer'],
  ['bob@acme.example', 'Bob', 'Al', 'operator'],
  ['edith@acme.example', 'Édith', 'Piaf', 'viewer'],
] as const;

beforeAll(async () => {
  c = await initializedCli();
  for (const slug of ['acme', 'globex']) expect((await c.run(['tenant', 'create', slug, '--name', slug])).exitCode).toBe(0);
  const create = (tenant: string, email: string, first: string, last: string, role: string, password = false) =>
    c.run(
      ['user', 'create', '--tenant', tenant, '--email', email, '--first-name', first, ...(last ? ['--last-name', last] : []), '--role', role, password ? '--password-stdin' : '--invite'],
      { input: password ? `${pw}\n` : '' },
    );
  expect((await create('acme', 'admin@acme.example', 'Acme', 'Admin', 'admin', true)).exitCode).toBe(0);
  expect((await create('acme', 'vera@acme.example', 'Vera', 'Viewer', 'viewer', true)).exitCode).toBe(0);
  for (const [email, first, last, role] of people) expect((await create('acme', email, first, last, role)).exitCode).toBe(0);
  expect((await create('globex', 'ada@globex.example', 'Ada', 'Byron', 'admin', true)).exitCode).toBe(0);
  // States and times the list must show.
  await c.sql("update users set status = 'inactive' where email = 'grace@acme.example'");
  await c.sql("update users set status = 'deleted', deleted_at = created_at where email = 'edith@acme.example'");
  await c.sql("update users set created_at = '2020-01-01T00:00:00.000Z' where email = 'alan@acme.example'");
  await c.sql("update users set last_login_at = '2026-01-02T00:00:00.000Z' where email = 'bob@acme.example'");
  acmeAdmin = cli({ db: c.db });
  expect((await login(acmeAdmin, 'admin@acme.example', pw)).exitCode).toBe(0);
  viewer = cli({ db: c.db });
  expect((await login(viewer, 'vera@acme.example', pw)).exitCode).toBe(0);
}, 120_000);

const emails = (page: { items: { email: string }[] }) => page.items.map((u) => u.email);

describe('user list', () => {
  it("prints the seed's table (name, email, roles, status, created, last login) sorted by name, without deleted users", async () => {
    const result = await acmeAdmin.run(['user', 'list']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const rows = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ['Acme Admin', 'admin@acme.example', 'admin', 'active'],
      ['Ada Lovelace', 'ada@acme.example', 'editor', 'invited'],
      ['Alan Turing', 'alan@acme.example', 'viewer', 'invited'],
      ['Bob Al', 'bob@acme.example', 'operator', 'invited'],
      ['Grace Hopper', 'grace@acme.example', 'viewer', 'inactive'],
      ['Vera Viewer', 'vera@acme.example', 'viewer', 'active'],
    ]);
    expect(rows[2]![4]).toBe('2020-01-01T00:00:00.000Z');
    expect(rows[3]![5]).toBe('2026-01-02T00:00:00.000Z');
    expect(rows[1]![5]).toBe('never');
    expect(rows[0]![5]).toMatch(/^\d{4}-/); // signed in
  });

  it('gives { items, nextCursor } of SPEC §10 user objects with -o json', async () => {
    const page = await acmeAdmin.json(['user', 'list', '--search', 'lovelace']);
    expect(page).toEqual({
      items: [
        expect.objectContaining({
          id: expect.any(String), email: 'ada@acme.example', firstName: 'Ada', lastName: 'Lovelace', tenant: 'acme', roles: ['editor'],
          status: 'invited', createdAt: expect.stringMatching(/Z$/), lastLoginAt: null,
        }),
      ],
      nextCursor: null,
    });
  });

  it('searches names and emails (substring from 3 characters, prefix below), case-insensitively', async () => {
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'LOVE']))).toEqual(['ada@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'ada love']))).toEqual(['ada@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'acme.ex']))).toHaveLength(6);
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'al']))).toEqual(['alan@acme.example', 'bob@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'piaf']))).toEqual([]);
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'piaf', '--include-deleted']))).toEqual(['edith@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'édith', '--status', 'deleted']))).toEqual(['edith@acme.example']);
    // Another tenant's Ada is not found from acme.
    expect(emails(await acmeAdmin.json(['user', 'list', '--search', 'ada']))).toEqual(['ada@acme.example']);
    for (const term of ['"', "' or 1=1 --", '%', 'a_b', 'NEAR(x y)']) {
      expect(emails(await acmeAdmin.json(['user', 'list', '--search', term])), term).toEqual([]);
    }
  });

  it('filters by status and role, and sorts by email, created and last login, either way', async () => {
    expect(emails(await acmeAdmin.json(['user', 'list', '--status', 'inactive']))).toEqual(['grace@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--role', 'viewer']))).toEqual(['alan@acme.example', 'grace@acme.example', 'vera@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--role', 'viewer', '--status', 'active']))).toEqual(['vera@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--sort', 'email', '--desc', '--limit', '2']))).toEqual(['vera@acme.example', 'grace@acme.example']);
    expect(emails(await acmeAdmin.json(['user', 'list', '--sort', 'created', '--limit', '1']))).toEqual(['alan@acme.example']);
    // Last login: the latest first when descending, those who never signed in last.
    const byLogin = emails(await acmeAdmin.json(['user', 'list', '--sort', 'last-login', '--desc']));
    expect(byLogin.slice(0, 3)).toEqual(['vera@acme.example', 'admin@acme.example', 'bob@acme.example']); // vera signed in last
    expect(byLogin.slice(3).sort()).toEqual(['ada@acme.example', 'alan@acme.example', 'grace@acme.example']);
  });

  it('pages with --limit and --cursor to the end, and refuses a tampered cursor (3)', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { email: string }[]; nextCursor: string | null } = await acmeAdmin.json(['user', 'list', '--sort', 'email', '--limit', '4', ...(cursor ? ['--cursor', cursor] : [])]);
      seen.push(...emails(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['ada@acme.example', 'admin@acme.example', 'alan@acme.example', 'bob@acme.example', 'grace@acme.example', 'vera@acme.example']);

    const first = await acmeAdmin.run(['user', 'list', '--limit', '2']);
    const next = /more: --cursor (\S+)/.exec(first.stderr)![1]!;
    const [body, check] = next.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), v: '' })).toString('base64url');
    expectFailure(await acmeAdmin.run(['user', 'list', '--limit', '2', '--cursor', `${forged}.${check}`]), 3, /invalid --cursor/);
    expectFailure(await acmeAdmin.run(['user', 'list', '--limit', '2', '--cursor', 'nonsense']), 3, /invalid --cursor/);
    expectFailure(await acmeAdmin.run(['user', 'list', '--sort', 'email', '--cursor', next]), 3, /another listing/);
  });

  it('refuses bad values with the right exit codes', async () => {
    expectFailure(await acmeAdmin.run(['user', 'list', '--sort', 'age']), 2);
    expectFailure(await acmeAdmin.run(['user', 'list', '--status', 'gone']), 2);
    expectFailure(await acmeAdmin.run(['user', 'list', '--limit', '0']), 2);
    expectFailure(await acmeAdmin.run(['user', 'list', '--limit', '5000']), 3, /--limit/);
    expectFailure(await acmeAdmin.run(['user', 'list', '--search', '  ']), 3, /--search/);
    expectFailure(await acmeAdmin.run(['user', 'list', '--search', 'a\u0001b']), 3, /control/);
    expectFailure(await acmeAdmin.run(['user', 'list', '--role', 'nope']), 6, /role nope/);
    expectFailure(await acmeAdmin.run(['user', 'list', '--status', 'deleted', '--include-deleted']), 2);
  });

  it('lists every tenant for super admins with --all-tenants (a tenant column), and refuses it to others', async () => {
    const all = await c.json(['user', 'list', '--all-tenants', '--search', 'ada']);
    expect(all.items.map((u: { email: string; tenant: string | null }) => [u.tenant, u.email])).toEqual([['globex', 'ada@globex.example'], ['acme', 'ada@acme.example']]); // Ada Byron, Ada Lovelace
    const table = await c.run(['user', 'list', '--all-tenants', '--sort', 'email', '--limit', '3']);
    expect(table.stdout.split('\n')[0]!.split('\t').slice(0, 3)).toEqual(['acme', 'Ada Lovelace', 'ada@acme.example']);
    const main = await c.json(['user', 'list']);
    expect(emails(main)).toEqual([adminEmail]); // the main account lists its own users
    expectFailure(await acmeAdmin.run(['user', 'list', '--all-tenants']), 5);
    expectFailure(await c.run(['user', 'list', '--all-tenants', '--tenant', 'acme']), 2);
  });

  it('is refused to users without users:read (5), and --columns may add the id', async () => {
    expectFailure(await viewer.run(['user', 'list']), 5);
    const ids = await acmeAdmin.run(['user', 'list', '--columns', 'email,id', '--search', 'grace']);
    expect(ids.stdout).toMatch(/^grace@acme\.example\t[a-z0-9]+\n$/);
  });
});

describe('user show', () => {
  it('shows a user with role assignments: role, by, at, via (direct or team)', async () => {
    expect((await c.run(['team', 'create', 'eng', '--tenant', 'acme'])).exitCode).toBe(0);
    expect((await c.run(['team', 'grant', 'eng', 'editor', '--tenant', 'acme', '--yes'])).exitCode).toBe(0);
    expect((await c.run(['team', 'add-member', 'eng', 'alan@acme.example', '--tenant', 'acme'])).exitCode).toBe(0);
    const user = await acmeAdmin.json(['user', 'show', 'ALAN@acme.example']);
    expect(user).toMatchObject({ email: 'alan@acme.example', tenant: 'acme', roles: ['viewer'], status: 'invited', teams: ['eng'] });
    expect(user.roleAssignments).toEqual([
      { role: 'editor', assignedBy: adminEmail, assignedAt: expect.stringMatching(/Z$/), via: 'team:eng' },
      { role: 'viewer', assignedBy: adminEmail, assignedAt: expect.stringMatching(/Z$/), via: 'direct' },
    ]);
    const byId = await acmeAdmin.json(['user', 'show', user.id]);
    expect(byId.email).toBe('alan@acme.example');
    const table = await acmeAdmin.run(['user', 'show', 'alan@acme.example']);
    expect(table.stdout).toMatch(/^email\talan@acme\.example$/m);
    expect(table.stdout).toMatch(/^editor\troot@example\.com\t\S+\tteam:eng$/m);
    expect(table.stdout).toMatch(/^viewer\troot@example\.com\t\S+\tdirect$/m);
  });

  it("answers another tenant's user exactly like a missing one (6)", async () => {
    const other = await acmeAdmin.run(['user', 'show', 'ada@globex.example']);
    const missing = await acmeAdmin.run(['user', 'show', 'nobody@globex.example']);
    expectFailure(other, 6);
    expectFailure(missing, 6);
    expect(other.stderr.replace('ada@', 'X@')).toBe(missing.stderr.replace('nobody@', 'X@'));
    const id = (await c.sql<{ id: string }>("select id from users where email = 'ada@globex.example'"))[0]!.id;
    expectFailure(await acmeAdmin.run(['user', 'show', id]), 6, /not found/);
    expectFailure(await viewer.run(['user', 'show', 'ada@acme.example']), 5);
  });

  it('shows a deleted user with its status', async () => {
    expect(await acmeAdmin.json(['user', 'show', 'edith@acme.example'])).toMatchObject({ status: 'deleted', deletedAt: expect.any(String) });
  });
});

describe('user stats', () => {
  it('counts total (not deleted), administrators, active and new this week in the acting tenant', async () => {
    const stats = await acmeAdmin.json(['user', 'stats']);
    // 6 not deleted; admin@ is an administrator; admin@ and vera@ are active; alan@ is old.
    expect(stats).toMatchObject({ tenant: 'acme', total: 6, administrators: 1, active: 2, newThisWeek: 5 });
    // An administrator through a team counts once.
    expect((await c.run(['team', 'create', 'admins', '--tenant', 'acme'])).exitCode).toBe(0);
    expect((await c.run(['team', 'grant', 'admins', 'admin', '--tenant', 'acme', '--yes'])).exitCode).toBe(0);
    for (const who of ['grace@acme.example', 'admin@acme.example']) {
      expect((await c.run(['team', 'add-member', 'admins', who, '--tenant', 'acme'])).exitCode).toBe(0);
    }
    expect(await acmeAdmin.json(['user', 'stats'])).toMatchObject({ total: 6, administrators: 2 });
    expect(await c.json(['user', 'stats', '--tenant', 'globex'])).toMatchObject({ tenant: 'globex', total: 1, administrators: 1, active: 1 });
    expect(await c.json(['user', 'stats'])).toMatchObject({ tenant: null, total: 1, administrators: 1 });
    const table = await acmeAdmin.run(['user', 'stats']);
    expect(table.stdout).toMatch(/^total\t6$/m);
    expect(table.stdout).toMatch(/^new this week\t5$/m);
    expectFailure(await viewer.run(['user', 'stats']), 5);
  });
});
