// user import: every format, every bad input of issue 9 (exit 3 naming line and field, store
// unchanged), conflicts, dry runs, tenants and who may name them, bcrypt sign-in.
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { cli, initializedCli, login, type Cli, type CliResult } from '../helpers/cli.js';

const argon2Hash = '$argon2id$v=19$m=19456,t=2,p=1$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0';
const header = 'email,firstName,lastName,roles,teams,tenant,passwordHash';
const adminPw = 'Tenant-Admin-Pass1';

async function setup(): Promise<Cli> {
  const c = await initializedCli();
  for (const slug of ['acme', 'globex']) expect((await c.run(['tenant', 'create', slug, '--name', slug])).exitCode).toBe(0);
  return c;
}

function file(c: Cli, name: string, content: string | Buffer): string {
  const target = path.join(c.home, name);
  fs.writeFileSync(target, content);
  return target;
}

async function state(c: Cli) {
  const [users] = await c.sql<{ n: number }>('select cast(count(*) as integer) as n from users');
  const [head] = await c.sql<{ seq: number }>('select cast(seq as integer) as seq from audit_head');
  const [invites] = await c.sql<{ n: number }>('select cast(count(*) as integer) as n from invitations');
  return { users: Number(users!.n), head: Number(head!.seq), invites: Number(invites!.n) };
}

/** Exit code, empty stdout, a report line naming line and field, then the one error line (and hint). */
function expectReport(r: CliResult, code: number, line: number, field: string | null, reason: RegExp): void {
  expect(r.exitCode, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  const report = lines.filter((l) => l.startsWith('line '));
  const prefix = `line ${line}${field ? `, ${field}` : ''}: `;
  const match = report.find((l) => l.startsWith(prefix));
  expect(match, `no report line starting "${prefix}" in:\n${r.stderr}`).toBeDefined();
  expect(match).toMatch(reason);
  const errorLine = lines.find((l) => l.startsWith('error: '));
  expect(errorLine).toMatch(/nothing was imported \((validation|conflict)\)$/);
}

describe('user import: happy paths', () => {
  it('imports CSV with roles, teams, tenants and hashes: active with a hash, invited without, audited per tenant', async () => {
    const c = await setup();
    await c.sql("insert into teams (tenant_id, id, name, created_at, created_by) select id, 'team1', 'ops', '2026-01-01T00:00:00.000Z', null from tenants where slug = 'acme'");
    const bcryptHash = bcrypt.hashSync('Imported-Pass1', 4);
    const csv = [
      header,
      `ada@acme.example,Ada,Lovelace,admin;editor,ops,acme,"${argon2Hash}"`,
      `bob@acme.example,Bob,,,,acme,${bcryptHash}`,
      'cy@globex.example,Cy,Young,viewer,,globex,',
      '"dee@globex.example","Dee","O\'Neil","operator",,"globex",""',
    ].join('\n');
    const summary = await c.json(['user', 'import', file(c, 'users.csv', csv)]);
    expect(summary).toEqual({ format: 'csv', dryRun: false, onConflict: 'fail', rows: 4, created: 4, updated: 0, skipped: 0, invited: 2, transactions: 1, bomStripped: false });
    const users = await c.sql<any>("select u.email, u.status, t.slug from users u join tenants t on t.id = u.tenant_id where u.email <> 'root@example.com' order by u.email");
    expect(users).toEqual([
      { email: 'ada@acme.example', status: 'active', slug: 'acme' },
      { email: 'bob@acme.example', status: 'active', slug: 'acme' },
      { email: 'cy@globex.example', status: 'invited', slug: 'globex' },
      { email: 'dee@globex.example', status: 'invited', slug: 'globex' },
    ]);
    const roles = await c.sql<any>("select r.role_id from role_assignments r join users u on u.id = r.user_id where u.email = 'ada@acme.example' order by r.role_id");
    expect(roles.map((r: any) => r.role_id)).toEqual(['admin', 'editor']);
    const defaultRole = await c.sql<any>("select r.role_id from role_assignments r join users u on u.id = r.user_id where u.email = 'bob@acme.example'");
    expect(defaultRole).toEqual([{ role_id: 'viewer' }]);
    const teams = await c.sql<any>("select m.team_id from team_members m join users u on u.id = m.user_id where u.email = 'ada@acme.example'");
    expect(teams).toEqual([{ team_id: 'team1' }]);
    expect((await state(c)).invites).toBe(2);
    const acme = await c.json(['audit', 'list', '--tenant', 'acme', '--action', 'user.import']);
    expect(acme.items).toHaveLength(1);
    expect(acme.items[0]).toMatchObject({ actor: 'root@example.com', details: { created: 2, invited: 0, updated: 0, format: 'csv' } });
    expect(JSON.stringify(acme.items[0].details)).not.toContain('@');
    const globex = await c.json(['audit', 'list', '--tenant', 'globex', '--action', 'user.import']);
    expect(globex.items[0].details).toMatchObject({ created: 2, invited: 2 });
    // One pending invitation and one invitation.create event per invited user, in the chain.
    const invitations = await c.sql<any>('select u.email, i.revoked_at, i.accepted_at from invitations i join users u on u.id = i.user_id order by u.email');
    expect(invitations).toEqual([
      { email: 'cy@globex.example', revoked_at: null, accepted_at: null },
      { email: 'dee@globex.example', revoked_at: null, accepted_at: null },
    ]);
    const created = await c.json(['audit', 'list', '--tenant', 'globex', '--action', 'invitation.create']);
    expect(created.items.map((e: any) => e.target).sort()).toEqual(['user:cy@globex.example', 'user:dee@globex.example']);
    expect(await c.json(['audit', 'verify'])).toMatchObject({ ok: true });

    // bcrypt verifies once, then the stored hash is argon2id.
    const bob = cli({ db: c.db });
    expect((await login(bob, 'bob@acme.example', 'Imported-Pass1')).exitCode).toBe(0);
    const [stored] = await c.sql<any>("select password_hash from users where email = 'bob@acme.example'");
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect((await login(bob, 'bob@acme.example', 'Imported-Pass1')).exitCode).toBe(0);
    expect((await login(bob, 'bob@acme.example', 'Wrong-Pass1')).exitCode).toBe(4);
  });

  it.each([
    ['a JSON array', 'users.json', JSON.stringify([{ email: 'a1@acme.example', firstName: 'Ann', roles: ['editor'] }, { email: 'a2@acme.example', first_name: 'Al', lastName: null }], null, 2)],
    ['NDJSON', 'users.ndjson', '{"email":"a1@acme.example","firstName":"Ann","roles":"editor"}\n\n{"email":"a2@acme.example","firstName":"Al"}\n'],
    ['CSV with CRLF line ends', 'users.csv', 'email,firstName,roles\r\na1@acme.example,Ann,editor\r\na2@acme.example,Al,\r\n'],
    ['CSV with a BOM', 'users.csv', '\uFEFFemail,firstName,roles\na1@acme.example,Ann,editor\na2@acme.example,Al,\n'],
    ['JSON read from stdin (sniffed)', '-', '[{"email":"a1@acme.example","firstName":"Ann","roles":["editor"]},{"email":"a2@acme.example","firstName":"Al"}]'],
    ['NDJSON read from stdin (sniffed)', '-', '{"email":"a1@acme.example","firstName":"Ann","roles":["editor"]}\r\n{"email":"a2@acme.example","firstName":"Al"}'],
    ['CSV read from stdin', '-', 'email,firstName,roles\na1@acme.example,Ann,editor\na2@acme.example,Al,'],
  ])('imports %s', async (_what, name, content) => {
    const c = await setup();
    const args = ['user', 'import', name === '-' ? '-' : file(c, name, content), '--tenant', 'acme'];
    const r = await c.run([...args, '-o', 'json'], name === '-' ? { input: content } : {});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 2, created: 2, invited: 2, bomStripped: content.startsWith('\uFEFF') });
    if (content.startsWith('\uFEFF')) expect(r.stderr).toMatch(/byte-order mark \(BOM\); it was stripped/);
    const roles = await c.sql<any>("select r.role_id from role_assignments r join users u on u.id = r.user_id where u.email = 'a1@acme.example'");
    expect(roles).toEqual([{ role_id: 'editor' }]);
  });

  it('checks without writing on --dry-run, and prints the counts', async () => {
    const c = await setup();
    const before = await state(c);
    const r = await c.run(['user', 'import', file(c, 'u.csv', `email,firstName\nx@acme.example,Xavier\n`), '--tenant', 'acme', '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/would create\t1/);
    expect(r.stderr).toMatch(/dry run: 1 rows checked, nothing written/);
    expect(await state(c)).toEqual(before);
  });

  it('handles existing users with --on-conflict fail (7), skip and update', async () => {
    const c = await setup();
    const first = file(c, 'u.csv', 'email,firstName,lastName,roles\nada@acme.example,Ada,Lovelace,viewer\nbob@acme.example,Bob,,\n');
    expect((await c.run(['user', 'import', first, '--tenant', 'acme'])).exitCode).toBe(0);
    const before = await state(c);
    const again = file(c, 'again.csv', `email,firstName,lastName,roles,passwordHash\nADA@acme.example,Adaline,,admin,"${argon2Hash}"\ncy@acme.example,Cy,,,\n`);
    expectReport(await c.run(['user', 'import', again, '--tenant', 'acme']), 7, 2, 'email', /already exists/);
    expect(await state(c)).toEqual(before);

    expect(await c.json(['user', 'import', again, '--tenant', 'acme', '--on-conflict', 'skip'])).toMatchObject({ created: 1, skipped: 1, updated: 0 });
    const [ada] = await c.sql<any>("select first_name, last_name, status from users where email = 'ada@acme.example'");
    expect(ada).toEqual({ first_name: 'Ada', last_name: 'Lovelace', status: 'invited' });

    const update = file(c, 'update.csv', `email,firstName,lastName,roles,passwordHash\nada@acme.example,Adaline,,admin;editor,"${argon2Hash}"\n`);
    expect(await c.json(['user', 'import', update, '--tenant', 'acme', '--on-conflict', 'update'])).toMatchObject({ created: 0, updated: 1 });
    const [updated] = await c.sql<any>("select first_name, last_name, status, password_hash from users where email = 'ada@acme.example'");
    expect(updated).toEqual({ first_name: 'Adaline', last_name: 'Lovelace', status: 'active', password_hash: argon2Hash });
    const roles = await c.sql<any>("select r.role_id from role_assignments r join users u on u.id = r.user_id where u.email = 'ada@acme.example' order by r.role_id");
    expect(roles.map((r: any) => r.role_id)).toEqual(['admin', 'editor']);
    const pending = await c.sql<any>("select cast(count(*) as integer) as n from invitations i join users u on u.id = i.user_id where u.email = 'ada@acme.example' and i.revoked_at is null");
    expect(Number(pending[0].n)).toBe(0);

    // A user of another tenant is never updated from here.
    const other = file(c, 'other.csv', 'email,firstName\nada@acme.example,Ada\n');
    expectReport(await c.run(['user', 'import', other, '--tenant', 'globex', '--on-conflict', 'update']), 7, 2, 'email', /another tenant/);
    expect(await c.json(['audit', 'verify'])).toMatchObject({ ok: true });
  });

  it('commits every --batch rows: one transaction and one event per batch and tenant', async () => {
    const c = await setup();
    const rows = Array.from({ length: 5 }, (_, i) => `u${i}@acme.example,User,,,,,"${argon2Hash}"`);
    const r = await c.json(['user', 'import', file(c, 'b.csv', [header, ...rows].join('\n')), '--tenant', 'acme', '--batch', '2']);
    expect(r).toMatchObject({ created: 5, transactions: 3 });
    const events = await c.json(['audit', 'list', '--tenant', 'acme', '--action', 'user.import']);
    expect(events.items.map((e: any) => [e.details.batch, e.details.created])).toEqual([[3, 1], [2, 2], [1, 2]]);
  });

  it('lets tenant admins import into their own tenant only; other tenants look missing', async () => {
    const c = await setup();
    expect((await c.run(['user', 'create', '--tenant', 'acme', '--email', 'admin@acme.example', '--first-name', 'Admin', '--role', 'admin', '--password-stdin'], { input: `${adminPw}\n` })).exitCode).toBe(0);
    const admin = cli({ db: c.db });
    expect((await login(admin, 'admin@acme.example', adminPw)).exitCode).toBe(0);
    const own = file(admin, 'own.csv', 'email,firstName,tenant\nx@acme.example,Xena,acme\ny@acme.example,Yann,\n');
    expect(await admin.json(['user', 'import', own])).toMatchObject({ created: 2 });
    const before = await state(c);
    const foreign = file(admin, 'foreign.csv', 'email,firstName,tenant\nz@globex.example,Zed,globex\n');
    expectReport(await admin.run(['user', 'import', foreign]), 3, 2, 'tenant', /tenant globex not found/);
    const superAdmin = file(admin, 'sa.csv', 'email,firstName,roles\nroot2@example.com,Root,super-admin\n');
    expectReport(await admin.run(['user', 'import', superAdmin]), 3, 2, 'roles', /super-admin is only for main-account users/);
    expect(await state(c)).toEqual(before);
    const viewer = cli({ db: c.db });
    expect((await c.run(['user', 'create', '--tenant', 'acme', '--email', 'v@acme.example', '--first-name', 'Vera', '--role', 'viewer', '--password-stdin'], { input: `${adminPw}\n` })).exitCode).toBe(0);
    expect((await login(viewer, 'v@acme.example', adminPw)).exitCode).toBe(0);
    const denied = await viewer.run(['user', 'import', own]);
    expect(denied.exitCode).toBe(5);
  });
});

const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);

describe('user import: bad input (exit 3 naming line and field; store unchanged)', () => {
  it.each<[string, string, string | Buffer, number, string | null, RegExp]>([
    ['a missing header', 'u.csv', 'ada@acme.example,Ada\nbob@acme.example,Bob\n', 1, null, /missing header row/],
    ['an unknown column', 'u.csv', 'email,firstName,nickname\nada@acme.example,Ada,A\n', 1, 'nickname', /unknown column "nickname"/],
    ['a password column', 'u.csv', 'email,firstName,password\nada@acme.example,Ada,Secret-Pass1\n', 1, 'password', /plain-text passwords are never accepted/],
    ['a missing required column', 'u.csv', 'email,lastName\nada@acme.example,Lovelace\n', 1, 'firstName', /missing column firstName/],
    ['a wrong column count', 'u.csv', 'email,firstName,lastName\nada@acme.example,Ada,L\nbob@acme.example,Bob\n', 3, null, /2 fields, but the header has 3 columns/],
    ['an unquoted argon2 hash', 'u.csv', `email,firstName,passwordHash\nada@acme.example,Ada,${argon2Hash}\n`, 2, null, /argon2 hash contains commas: quote it/],
    ['an unclosed quote', 'u.csv', 'email,firstName\nada@acme.example,Ada\n"bob@acme.example,Bob\ncy@acme.example,Cy\n', 3, null, /never closed/],
    ['text after a closing quote', 'u.csv', 'email,firstName\n"ada@acme.example"x,Ada\n', 2, null, /after a closing quote/],
    ['a 10 MB line', 'u.csv', `email,firstName\nada@acme.example,Ada\nbob@acme.example,${tenMegabytes}\n`, 3, null, /longer than 64 KiB/],
    ['a 10 MB NDJSON line', 'u.ndjson', `{"email":"ada@acme.example","firstName":"Ada"}\n{"email":"${tenMegabytes}"}\n`, 2, null, /longer than 64 KiB/],
    ['UTF-16', 'u.csv', Buffer.from('\uFEFFemail,firstName\n', 'utf16le'), 1, null, /UTF-16/],
    ['invalid JSON in an array', 'u.json', '[\n{"email":"ada@acme.example","firstName":"Ada"},\n{"email": "bob@acme.example" "firstName": "Bob"}\n]', 3, null, /invalid JSON/],
    ['a JSON array never closed', 'u.json', '[\n{"email":"ada@acme.example","firstName":"Ada"}\n', 3, null, /never closed/],
    ['JSON that is not an array', 'u.json', '{"users": []}', 1, null, /expected a JSON array/],
    ['an invalid NDJSON line', 'u.ndjson', '{"email":"ada@acme.example","firstName":"Ada"}\n{"email":\n', 2, null, /invalid JSON/],
    ['an NDJSON line that is not an object', 'u.ndjson', '{"email":"ada@acme.example","firstName":"Ada"}\n["bob"]\n', 2, null, /expected a JSON object/],
    ['an unknown JSON field', 'u.ndjson', '{"email":"ada@acme.example","firstName":"Ada","age":3}\n', 1, 'age', /unknown field/],
    ['a password in JSON', 'u.json', '[{"email":"ada@acme.example","firstName":"Ada","password":"Secret-Pass1"}]', 1, 'password', /plain-text passwords/],
    ['duplicate emails in the file', 'u.csv', 'email,firstName\nada@acme.example,Ada\nbob@acme.example,Bob\nADA@acme.example,Ada\n', 4, 'email', /the same email as line 2/],
    ['an unknown role', 'u.csv', 'email,firstName,roles\nada@acme.example,Ada,wizard\n', 2, 'roles', /unknown role wizard/],
    ['an unknown tenant', 'u.csv', 'email,firstName,tenant\nada@acme.example,Ada,nowhere\n', 2, 'tenant', /tenant nowhere not found/],
    ['an unknown team', 'u.csv', 'email,firstName,teams\nada@acme.example,Ada,ghosts\n', 2, 'teams', /unknown team ghosts/],
    ['a sha512-crypt hash', 'u.csv', 'email,firstName,passwordHash\nada@acme.example,Ada,$6$rounds=5000$salt$abc\n', 2, 'passwordHash', /unknown scheme/],
    ['an MD5 digest', 'u.csv', 'email,firstName,passwordHash\nada@acme.example,Ada,5f4dcc3b5aa765d61d8327deb882cf99\n', 2, 'passwordHash', /unknown scheme/],
    ['a truncated bcrypt hash', 'u.csv', 'email,firstName,passwordHash\nada@acme.example,Ada,$2b$10$abc\n', 2, 'passwordHash', /malformed password hash/],
    ['a plain-text password', 'u.csv', 'email,firstName,passwordHash\nada@acme.example,Ada,Summer2024!\n', 2, 'passwordHash', /plain-text password/],
    ['an invalid email', 'u.csv', 'email,firstName\nnot-an-email,Ada\n', 2, 'email', /invalid email "not-an-email": it has no @/],
    ['a too short first name', 'u.csv', 'email,firstName\nada@acme.example,A\n', 2, 'firstName', /at least 2 characters/],
    ['an unknown status', 'u.csv', 'email,firstName,status\nada@acme.example,Ada,boss\n', 2, 'status', /unknown status/],
  ])('refuses %s', async (_what, name, content, line, field, reason) => {
    const c = await setup();
    const before = await state(c);
    const r = await c.run(['user', 'import', file(c, name, content), '--tenant', 'acme']);
    expectReport(r, 3, line, field, reason);
    expect(r.stderr).not.toContain('Secret-Pass1');
    expect(r.stderr).not.toContain('Summer2024');
    expect(await state(c)).toEqual(before);
  });

  it('reports every bad row at once (line, field, reason), as JSON with -o json', async () => {
    const c = await setup();
    const csv = 'email,firstName,lastName\nok@acme.example,Okay,\nbad,Bo,\nfine@acme.example,F,L\u202e\nok@acme.example,Again,\n';
    const r = await c.run(['user', 'import', file(c, 'u.csv', csv), '--tenant', 'acme', '-o', 'json']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('');
    const { error } = JSON.parse(r.stderr);
    expect(error).toMatchObject({ code: 'validation', message: '3 of 4 records have problems (4 in all): nothing was imported' });
    expect(error.details.problems.map((p: any) => [p.line, p.field])).toEqual([[3, 'email'], [4, 'firstName'], [4, 'lastName'], [5, 'email']]);
  });

  it.each([
    [['user', 'import', '/nonexistent/users.csv'], 2, /no such file/],
    [['user', 'import', 'x.csv', '--on-conflict', 'merge'], 2, /invalid/],
    [['user', 'import', 'x.csv', '--batch', '0'], 2, /positive integer/],
    [['user', 'import', 'x.csv', '-o', 'csv'], 2, /-o csv is only for lists/],
  ])('refuses bad arguments %j', async (args, code, pattern) => {
    const c = await setup();
    const r = await c.run(args);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(pattern);
  });
});
