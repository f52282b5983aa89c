// invite create | list | resend | revoke | accept, and `user create` without a password,
// through the built CLI: exit codes, stdout, stderr, the outbox, SMTP, and the token's copies.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure } from '../helpers/cli.js';
import { tokenIn } from '../helpers/fixtures.js';
import { masterKeyOf, putSecretSetting, putSetting } from '../helpers/settings.js';
import { startSmtp } from '../helpers/smtp.js';
import { openStore } from '../../src/store/db.js';
import { filesUnder, password, world, type World } from './helpers-lifecycle.js';

let w: World;
beforeAll(async () => {
  w = await world();
});

const accept = (token: string, pw = password, extra: string[] = ['--first-name', 'Ada']) =>
  w.stranger().run(['invite', 'accept', '--token-stdin', '--password-stdin', ...extra], { input: `${token}\n${pw}\n` });

describe('invite create and accept', () => {
  it('creates the invited user, prints the token once, writes the outbox copy, and nowhere else keeps it', async () => {
    const r = await w.acmeAdmin.run(['invite', 'create', '--email', 'ada@acme.example', '--role', 'editor', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ email: 'ada@acme.example', tenant: 'acme', roles: ['editor'], status: 'pending' });
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['id', 'email', 'tenant', 'roles', 'status', 'expiresAt', 'createdAt', 'token']));
    expect(out.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toMatch(/written to .*outbox.*\.eml/);
    expect(r.stderr).not.toContain(out.token);

    const outbox = path.join(w.acmeAdmin.home, 'outbox');
    expect(fs.statSync(outbox).mode & 0o777).toBe(0o700);
    const [eml] = filesUnder(outbox);
    expect(fs.statSync(eml!).mode & 0o777).toBe(0o600);
    expect(tokenIn(fs.readFileSync(eml!, 'utf8'))).toBe(out.token);

    // The only copies: that print and the outbox file. Not the store, its WAL, or any context.
    const holders = [w.root.home, w.acmeAdmin.home, w.viewer.home].flatMap(filesUnder).filter((f) => fs.readFileSync(f).includes(out.token));
    expect(holders).toEqual([eml]);
    const audit = await w.root.run(['audit', 'list', '--tenant', 'acme', '-o', 'json', '--limit', '500']);
    expect(audit.stdout).not.toContain(out.token);

    const accepted = await accept(out.token, password, ['--first-name', 'Ada', '--last-name', 'Lovelace', '-o', 'json']);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ email: 'ada@acme.example', firstName: 'Ada', lastName: 'Lovelace', status: 'active', roles: ['editor'] });
    expect(accepted.stderr).toMatch(/iamctl login --email ada@acme\.example/);
    await w.as('ada@acme.example');
    const list = await w.acmeAdmin.json(['invite', 'list', '--status', 'accepted']);
    expect(list.items.map((i: { email: string }) => i.email)).toContain('ada@acme.example');
  });

  it('user create without a password delivers an invitation; -o json carries invitation.token', async () => {
    const r = await w.acmeAdmin.run(['user', 'create', '--email', 'bob@acme.example', '--first-name', 'Bob', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ email: 'bob@acme.example', status: 'invited', invitation: { status: 'pending', email: 'bob@acme.example' } });
    const eml = filesUnder(path.join(w.acmeAdmin.home, 'outbox')).find((f) => f.includes(out.invitation.id))!;
    expect(tokenIn(fs.readFileSync(eml, 'utf8'))).toBe(out.invitation.token);
    const accepted = await accept(out.invitation.token, password, []);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(JSON.parse((await w.acmeAdmin.run(['invite', 'list', '-o', 'json'])).stdout).items.find((i: { email: string }) => i.email === 'bob@acme.example').status).toBe('accepted');
  });

  it('prints the token as data in table form too (off a terminal: label<TAB>value)', async () => {
    const r = await w.acmeAdmin.run(['invite', 'create', '--email', 'tab@acme.example', '--first-name', 'Tab']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^token\t[A-Za-z0-9_-]{43}$/m);
    expect(r.stdout).toMatch(/^status\tpending$/m);
  });
});

describe('tokens that cannot be used (4)', () => {
  let used = '';
  let expired = '';
  let revoked = '';
  let replaced = '';
  beforeAll(async () => {
    const make = async (email: string) => (await w.acmeAdmin.json(['invite', 'create', '--email', email, '--first-name', 'Test'])).token as string;
    used = await make('used@acme.example');
    expect((await accept(used)).exitCode).toBe(0);
    expired = await make('expired@acme.example');
    await w.sql("update invitations set expires_at = '2000-01-01T00:00:00.000Z' where user_id = (select id from users where email_lower = 'expired@acme.example')");
    revoked = await make('revoked@acme.example');
    expect((await w.acmeAdmin.run(['invite', 'revoke', 'revoked@acme.example', '--yes'])).exitCode).toBe(0);
    replaced = await make('replaced@acme.example');
    expect((await w.acmeAdmin.run(['invite', 'resend', 'replaced@acme.example'])).exitCode).toBe(0);
  });

  it.each([
    ['used', () => used, /already used/],
    ['expired', () => expired, /expired at 2000-01-01/],
    ['revoked', () => revoked, /was revoked/],
    ['replaced by a resend', () => replaced, /replaced by a newer one/],
    ['garbage', () => 'not-a-token', /token is not valid/],
    ['well-formed but unknown', () => 'Q'.repeat(43), /token is not valid/],
  ])('%s', async (_label, token, pattern) => {
    expectFailure(await accept(token()), 4, pattern);
  });
});

describe('bad input', () => {
  it.each([
    ['inviting an existing email', ['invite', 'create', '--email', 'viewer@acme.example'], 7, /already exists/],
    ['inviting an email of another tenant', ['invite', 'create', '--email', 'ADMIN@globex.example'], 7, /already exists/],
    ['an invalid email', ['invite', 'create', '--email', 'not-an-email'], 3, /invalid email/],
    ['a one-letter first name', ['invite', 'create', '--email', 'x@acme.example', '--first-name', 'X'], 3, /first name/],
    ['an unknown role', ['invite', 'create', '--email', 'x@acme.example', '--role', 'wizard'], 6, /role wizard/],
    ['no --email off a terminal', ['invite', 'create'], 2, /--email/],
    ['an unknown --status', ['invite', 'list', '--status', 'lost'], 2, /lost/],
    ['an edited --cursor', ['invite', 'list', '--cursor', 'abc.def'], 3, /cursor/],
    ['resending an unknown invitation', ['invite', 'resend', 'nobody@acme.example'], 6, /not found/],
    ['revoking without --yes off a terminal', ['invite', 'revoke', 'tab@acme.example'], 2, /--yes/],
  ])('%s', async (_label, args, code, pattern) => {
    expectFailure(await w.acmeAdmin.run(args as string[]), code as number, pattern as RegExp);
  });

  it('resending or revoking an accepted invitation is a conflict (7)', async () => {
    expectFailure(await w.acmeAdmin.run(['invite', 'resend', 'ada@acme.example']), 7, /already accepted/);
    expectFailure(await w.acmeAdmin.run(['invite', 'revoke', 'ada@acme.example', '--yes']), 7, /already accepted/);
  });

  it('a weak password at accept is 3 and leaves the invitation usable', async () => {
    const { token } = await w.acmeAdmin.json(['invite', 'create', '--email', 'weak@acme.example', '--first-name', 'Weak']);
    expectFailure(await accept(token, 'weakpass'), 3, /password/);
    expectFailure(await accept(token, 'Password123'), 3, /common/);
    expect((await accept(token)).exitCode).toBe(0);
  });

  it('accept without a name for an unnamed invitation is 2; without the password line, 2', async () => {
    const { token } = await w.acmeAdmin.json(['invite', 'create', '--email', 'noname@acme.example']);
    expectFailure(await accept(token, password, []), 2, /--first-name/);
    expectFailure(await w.stranger().run(['invite', 'accept', '--token-stdin', '--first-name', 'Nick'], { input: `${token}\n` }), 2, /--password-stdin/);
    expectFailure(await w.stranger().run(['invite', 'accept', '--password-stdin'], { input: `${password}\n` }), 2, /--token-stdin/);
    expect((await accept(token, password, ['--first-name', 'Nick'])).exitCode).toBe(0);
  });

  it('a viewer may not invite (5); an admin of acme cannot act in globex (6); nothing is written', async () => {
    expectFailure(await w.viewer.run(['invite', 'create', '--email', 'v2@acme.example']), 5, /invitations:create/);
    expectFailure(await w.viewer.run(['invite', 'list']), 5);
    expectFailure(await w.acmeAdmin.run(['invite', 'create', '--tenant', 'globex', '--email', 'g@globex.example']), 6, /tenant globex/);
    const { token } = await w.root.json(['invite', 'create', '--tenant', 'globex', '--email', 'g@globex.example']);
    expect(token).toBeTruthy();
    expectFailure(await w.acmeAdmin.run(['invite', 'revoke', 'g@globex.example', '--yes']), 6);
    expect(await w.sql("select cast(count(*) as integer) as n from users where email_lower = 'v2@acme.example'")).toEqual([{ n: 0 }]);
  });
});

describe('resend, revoke and list', () => {
  it('resend issues a new token (old one dies), revoke kills it, resend of a revoked one invites again', async () => {
    const first = await w.acmeAdmin.json(['invite', 'create', '--email', 'carl@acme.example', '--first-name', 'Carl']);
    const second = await w.acmeAdmin.json(['invite', 'resend', first.id]);
    expect(second).toMatchObject({ status: 'pending', email: 'carl@acme.example' });
    expect(second.id).not.toBe(first.id);
    expect(second.token).not.toBe(first.token);
    const revoked = await w.acmeAdmin.run(['invite', 'revoke', 'carl@acme.example', '--yes', '-o', 'json']);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: second.id, status: 'revoked' });
    expect(JSON.parse(revoked.stdout).token).toBeUndefined();
    expectFailure(await accept(second.token), 4, /revoked/);
    expectFailure(await w.acmeAdmin.run(['invite', 'revoke', 'carl@acme.example', '--yes']), 7, /already revoked/);
    const third = await w.acmeAdmin.json(['invite', 'resend', 'carl@acme.example']);
    expect((await accept(third.token)).exitCode).toBe(0);
  });

  it('lists by status in pages of {items, nextCursor}', async () => {
    const all = await w.acmeAdmin.json(['invite', 'list', '--status', 'all', '--limit', '500']);
    expect(all.nextCursor).toBeNull();
    const statuses = new Set(all.items.map((i: { status: string }) => i.status));
    expect(statuses).toEqual(new Set(['pending', 'accepted', 'expired', 'revoked']));
    for (const status of ['pending', 'accepted', 'expired', 'revoked']) {
      const page = await w.acmeAdmin.json(['invite', 'list', '--status', status]);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((i: { status: string }) => i.status === status)).toBe(true);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await w.acmeAdmin.json(['invite', 'list', '--limit', '3', ...(cursor ? ['--cursor', cursor] : [])]);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i: { id: string }) => i.id));
    expect((await w.root.json(['invite', 'list', '--tenant', 'globex'])).items.map((i: { email: string }) => i.email)).toEqual(['g@globex.example']);
  });
});

describe('delivery by SMTP', () => {
  it('sends through mail.smtpUrl (a secret under the master key) from mail.from; no outbox file', async () => {
    const smtp = await startSmtp({ user: 'iam', pass: 's3cret' });
    const home = fs.mkdtempSync(path.join(path.dirname(w.root.home), 'iamctl-smtp-'));
    const store = await openStore(w.root.db);
    try {
      await putSecretSetting(store.db, 'mail.smtpUrl', smtp.url, masterKeyOf(w.root.home));
      await putSetting(store.db, 'main', 'mail.from', 'iam@example.com');
      // Operators sharing a store share the master key: give this one through the environment.
      const env = { IAMCTL_HOME: home, IAMCTL_MASTER_KEY: fs.readFileSync(path.join(w.root.home, 'master.key'), 'utf8').trim() };
      const admin = w.stranger();
      Object.assign(admin.env, env);
      expect((await admin.run(['login', '--email', 'admin@acme.example', '--password-stdin'], { input: `${password}\n` })).exitCode).toBe(0);
      const r = await admin.run(['invite', 'create', '--email', 'smtp@acme.example', '--first-name', 'Sam', '-o', 'json']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/sent to smtp@acme\.example by SMTP/);
      const { token } = JSON.parse(r.stdout);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatchObject({ from: 'iam@example.com', to: ['smtp@acme.example'], user: 'iam' });
      expect(tokenIn(smtp.received[0]!.raw.replace(/\r\n/g, '\n'))).toBe(token);
      expect(fs.existsSync(path.join(home, 'outbox'))).toBe(false);
      // The stored setting is not the URL in clear.
      const stored = await w.sql<{ value: string }>("select value from tenant_settings where key = 'mail.smtpUrl'");
      expect(stored[0]!.value).not.toContain('s3cret');

      // The server goes away: exit 1, nothing printed on stdout, nothing stored.
      await smtp.close();
      const down = await admin.run(['invite', 'create', '--email', 'down@acme.example', '--first-name', 'Dan']);
      expectFailure(down, 1, /cannot send the invitation by SMTP: connection refused \(delivery_failed\)/);
      expect(await w.sql("select cast(count(*) as integer) as n from users where email_lower = 'down@acme.example'")).toEqual([{ n: 0 }]);
    } finally {
      await store.db.deleteFrom('tenant_settings').where('key', 'in', ['mail.smtpUrl', 'mail.from']).execute();
      await store.close();
      await smtp.close().catch(() => undefined);
    }
  });
});
