// user offboard: everything a leaving user holds goes in one step; --dry-run changes nothing; bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, expectFailure, initializedCli, login, type Cli } from '../helpers/cli.js';
import { ok, signedInUser, userPassword } from './authz-helpers.js';

let c: Cli;
let lead: Cli;
let boss: Cli;
const acme = ['--tenant', 'acme'];
let leadOwnKey: { id: string; secret: string };
let keyForBob: { id: string; secret: string };

const verify = (secret: string) => c.run(['key', 'verify'], { input: `${secret}\n` });

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['tenant', 'create', 'globex', '--name', 'Globex']);
  await ok(c, ['user', 'create', '--tenant', 'globex', '--email', 'gus@globex.example', '--first-name', 'Gus']);
  boss = await signedInUser(c, 'acme', 'boss@acme.example', ['admin']);
  lead = await signedInUser(c, 'acme', 'lead@acme.example', ['admin']);
  const bob = await c.run(['user', 'create', ...acme, '--email', 'bob@acme.example', '--first-name', 'Bob', '--role', 'api-user', '--password-stdin'], { input: `${userPassword}\n` });
  if (bob.exitCode !== 0) throw new Error(bob.stderr);
  leadOwnKey = await ok(lead, ['key', 'create', '--name', 'mine']);
  keyForBob = await ok(lead, ['key', 'create', '--user', 'bob@acme.example', '--name', 'for-bob']);
  await ok(c, ['team', 'create', 'eng', ...acme]);
  await ok(c, ['team', 'add-member', 'eng', 'lead@acme.example', ...acme]);
  await ok(c, ['access', 'grant', 'lead@acme.example', 'manager', '--on', 'flows:/ops', ...acme]);
});

describe('user offboard', () => {
  it('--dry-run shows the plan and changes nothing', async () => {
    const plan = await ok(c, ['user', 'offboard', 'lead@acme.example', '--dry-run', ...acme]);
    expect(plan).toMatchObject({
      dryRun: true, previousStatus: 'active', sessionsEnded: 1, teamsLeft: ['eng'], invitationsRevoked: 0,
      grantsRemoved: [{ entity: 'flows', path: '/ops', level: 'manager', role: null }],
      user: { email: 'lead@acme.example', status: 'active' },
    });
    expect(plan.keysRevoked.map((k: any) => [k.id, k.status])).toEqual([[leadOwnKey.id, 'active']]);
    expect(plan.keysCreatedForOthersRevoked.map((k: any) => [k.id, k.user])).toEqual([[keyForBob.id, 'bob@acme.example']]);
    expect((await lead.run(['whoami'])).exitCode).toBe(0);
    expect((await verify(keyForBob.secret)).exitCode).toBe(0);
    const events = await ok(c, ['audit', 'list', '--action', 'user.offboard', ...acme]);
    expect(events.items).toEqual([]);
  });

  it('deactivates, ends sessions, revokes own keys and keys made for others, leaves teams, drops grants; prints 30 days of activity', async () => {
    expectFailure(await c.run(['user', 'offboard', 'lead@acme.example', ...acme]), 2, /needs confirmation/);
    const done = await ok(c, ['user', 'offboard', 'lead@acme.example', '--yes', ...acme]);
    expect(done).toMatchObject({ dryRun: false, previousStatus: 'active', sessionsEnded: 1, teamsLeft: ['eng'], user: { status: 'inactive' } });
    expect(done.keysRevoked.map((k: any) => [k.id, k.status])).toEqual([[leadOwnKey.id, 'revoked']]);
    expect(done.keysCreatedForOthersRevoked.map((k: any) => [k.id, k.status])).toEqual([[keyForBob.id, 'revoked']]);
    // Activity: what they did (their keys) and what was done to them, before the offboarding.
    const actions = done.activity.map((e: any) => e.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('user.create');
    expect(actions.filter((a: string) => a === 'key.create')).toHaveLength(2);
    expect(actions).not.toContain('user.offboard');

    expectFailure(await lead.run(['whoami']), 4);
    expect((await verify(leadOwnKey.secret)).exitCode).toBe(4);
    expect((await verify(keyForBob.secret)).exitCode).toBe(4);
    expect((await ok(c, ['team', 'show', 'eng', ...acme])).members).toEqual([]);
    expect(await ok(c, ['access', 'list', '--on', 'flows:/ops', ...acme])).toEqual([]);
    expect((await login(cli({ db: c.db }), 'lead@acme.example', userPassword)).exitCode).toBe(4);
    const events = await ok(c, ['audit', 'list', '--action', 'user.offboard', ...acme]);
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({ actor: 'root@example.com', target: 'user:lead@acme.example', details: { keys: [leadOwnKey.id], keysCreatedForOthers: [keyForBob.id], teams: ['eng'], grants: 1, sessionsEnded: 1 } });
    expect((await ok(c, ['audit', 'list', '--action', 'key.revoke', ...acme])).items).toHaveLength(2);
  });

  it("revokes an invited user's pending invitation", async () => {
    const invited = await ok(c, ['user', 'create', ...acme, '--email', 'ivy@acme.example', '--first-name', 'Ivy', '--invite']);
    const done = await ok(c, ['user', 'offboard', 'ivy@acme.example', '--yes', ...acme]);
    expect(done).toMatchObject({ previousStatus: 'invited', invitationsRevoked: 1, user: { status: 'inactive' } });
    const accept = await cli({ db: c.db }).run(['invite', 'accept', '--token-stdin', '--password-stdin'], { input: `${invited.invitation.token}\n${userPassword}\n` });
    expect(accept.exitCode).not.toBe(0);
    const list = await ok(c, ['invite', 'list', '--status', 'revoked', ...acme]);
    expect(list.items.map((i: any) => i.email)).toContain('ivy@acme.example');
  });

  it('revokes the keys a super admin created in any tenant', async () => {
    const sam = await c.run(['user', 'create', '--email', 'sam@example.com', '--first-name', 'Sam', '--role', 'super-admin', '--password-stdin'], { input: `${userPassword}\n` });
    if (sam.exitCode !== 0) throw new Error(sam.stderr);
    const samCli = cli({ db: c.db });
    expect((await login(samCli, 'sam@example.com', userPassword)).exitCode).toBe(0);
    const key = await ok(samCli, ['key', 'create', '--user', 'bob@acme.example', '--name', 'from-sam', ...acme]);
    const done = await ok(c, ['user', 'offboard', 'sam@example.com', '--yes']);
    expect(done.keysCreatedForOthersRevoked.map((k: any) => [k.id, k.tenant, k.status])).toEqual([[key.id, 'acme', 'revoked']]);
    expect((await verify(key.secret)).exitCode).toBe(4);
  });

  it('prints a summary and the activity off a terminal', async () => {
    const r = await c.run(['user', 'create', ...acme, '--email', 'tom@acme.example', '--first-name', 'Tom', '--password-stdin'], { input: `${userPassword}\n` });
    expect(r.exitCode).toBe(0);
    const run = await c.run(['user', 'offboard', 'tom@acme.example', '--dry-run', ...acme]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^status\tactive -> inactive$/m);
    expect(run.stdout).toMatch(/^\S+\tuser\.create\troot@example\.com\tuser:tom@acme\.example\tsuccess$/m);
    expect(run.stderr).toMatch(/dry run: offboarding tom@acme\.example would deactivate them/);
  });

  it.each([
    ['an unknown user', () => c, ['user', 'offboard', 'nobody@acme.example', '--yes', ...acme], 6, /user nobody@acme\.example not found/],
    ["another tenant's user", () => boss, ['user', 'offboard', 'gus@globex.example', '--yes'], 6, /user gus@globex\.example not found/],
    ['oneself', () => boss, ['user', 'offboard', 'boss@acme.example', '--yes'], 7, /you cannot offboard your own account/],
    ['the last super admin', () => c, ['user', 'offboard', 'root@example.com', '--yes'], 7, /cannot offboard root@example\.com: it is the last active super admin/],
  ])('refuses %s', async (_what, who, args, code, message) => {
    expectFailure(await who().run(args), code, message);
  });

  it('is for admins only', async () => {
    const viewer = await signedInUser(c, 'acme', 'vic@acme.example', ['viewer']);
    expectFailure(await viewer.run(['user', 'offboard', 'bob@acme.example', '--yes']), 5);
    expect((await verify(keyForBob.secret)).exitCode).toBe(4);
  });
});
