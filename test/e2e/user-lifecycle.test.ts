// user update | move | deactivate | activate | delete | restore | purge through the CLI: the
// rules of SPEC §6 (oneself, sessions and keys, sign-in, isolation, erasure), and bad input of
// `user create` (clear message, exit code, store unchanged).
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, login, type Cli } from '../helpers/cli.js';
import { password, world, type World } from './helpers-lifecycle.js';

let w: World;
beforeAll(async () => {
  w = await world();
}, 120_000);

const acme = ['--tenant', 'acme'];

async function ok(c: Cli, args: string[], input?: string) {
  const r = await c.run(args, input === undefined ? {} : { input });
  expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

async function activeUser(email: string, extra: string[] = []): Promise<void> {
  await ok(w.root, ['user', 'create', ...acme, '--email', email, '--first-name', 'Test', ...extra, '--password-stdin'], `${password}\n`);
}

/** A key of the user, made by the super admin. */
async function keyOf(email: string): Promise<string> {
  const key = await w.root.json(['key', 'create', ...acme, '--user', email, '--name', 'ci']);
  return key.secret as string;
}

const verify = (secret: string) => w.stranger().run(['key', 'verify'], { input: `${secret}\n` });

async function userRow(email: string) {
  const [row] = await w.sql<Record<string, unknown>>('select * from users where email_lower = ?', email.toLowerCase());
  return row;
}

async function eventsFor(id: string) {
  return w.sql<{ action: string; tenant_id: string; details: string }>('select action, tenant_id, details from audit_events where target = ? order by seq', `user:${id}`);
}

/** Everything a failed command must leave alone, as one comparable value. */
async function storeState() {
  const counts: Record<string, unknown> = {};
  for (const table of ['users', 'role_assignments', 'team_members', 'sessions', 'invitations', 'api_keys', 'audit_events']) {
    const [row] = await w.sql<{ n: number | string }>(`select count(*) as n from ${table}`);
    counts[table] = Number(row!.n);
  }
  counts.users = await w.sql('select id, tenant_id, status, first_name, last_name, deleted_at from users order by id');
  counts.revoked = await w.sql('select count(*) as n from sessions where revoked_at is not null');
  return JSON.stringify(counts);
}

describe('user deactivate and activate', () => {
  it('ends every session at once and makes keys fail; activate brings sign-in and keys back', async () => {
    await activeUser('dee@acme.example');
    const dee = await w.as('dee@acme.example');
    const secret = await keyOf('dee@acme.example');
    expect((await verify(secret)).exitCode).toBe(0);

    expectFailure(await w.acmeAdmin.run(['user', 'deactivate', 'dee@acme.example']), 2, /--yes/);
    expect((await userRow('dee@acme.example'))!.status).toBe('active');

    const r = await w.acmeAdmin.run(['user', 'deactivate', 'DEE@acme.example', '--yes', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const user = JSON.parse(r.stdout);
    expect(user).toMatchObject({ email: 'dee@acme.example', tenant: 'acme', status: 'inactive', roles: ['viewer'] });
    expect(Object.keys(user)).toEqual(expect.arrayContaining(['id', 'email', 'firstName', 'lastName', 'tenant', 'roles', 'status', 'createdAt', 'lastLoginAt']));
    expect(r.stderr).toMatch(/deactivated dee@acme.example; ended 1 session/);

    expectFailure(await dee.run(['whoami']), 4);
    expectFailure(await verify(secret), 4);
    expectFailure(await login(w.stranger(), 'dee@acme.example', password), 4, /wrong email or password/);
    const [failure] = await w.sql<{ details: string }>("select details from audit_events where action = 'auth.login' and result = 'failure' order by seq desc limit 1");
    expect(JSON.parse(failure!.details)).toEqual({ reason: 'user_inactive' });
    const events = await eventsFor(user.id);
    expect(JSON.parse(events.find((e) => e.action === 'user.deactivate')!.details)).toEqual({ previousStatus: 'active', sessionsEnded: 1, invitationsRevoked: 0 });

    expectFailure(await w.acmeAdmin.run(['user', 'deactivate', 'dee@acme.example', '--yes']), 7, /already inactive/);
    const activated = await w.acmeAdmin.json(['user', 'activate', 'dee@acme.example']);
    expect(activated.status).toBe('active');
    expectFailure(await w.acmeAdmin.run(['user', 'activate', 'dee@acme.example']), 7, /already active/);
    expect((await verify(secret)).exitCode).toBe(0);
    expect((await login(w.stranger(), 'dee@acme.example', password)).exitCode).toBe(0);
    expect((await eventsFor(user.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['user.deactivate', 'user.activate']));
  });

  it('deactivating an invited user revokes the pending invitation', async () => {
    const { token } = await w.acmeAdmin.json(['invite', 'create', '--email', 'inv1@acme.example', '--first-name', 'Inv']);
    await ok(w.acmeAdmin, ['user', 'deactivate', 'inv1@acme.example', '--yes']);
    expectFailure(await w.stranger().run(['invite', 'accept', '--token-stdin', '--password-stdin'], { input: `${token}\n${password}\n` }), 4);
    expect((await userRow('inv1@acme.example'))!.status).toBe('inactive');
    expect((await w.acmeAdmin.json(['user', 'activate', 'inv1@acme.example'])).status).toBe('active');
  });
});

describe('user delete, restore and purge', () => {
  it('soft-deletes (sessions end, keys fail, hidden, email still taken) and restores with the profile intact', async () => {
    await ok(w.root, ['team', 'create', 'eng', ...acme]);
    await activeUser('del@acme.example', ['--last-name', 'Lovelace', '--role', 'editor', '--role', 'viewer', '--team', 'eng']);
    const del = await w.as('del@acme.example');
    const secret = await keyOf('del@acme.example');
    const before = await w.acmeAdmin.json(['user', 'update', 'del@acme.example', '--first-name', 'Ada']);

    const deleted = await w.acmeAdmin.json(['user', 'delete', 'del@acme.example', '--yes']);
    expect(deleted).toMatchObject({ status: 'deleted', firstName: 'Ada', lastName: 'Lovelace' });
    expect(deleted.deletedAt).toEqual(expect.any(String));
    expectFailure(await del.run(['whoami']), 4);
    expectFailure(await verify(secret), 4);
    expectFailure(await login(w.stranger(), 'del@acme.example', password), 4);
    expectFailure(await w.acmeAdmin.run(['user', 'update', 'del@acme.example', '--first-name', 'Bob']), 6, /not found/);
    expectFailure(await w.acmeAdmin.run(['user', 'delete', 'del@acme.example', '--yes']), 6, /not found/);
    expectFailure(await w.acmeAdmin.run(['user', 'create', '--email', 'DEL@acme.example', '--first-name', 'Again']), 7, /already exists/);

    const restored = await w.acmeAdmin.json(['user', 'restore', 'del@acme.example']);
    expect(restored).toMatchObject({ id: before.id, status: 'active', firstName: 'Ada', lastName: 'Lovelace', deletedAt: null });
    expect([...restored.roles].sort()).toEqual(['editor', 'viewer']);
    const team = await w.root.json(['team', 'show', 'eng', ...acme]);
    expect(team.members).toContain('del@acme.example');
    expect((await login(w.stranger(), 'del@acme.example', password)).exitCode).toBe(0);
    expect((await verify(secret)).exitCode).toBe(0);
    expectFailure(await w.acmeAdmin.run(['user', 'restore', 'del@acme.example']), 7, /not deleted/);
    expect((await eventsFor(before.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['user.update', 'user.delete', 'user.restore']));
  });

  it('purges only a deleted user, with --yes off a terminal, erasing the row and what follows it', async () => {
    await activeUser('gone@acme.example', ['--last-name', 'Person']);
    const { id } = await w.acmeAdmin.json(['user', 'update', 'gone@acme.example', '--last-name', 'Someone']);
    await keyOf('gone@acme.example');
    await login(w.stranger(), 'gone@acme.example', 'Wrong-Pass-99');
    expectFailure(await w.acmeAdmin.run(['user', 'purge', 'gone@acme.example', '--yes']), 7, /not deleted.*\(conflict\)/);
    await ok(w.acmeAdmin, ['user', 'delete', 'gone@acme.example', '--yes']);
    expectFailure(await w.acmeAdmin.run(['user', 'purge', 'gone@acme.example']), 2, /--yes/);
    expect(await userRow('gone@acme.example')).toBeDefined();

    const purged = await w.acmeAdmin.run(['user', 'purge', 'gone@acme.example', '--yes', '-o', 'json']);
    expect(purged.exitCode, purged.stderr).toBe(0);
    expect(JSON.parse(purged.stdout)).toMatchObject({ id, email: 'gone@acme.example' });
    expect(await userRow('gone@acme.example')).toBeUndefined();
    for (const table of ['api_keys', 'sessions', 'role_assignments']) {
      expect(await w.sql(`select * from ${table} where user_id = ?`, id), table).toEqual([]);
    }
    expect(await w.sql('select * from sign_in_attempts where email_lower = ?', 'gone@acme.example')).toEqual([]);
    const events = await eventsFor(id);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.create', 'user.delete', 'user.purge']));
    const trail = JSON.stringify(await w.sql('select target, details from audit_events'));
    expect(trail).not.toMatch(/gone@acme|Someone|Person/i);
    expectFailure(await w.acmeAdmin.run(['user', 'purge', 'gone@acme.example', '--yes']), 6, /not found/);
    await activeUser('gone@acme.example');
  });
});

describe('user update', () => {
  it('changes names, refuses the email (3) and writes nothing when nothing changes', async () => {
    await activeUser('upd@acme.example');
    const updated = await w.acmeAdmin.json(['user', 'update', 'upd@acme.example', '--first-name', 'Zoë', '--last-name', "O'Neil"]);
    expect(updated).toMatchObject({ firstName: 'Zoë', lastName: "O'Neil", email: 'upd@acme.example' });
    const searchable = await w.sql<{ name_lower: string }>('select name_lower from users where id = ?', updated.id);
    expect(searchable[0]!.name_lower).toBe("zoë o'neil");
    const events = (await eventsFor(updated.id)).filter((e) => e.action === 'user.update');
    expect(events.map((e) => JSON.parse(e.details))).toEqual([{ changed: ['firstName', 'lastName'] }]);

    const same = await w.acmeAdmin.run(['user', 'update', 'upd@acme.example', '--first-name', 'Zoë']);
    expect(same.exitCode).toBe(0);
    expect(same.stderr).toMatch(/nothing changed/);
    expect((await eventsFor(updated.id)).filter((e) => e.action === 'user.update')).toHaveLength(1);
    const cleared = await w.acmeAdmin.json(['user', 'update', 'upd@acme.example', '--last-name', '']);
    expect(cleared.lastName).toBe('');
  });

  it.each([
    ['the email', ['--email', 'new@acme.example'], 3, /email of a user cannot change/],
    ['a 1-character first name', ['--first-name', 'A'], 3, /at least 2/],
    ['a first name with digits', ['--first-name', 'Ada2'], 3, /letters/],
    ['a last name of 101 characters', ['--last-name', 'x'.repeat(101)], 3, /more than 100/],
    ['no change given', [], 2, /nothing to update/],
  ])('refuses %s', async (_what, flags, code, pattern) => {
    const before = await storeState();
    expectFailure(await w.acmeAdmin.run(['user', 'update', 'viewer@acme.example', ...flags]), code, pattern);
    expect(await storeState()).toBe(before);
  });
});

describe('rules: oneself, other tenants, permissions', () => {
  const verbs: [string, string[]][] = [
    ['deactivate', ['--yes']],
    ['delete', ['--yes']],
    ['activate', []],
    ['deactivate', []],
    ['delete', []],
  ];
  it.each(verbs)('nobody may %s their own account (7, before any confirmation)', async (verb, extra) => {
    const before = await storeState();
    expectFailure(await w.acmeAdmin.run(['user', verb, 'admin@acme.example', ...extra]), 7, new RegExp(`cannot ${verb} your own account`));
    expectFailure(await w.root.run(['user', verb, 'root@example.com', ...extra]), 7, /your own account/);
    expect(await storeState()).toBe(before);
  });

  it('answers a refusal in JSON on stderr with -o json', async () => {
    const r = await w.acmeAdmin.run(['user', 'delete', 'admin@acme.example', '--yes', '-o', 'json']);
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'conflict', message: 'you cannot delete your own account', hint: 'ask another administrator' } });
  });

  const globexUser: [string, string[]][] = [
    ['update', ['--first-name', 'Eve']],
    ['deactivate', ['--yes']],
    ['activate', []],
    ['delete', ['--yes']],
    ['restore', []],
    ['purge', ['--yes']],
  ];
  it.each(globexUser)("another tenant's user looks missing to %s (6)", async (verb, extra) => {
    const before = await storeState();
    expectFailure(await w.acmeAdmin.run(['user', verb, 'admin@globex.example', ...extra]), 6, /user admin@globex.example not found/);
    expectFailure(await w.acmeAdmin.run(['user', verb, 'ghost@acme.example', ...extra]), 6, /user ghost@acme.example not found/);
    expect(await storeState()).toBe(before);
  });

  it.each([
    ['user', 'update', 'admin@acme.example', '--first-name', 'Vic'],
    ['user', 'deactivate', 'admin@acme.example', '--yes'],
    ['user', 'delete', 'admin@acme.example', '--yes'],
    ['user', 'purge', 'admin@acme.example', '--yes'],
    ['user', 'move', 'admin@acme.example', '--to', 'globex', '--yes'],
  ])('a viewer is refused (5): %s %s', async (...args) => {
    const before = await storeState();
    expectFailure(await w.viewer.run(args), 5, /not allowed/);
    expect(await storeState()).toBe(before);
  });

  it('an invited user cannot sign in even with a password hash in place', async () => {
    await w.acmeAdmin.json(['invite', 'create', '--email', 'inv2@acme.example', '--first-name', 'Inv']);
    const [donor] = await w.sql<{ password_hash: string }>('select password_hash from users where email_lower = ?', 'viewer@acme.example');
    await w.sql('update users set password_hash = ? where email_lower = ?', donor!.password_hash, 'inv2@acme.example');
    expectFailure(await login(w.stranger(), 'inv2@acme.example', password), 4, /wrong email or password/);
  });
});

describe('user move', () => {
  it('ends sessions, revokes keys and invitations, drops teams, grants and custom roles, keeps built-in roles', async () => {
    await ok(w.root, ['role', 'create', 'flow-runner', ...acme, '--inherits', 'viewer', '--grant', 'flows:operate']);
    await ok(w.root, ['team', 'create', 'movers', ...acme]);
    await activeUser('mov@acme.example', ['--role', 'editor', '--role', 'flow-runner', '--team', 'movers']);
    await ok(w.root, ['access', 'grant', 'mov@acme.example', 'manager', '--on', 'flows:/finance', ...acme]);
    const mov = await w.as('mov@acme.example');
    const secret = await keyOf('mov@acme.example');

    expectFailure(await w.root.run(['user', 'move', 'mov@acme.example', '--to', 'globex']), 2, /--yes/);
    const r = await w.root.run(['user', 'move', 'mov@acme.example', '--to', 'globex', '--yes', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const moved = JSON.parse(r.stdout);
    expect(moved).toMatchObject({ email: 'mov@acme.example', tenant: 'globex', roles: ['editor'], status: 'active' });
    expect(moved.move).toMatchObject({ from: 'acme', to: 'globex', rolesKept: ['editor'], rolesRemoved: ['flow-runner'], teamsLeft: 1, grantsRemoved: 1, keysRevoked: 1, sessionsEnded: 1 });

    expectFailure(await mov.run(['whoami']), 4);
    expectFailure(await verify(secret), 4);
    expect((await w.root.json(['team', 'show', 'movers', ...acme])).members).toEqual([]);
    expect(await w.sql('select * from resource_grants where user_id = ?', moved.id)).toEqual([]);
    const again = await w.as('mov@acme.example');
    expect((await again.json(['whoami'])).user.tenant).toBe('globex');
    const events = await eventsFor(moved.id);
    const moves = events.filter((e) => e.action === 'user.move');
    expect(moves).toHaveLength(2);
    expect(events.filter((e) => e.action === 'user.create').map((e) => e.tenant_id)).toEqual([
      (await w.sql<{ id: string }>("select id from tenants where slug = 'acme'"))[0]!.id,
    ]);
    // The acme admin no longer sees the user; the globex admin does.
    expectFailure(await w.acmeAdmin.run(['user', 'update', 'mov@acme.example', '--first-name', 'Mo']), 6);
    const globex = await w.as('admin@globex.example');
    expect((await globex.json(['user', 'update', 'mov@acme.example', '--first-name', 'Mo'])).firstName).toBe('Mo');
  });

  it('gives users.defaultRole when no built-in role is left; revokes a pending invitation; takes the spec form --tenant', async () => {
    await ok(w.root, ['user', 'create', ...acme, '--email', 'runner@acme.example', '--first-name', 'Run', '--role', 'flow-runner']);
    const { token } = await w.acmeAdmin.json(['invite', 'resend', 'runner@acme.example']);
    const moved = await w.root.json(['user', 'move', 'runner@acme.example', '--tenant', 'globex', '--yes']);
    expect(moved).toMatchObject({ tenant: 'globex', roles: ['viewer'], status: 'invited' });
    expect(moved.move).toMatchObject({ rolesRemoved: ['flow-runner'], rolesGiven: ['viewer'], invitationsRevoked: 1 });
    expectFailure(await w.stranger().run(['invite', 'accept', '--token-stdin', '--password-stdin'], { input: `${token}\n${password}\n` }), 4);
  });

  it.each([
    ['no destination', ['user', 'move', 'viewer@acme.example', '--yes'], 2, /missing --to/],
    ['the same tenant', ['user', 'move', 'viewer@acme.example', '--to', 'acme', '--yes'], 7, /already in acme/],
    ['a super admin', ['user', 'move', 'root@example.com', '--to', 'acme', '--yes'], 3, /main-account user/],
    ['an unknown user', ['user', 'move', 'ghost@acme.example', '--to', 'globex', '--yes'], 6, /user ghost@acme.example not found/],
    ['an unknown tenant', ['user', 'move', 'viewer@acme.example', '--to', 'nowhere', '--yes'], 6, /tenant nowhere not found/],
  ])('refuses %s', async (_what, args, code, pattern) => {
    const before = await storeState();
    expectFailure(await w.root.run(args), code, pattern);
    expect(await storeState()).toBe(before);
  });

  it('does not take IAMCTL_TENANT as the destination (2)', async () => {
    const before = await storeState();
    expectFailure(await w.root.run(['user', 'move', 'viewer@acme.example', '--yes'], { env: { IAMCTL_TENANT: 'globex' } }), 2, /missing --to/);
    expect(await storeState()).toBe(before);
  });

  it('is for super admins only: a tenant admin is refused (5)', async () => {
    expectFailure(await w.acmeAdmin.run(['user', 'move', 'viewer@acme.example', '--to', 'globex', '--yes']), 5, /not allowed/);
  });
});

describe('user create: bad input leaves the store unchanged', () => {
  const create = (email: string, firstName = 'Valid', extra: string[] = []) => ['user', 'create', ...acme, '--email', email, '--first-name', firstName, ...extra];
  const withPassword = (pw: string, email = 'pw@acme.example') => ({ args: create(email, 'Valid', ['--password-stdin']), input: `${pw}\n` });
  const cases: [string, { args: string[]; input?: string }, number, RegExp][] = [
    ['an email without @', { args: create('ada.acme.example') }, 3, /invalid email .*no @/],
    ['an email with two @', { args: create('ada@b@acme.example') }, 3, /more than one @/],
    ['an email with spaces', { args: create('ada lovelace@acme.example') }, 3, /contains spaces/],
    ['an email with a comma', { args: create('ada,b@acme.example') }, 3, /invalid email/],
    ['an email of 255 characters', { args: create(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.example`) }, 3, /longer than 254/],
    ['an email in another case', { args: create('VIEWER@ACME.example') }, 7, /already exists/],
    ["another tenant's email", { args: create('Admin@Globex.example') }, 7, /already exists/],
    ['a first name of 1 character', { args: create('n1@acme.example', 'A') }, 3, /at least 2 characters/],
    ['a first name with digits', { args: create('n2@acme.example', 'Ada1') }, 3, /use letters/],
    ['a first name with an emoji', { args: create('n3@acme.example', 'Ada 😀') }, 3, /use letters/],
    ['a first name with a bidi override', { args: create('n4@acme.example', 'Ada\u202eEvil') }, 3, /bidirectional/],
    ['a first name with a control character', { args: create('n5@acme.example', 'Ada\u0007') }, 3, /control/],
    ['a first name of 101 characters', { args: create('n6@acme.example', 'A'.repeat(101)) }, 3, /more than 100/],
    ['a password under 8 characters', withPassword('Sh0rt'), 3, /too short/],
    ['a password without an uppercase letter', withPassword('lower-case-42'), 3, /uppercase/],
    ['a password without a lowercase letter', withPassword('UPPER-CASE-42'), 3, /lowercase/],
    ['a password without a digit', withPassword('No-Digits-Here'), 3, /digit/],
    ['a common password', withPassword('Password1'), 3, /too common/],
    ['the email as password', withPassword('Pw1@acme.example', 'pw1@acme.example'), 3, /not be the email/],
    ['a password over 256 characters', withPassword(`Aa1${'x'.repeat(254)}`), 3, /too long/],
    ['an unknown role', { args: create('r1@acme.example', 'Valid', ['--role', 'wizard']) }, 6, /role wizard not found/],
    ['super-admin for a tenant user', { args: create('r2@acme.example', 'Valid', ['--role', 'super-admin']) }, 3, /only for main-account users/],
    ['a role of another tenant', { args: create('r3@acme.example', 'Valid', ['--role', 'globex-only']) }, 6, /role globex-only not found/],
  ];
  it.each(cases)('refuses %s', async (_what, { args, input }, code, pattern) => {
    if (code === 6 && args.includes('globex-only')) await w.root.run(['role', 'create', 'globex-only', '--tenant', 'globex']);
    const before = await storeState();
    expectFailure(await w.root.run(args, input === undefined ? {} : { input }), code, pattern);
    expect(await storeState()).toBe(before);
  });

  it('refuses an email with a null byte (argv cannot carry one: it comes through a file)', async () => {
    const before = await storeState();
    const r = await w.root.run(['user', 'import', '-', '--format', 'ndjson', ...acme], { input: '{"email":"ada\\u0000@acme.example","firstName":"Ada"}\n' });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/invalid email "ada\\u0000@acme.example": it contains control characters/);
    expect(await storeState()).toBe(before);
  });

  it('refuses a custom role under edition.rbac=basic (5), like role assign', async () => {
    await w.root.run(['role', 'create', 'basic-custom', ...acme, '--inherits', 'viewer']);
    await ok(w.root, ['settings', 'set', 'edition.rbac', 'basic', '--global']);
    try {
      const before = await storeState();
      expectFailure(await w.root.run(['user', 'create', ...acme, '--email', 'bc@acme.example', '--first-name', 'Basic', '--role', 'basic-custom']), 5, /custom role basic-custom needs edition\.rbac=enterprise/);
      expectFailure(await w.root.run(['role', 'assign', 'viewer@acme.example', 'basic-custom', ...acme]), 5, /custom role basic-custom needs edition\.rbac=enterprise/);
      expect(await storeState()).toBe(before);
      await ok(w.root, ['user', 'create', ...acme, '--email', 'bb@acme.example', '--first-name', 'Basic', '--role', 'editor']);
    } finally {
      await ok(w.root, ['settings', 'set', 'edition.rbac', 'enterprise', '--global']);
    }
  });
});
