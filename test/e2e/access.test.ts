// access grant | revoke | list and can-i on resource paths, as people run them: the README's
// worked examples, exit codes, stdout/stderr shapes, delegation to resource managers.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, setGlobal, signedInUser } from './authz-helpers.js';

let c: Cli;
let ada: Cli;
let bob: Cli;
const acme = ['--tenant', 'acme'];
const grantCount = async () => Number((await c.sql<{ n: number }>('select cast(count(*) as integer) as n from resource_grants'))[0]!.n);

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['tenant', 'create', 'globex', '--name', 'Globex']);
  await ok(c, ['user', 'create', '--tenant', 'globex', '--email', 'gus@globex.example', '--first-name', 'Gus']);
  await ok(c, ['team', 'create', 'spies', '--tenant', 'globex']);
  ada = await signedInUser(c, 'acme', 'ada@acme.example', ['editor']);
  bob = await signedInUser(c, 'acme', 'bob@acme.example', ['viewer']);
  for (const [team, member] of [['contractors', 'ada@acme.example'], ['ops', 'bob@acme.example']] as const) {
    await ok(c, ['team', 'create', team, ...acme]);
    await ok(c, ['team', 'add-member', team, member, ...acme]);
  }
});

describe('the README example', () => {
  beforeAll(async () => {
    for (const [subject, what, on] of [
      ['team:contractors', 'none', 'flows:/finance'],
      ['ada@acme.example', 'operator', 'flows:/finance/payroll'],
      ['team:ops', 'operator', 'flows:/ops/*'],
      ['bob@acme.example', 'manager', 'flows:/ops/nightly'],
    ]) {
      await ok(c, ['access', 'grant', subject!, what!, '--on', on!, ...acme]);
    }
  });

  it.each([
    ['ada', 'update', 'flows:/marketing/launch', 0, 'granted by editor'],
    ['ada', 'read', 'flows:/finance/reports/q3', 8, 'denied by none on flows:/finance (team:contractors): level none removes access there, whatever the roles allow'],
    ['ada', 'operate', 'flows:/finance/payroll/run', 0, 'granted by operator on flows:/finance/payroll (user:ada@acme.example)'],
    ['ada', 'update', 'flows:/finance/payroll', 8, 'operator on flows:/finance/payroll (user:ada@acme.example) is the most specific grant there and gives only read, operate, not update'],
    ['bob', 'operate', 'flows:/ops/daily', 0, 'granted by operator on flows:/ops (team:ops)'],
    ['bob', 'delete', 'flows:/ops/nightly/step-2', 0, 'granted by manager on flows:/ops/nightly (user:bob@acme.example)'],
    ['bob', 'operate', 'flows:/elsewhere', 8, 'none of your roles grants flows:operate'],
  ])('%s: can-i %s %s exits %i', async (who, action, target, code, reason) => {
    const result = await (who === 'ada' ? ada : bob).run(['can-i', action, target]);
    expect(result).toMatchObject({ exitCode: code, stdout: code === 0 ? 'yes\n' : 'no\n', stderr: `${reason}\n` });
    // The same answer for an administrator asking --as them.
    const as = await c.run(['can-i', action, target, '--as', `${who}@acme.example`, ...acme]);
    expect(as).toMatchObject({ exitCode: code, stderr: `${reason}\n` });
  });

  it('explains in JSON which grant decided', async () => {
    const result = await ada.run(['can-i', 'read', 'flows:/finance/reports/*', '-o', 'json']);
    expect(result.exitCode).toBe(8);
    expect(JSON.parse(result.stdout)).toEqual({
      allowed: false, action: 'read', entity: 'flows', path: '/finance/reports', user: 'ada@acme.example', tenant: 'acme',
      reason: expect.stringMatching(/^denied by none/), grantedBy: [], roles: [], teams: ['contractors'], decidedBy: 'grant',
      grants: [{ subject: 'team:contractors', entity: 'flows', path: '/finance', level: 'none', role: null, actions: [] }],
    });
    const roles = JSON.parse((await ada.run(['can-i', 'update', 'flows:/marketing', '-o', 'json'])).stdout);
    expect(roles).toMatchObject({ allowed: true, decidedBy: 'roles', grants: [], roles: ['editor'] });
  });

  it('lists what applies to a resource, what reaches a user, and what they may do', async () => {
    const on = await ok(c, ['access', 'list', '--on', 'flows:/finance/payroll', ...acme]);
    expect(on.map((g: any) => [g.subject, g.path, g.level, g.relation])).toEqual([
      ['team:contractors', '/finance', 'none', 'inherited'],
      ['user:ada@acme.example', '/finance/payroll', 'operator', 'exact'],
    ]);
    const table = await c.run(['access', 'list', '--on', 'flows:/finance', ...acme]);
    expect(table.stdout.split('\n')[0]).toMatch(/^team:contractors\tflows\t\/finance\tnone\t\(none\)\texact\troot@example\.com\t/);
    const reaching = await ok(c, ['access', 'list', '--user', 'bob@acme.example', ...acme]);
    expect(reaching.map((g: any) => [g.path, g.via])).toEqual([['/ops', 'team:ops'], ['/ops/nightly', 'direct']]);
    const effective = await ok(c, ['access', 'list', '--user', 'ada@acme.example', '--effective', ...acme]);
    expect(effective.map((e: any) => [e.path, e.actions.join(','), e.decidedBy])).toEqual([
      ['/', 'create,read,update,delete,operate', 'roles'],
      ['/finance', '', 'grant'],
      ['/finance/payroll', 'read,operate', 'grant'],
    ]);
    // Everyone may see their own.
    const own = await bob.run(['access', 'list', '--effective', '--columns', 'path,actions']);
    expect(own).toMatchObject({ exitCode: 0, stdout: '/\tread\n/ops\tread, operate\n/ops/nightly\tcreate, read, update, delete, operate\n' });
    expect((await ok(c, ['access', 'list', ...acme])).length).toBe(4);
  });
});

describe('access grant and revoke', () => {
  it('grants, replaces, refuses the same grant twice (7), and revokes after confirmation', async () => {
    const created = await c.run(['access', 'grant', 'team:ops', 'viewer', '--on', 'connections:/prod', ...acme, '-o', 'json']);
    expect(created.exitCode).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ subject: 'team:ops', team: 'ops', entity: 'connections', path: '/prod', level: 'viewer', actions: ['read'], tenant: 'acme' });
    expect(created.stderr).toBe('✓ granted viewer on connections:/prod to team:ops\n');
    const changed = await c.run(['access', 'grant', 'team:ops', 'editor', '--on', 'connection:/prod/*', ...acme]);
    expect(changed).toMatchObject({ exitCode: 0, stderr: '✓ changed team:ops on connections:/prod from viewer to role editor\n' });
    expect(changed.stdout).toMatch(/^grant\trole editor$/m);
    expectFailure(await c.run(['access', 'grant', 'team:ops', 'editor', '--on', 'connections:/prod', ...acme]), 7, /already has editor on connections:\/prod/);
    // Revoking: 6 for what is not there, even before confirming; confirmation off a terminal is --yes.
    expectFailure(await c.run(['access', 'revoke', 'team:ops', '--on', 'connections:/prod/db', ...acme]), 6, /team:ops has no grant on connections:\/prod\/db/);
    expectFailure(await c.run(['access', 'revoke', 'team:ops', '--on', 'connections:/prod', ...acme]), 2, /needs confirmation: pass --yes/);
    const revoked = await c.run(['access', 'revoke', 'team:ops', '--on', 'connections:/prod', '--yes', ...acme, '-o', 'json']);
    expect(revoked.exitCode).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ subject: 'team:ops', path: '/prod', role: 'editor' });
    expect(revoked.stderr).toBe('✓ revoked role editor on connections:/prod from team:ops\n');
  });

  it.each([
    ['an unknown entity', ['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'pipelines:/a'], 3, /unknown entity "pipelines"/],
    ['an entity without resources', ['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'users:/a'], 3, /users has no resources/],
    ['a relative path', ['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'flows:finance'], 3, /must be absolute/],
    ['a .. segment', ['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'flows:/a/../b'], 3, /relative segment/],
    ['an empty segment', ['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'flows:/a//b'], 3, /empty segment/],
    ['a path over 512 characters', ['access', 'grant', 'bob@acme.example', 'viewer', '--on', `flows:/${'x'.repeat(600)}`], 3, /longer than 512/],
    ['an unknown level or role', ['access', 'grant', 'bob@acme.example', 'owner', '--on', 'flows:/a'], 3, /unknown level or role "owner"/],
    ['a user of another tenant', ['access', 'grant', 'gus@globex.example', 'viewer', '--on', 'flows:/a'], 6, /user gus@globex\.example not found/],
    ['a team of another tenant', ['access', 'grant', 'team:spies', 'viewer', '--on', 'flows:/a'], 6, /team spies not found/],
    ['a revoke of nothing', ['access', 'revoke', 'bob@acme.example', '--on', 'flows:/nothing', '--yes'], 6, /has no grant on flows:\/nothing/],
    ['a missing --on', ['access', 'grant', 'bob@acme.example', 'viewer'], 2, /missing --on/],
    ['a missing level', ['access', 'grant', 'bob@acme.example', '--on', 'flows:/a'], 2, /missing required argument/],
    ['the main account', ['access', 'grant', 'root@example.com', 'viewer', '--on', 'flows:/a'], 3, /resource grants belong to tenants/],
  ])('refuses %s and changes nothing', async (name, args, code, message) => {
    const before = await grantCount();
    // A super admin without --tenant acts in the main account.
    expectFailure(await c.run(name === 'the main account' ? args : [...args, ...acme]), code, message);
    expect(await grantCount()).toBe(before);
  });

  it('prints errors as JSON with -o json', async () => {
    const result = await c.run(['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'flows:/a/', ...acme, '-o', 'json']);
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(/ends with \//) } });
    expect(result.stdout).toBe('');
  });
});

describe('delegation to resource managers', () => {
  it('lets a manager of a folder (through a grant) grant, revoke and list there, and nowhere else', async () => {
    // Bob is a viewer with manager on flows:/ops/nightly (README example).
    expect((await bob.run(['access', 'grant', 'ada@acme.example', 'viewer', '--on', 'flows:/ops/nightly/reports'])).exitCode).toBe(0);
    expect((await bob.run(['access', 'list', '--on', 'flows:/ops/nightly', '-o', 'json'])).exitCode).toBe(0);
    expect((await bob.run(['access', 'revoke', 'ada@acme.example', '--on', 'flows:/ops/nightly/reports', '--yes'])).exitCode).toBe(0);
    const before = await grantCount();
    expectFailure(await bob.run(['access', 'grant', 'ada@acme.example', 'viewer', '--on', 'flows:/ops']), 5, /needs roles:update or manager on that resource/);
    expectFailure(await bob.run(['access', 'revoke', 'team:ops', '--on', 'flows:/ops', '--yes']), 5, /needs roles:update or manager/);
    expectFailure(await bob.run(['access', 'list']), 5, /none of your roles grants roles:read/);
    expectFailure(await bob.run(['access', 'list', '--user', 'ada@acme.example']), 5, /roles:read/);
    // An editor holds flows tenant-wide, but not through a grant.
    expectFailure(await ada.run(['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'flows:/marketing']), 5, /needs roles:update or manager/);
    expect(await grantCount()).toBe(before);
  });
});

describe('cascades and editions', () => {
  it("removes a team's grants with the team", async () => {
    await ok(c, ['team', 'create', 'temp', ...acme]);
    await ok(c, ['access', 'grant', 'team:temp', 'viewer', '--on', 'data:/lake', ...acme]);
    const before = await grantCount();
    await ok(c, ['team', 'delete', 'temp', '--yes', ...acme]);
    expect(await grantCount()).toBe(before - 1);
    expect(await ok(c, ['access', 'list', '--on', 'data', ...acme])).toEqual([]);
  });

  it('needs edition.rbac=enterprise, and grants decide nothing below it', async () => {
    await setGlobal(c, 'edition.rbac', 'basic');
    try {
      expectFailure(await c.run(['access', 'list', ...acme]), 5, /edition\.rbac=enterprise/);
      expect((await ada.run(['can-i', 'read', 'flows:/finance/x'])).exitCode).toBe(0);
    } finally {
      await setGlobal(c, 'edition.rbac', 'enterprise');
    }
    expect((await ada.run(['can-i', 'read', 'flows:/finance/x'])).exitCode).toBe(8);
  });

  it('lists the access commands in help', async () => {
    const help = await c.run(['access', '--help']);
    expect(help.stdout).toMatch(/grant \[options\] <user\|team:NAME> <role\|level>/);
    expect(help.stdout).toMatch(/revoke/);
    expect(help.stdout).toMatch(/list/);
  });
});
