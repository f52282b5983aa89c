// user diagnose: each check's verdicts, the decision with the one reason that decided it, bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, signedInUser, userPassword } from './authz-helpers.js';

let c: Cli;
const acme = ['--tenant', 'acme'];

const create = async (tenant: string, email: string, roles: string[]) => {
  const r = await c.run(['user', 'create', '--tenant', tenant, '--email', email, '--first-name', 'Test', ...roles.flatMap((x) => ['--role', x]), '--password-stdin'], { input: `${userPassword}\n` });
  if (r.exitCode !== 0) throw new Error(r.stderr);
};
const userId = async (email: string) => (await c.sql<{ id: string }>('select id from users where email = ?', [email]))[0]!.id;

/** check -> [verdict, detail] */
async function checks(args: string[]): Promise<{ byCheck: Record<string, [string, string, string | null]>; decision: any }> {
  const run = await c.run(['user', 'diagnose', ...args, '-o', 'json']);
  if (![0, 8].includes(run.exitCode)) throw new Error(run.stderr);
  const result = JSON.parse(run.stdout);
  expect(run.exitCode).toBe(result.decision && !result.decision.allowed ? 8 : 0);
  return { byCheck: Object.fromEntries(result.checks.map((x: any) => [x.check, [x.verdict, x.detail, x.fix]])), decision: result.decision };
}

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['tenant', 'create', 'frozen', '--name', 'Frozen']);
  await create('acme', 'ada@acme.example', ['editor']);
  await create('acme', 'boss@acme.example', ['admin']);
  await create('frozen', 'fay@frozen.example', ['viewer']);
  await ok(c, ['user', 'create', ...acme, '--email', 'ivy@acme.example', '--first-name', 'Ivy', '--role', 'editor', '--invite']);
  await ok(c, ['team', 'create', 'contractors', ...acme]);
  await ok(c, ['team', 'grant', 'contractors', 'operator', ...acme]);
  await ok(c, ['team', 'add-member', 'contractors', 'ada@acme.example', ...acme]);
  await ok(c, ['access', 'grant', 'team:contractors', 'none', '--on', 'flows:/finance', ...acme]);
  await ok(c, ['access', 'grant', 'ada@acme.example', 'operator', '--on', 'flows:/finance/payroll', ...acme]);
  await c.run(['tenant', 'deactivate', 'frozen', '--yes']);
});

describe('user diagnose', () => {
  it('passes every account check for an active user and describes roles, teams and grants', async () => {
    const { byCheck, decision } = await checks(['ada@acme.example', ...acme]);
    expect(Object.keys(byCheck)).toEqual(['tenant', 'status', 'locked', 'tenant-active', 'roles', 'teams', 'grants', 'mfa', 'key-policy']);
    expect(byCheck.tenant).toEqual(['pass', 'ada@acme.example belongs to acme', null]);
    expect(byCheck.status![0]).toBe('pass');
    expect(byCheck.locked![0]).toBe('pass');
    expect(byCheck['tenant-active']![0]).toBe('pass');
    expect(byCheck.roles![0]).toBe('info');
    expect(byCheck.roles![1]).toMatch(/^editor: built-in, \d+ permission\(s\); operator \(team:contractors\): built-in/);
    expect(byCheck.teams).toEqual(['info', 'member of contractors (operator)', null]);
    expect(byCheck.grants![1]).toMatch(/2 resource grant\(s\): .*none on flows:\/finance \(team:contractors\)/);
    expect(byCheck.mfa).toEqual(['pass', 'no second factor required', null]);
    expect(byCheck['key-policy']![0]).toBe('pass');
    expect(decision).toBeNull();
  });

  it.each([
    ['roles decide where no grant covers the path', 'update', 'flows:/marketing', true, 'roles', /granted by editor/],
    ['the deepest grant (none, of a team) denies under it', 'read', 'flows:/finance/reports', false, 'grants', /denied by none on flows:\/finance \(team:contractors\)/],
    ['her own deeper grant allows', 'operate', 'flows:/finance/payroll/run', true, 'grants', /granted by operator on flows:\/finance\/payroll/],
    ['no role grants it', 'delete', 'users', false, 'roles', /none of your roles grants users:delete/],
  ])('decides with --action: %s', async (_what, action, on, allowed, decidedBy, reason) => {
    const { byCheck, decision } = await checks(['ada@acme.example', '--action', action, '--on', on, ...acme]);
    expect(decision).toMatchObject({ action, allowed, decidedBy, reason: expect.stringMatching(reason) });
    if (on.includes(':')) {
      const covered = on !== 'flows:/marketing';
      expect(byCheck.grants![0]).toBe(covered ? (allowed ? 'pass' : 'fail') : 'info');
      if (!covered) expect(byCheck.grants![1]).toBe('no grant covers flows:/marketing: the tenant-wide roles decide');
    }
    expect(byCheck.roles![0]).toBe(on === 'users' ? 'fail' : 'pass');
  });

  it('says which account check blocks a user: status, lockout, tenant', async () => {
    const invited = await checks(['ivy@acme.example', '--action', 'read', '--on', 'flows', ...acme]);
    expect(invited.byCheck.status).toEqual(['fail', 'status invited: cannot sign in or use keys', 'iamctl invite resend ivy@acme.example']);
    expect(invited.decision).toMatchObject({ allowed: false, decidedBy: 'status', reason: 'status invited: cannot sign in or use keys' });

    await c.sql("update users set status = 'inactive' where email = ?", ['ada@acme.example']);
    try {
      const inactive = await checks(['ada@acme.example', ...acme]);
      expect(inactive.byCheck.status).toEqual(['fail', 'status inactive: cannot sign in or use keys', 'iamctl user activate ada@acme.example']);
    } finally {
      await c.sql("update users set status = 'active' where email = ?", ['ada@acme.example']);
    }

    await c.sql("update users set status = 'deleted', deleted_at = ? where email = ?", [new Date().toISOString(), 'ivy@acme.example']);
    const deleted = await checks(['ivy@acme.example', ...acme]);
    expect(deleted.byCheck.status).toEqual(['fail', 'status deleted: cannot sign in or use keys', 'iamctl user restore ivy@acme.example']);
    await c.sql("update users set status = 'invited', deleted_at = null where email = ?", ['ivy@acme.example']);

    const until = new Date(Date.now() + 3_600_000).toISOString();
    await c.sql('insert into lockouts (tenant_id, user_id, locked_at, locked_until) values ((select tenant_id from users where email = ?), ?, ?, ?)', ['ada@acme.example', await userId('ada@acme.example'), new Date().toISOString(), until]);
    try {
      const locked = await checks(['ada@acme.example', '--action', 'update', '--on', 'flows', ...acme]);
      expect(locked.byCheck.locked).toEqual(['fail', `locked out after failed sign-ins until ${until}`, 'iamctl user unlock ada@acme.example']);
      expect(locked.decision).toMatchObject({ allowed: false, decidedBy: 'locked' });
    } finally {
      await c.sql('delete from lockouts where user_id = ?', [await userId('ada@acme.example')]);
    }

    const frozen = await checks(['fay@frozen.example', '--tenant', 'frozen', '--action', 'read', '--on', 'flows']);
    expect(frozen.byCheck['tenant-active']).toEqual(['fail', 'frozen is inactive: its users cannot sign in or use keys', 'iamctl tenant activate frozen']);
    expect(frozen.decision).toMatchObject({ allowed: false, decidedBy: 'tenant-active' });
  });

  it("tells a super admin when the user is in another tenant (the seed's wrong workspace)", async () => {
    const { byCheck, decision } = await checks(['ada@acme.example', '--tenant', 'frozen', '--action', 'read', '--on', 'flows']);
    expect(byCheck.tenant).toEqual(['fail', 'ada@acme.example belongs to acme, not frozen', '--tenant acme']);
    expect(decision).toMatchObject({ allowed: false, decidedBy: 'tenant', reason: 'ada@acme.example belongs to acme, not frozen: users act only in their own tenant' });
    const root = await checks(['root@example.com', ...acme, '--action', 'delete', '--on', 'users']);
    expect(root.byCheck.tenant).toEqual(['pass', 'root@example.com is a super admin of the main account: acts in every tenant', null]);
    expect(root.byCheck.teams).toEqual(['info', 'member of no team', null]);
    expect(root.byCheck.grants).toEqual(['info', 'no resource grants (own or through teams)', null]);
    expect(root.decision).toMatchObject({ allowed: true, decidedBy: 'roles' });
  });

  it('reports a user without roles, an MFA restriction and a key policy that refuses their keys', async () => {
    await ok(c, ['settings', 'set', 'security.mfaRequiredForAdmins', 'true', ...acme]);
    const mfa = await checks(['boss@acme.example', '--action', 'read', '--on', 'users', ...acme]);
    expect(mfa.byCheck.mfa![0]).toBe('fail');
    expect(mfa.byCheck.mfa![1]).toMatch(/security\.mfaRequiredForAdmins applies and no second factor is enrolled/);
    expect(mfa.decision).toMatchObject({ allowed: false, decidedBy: 'mfa' });
    await c.sql('update users set mfa_enabled = 1 where email = ?', ['boss@acme.example']);
    expect((await checks(['boss@acme.example', ...acme])).byCheck.mfa).toEqual(['pass', 'second factor enrolled', null]);
    await ok(c, ['settings', 'set', 'security.mfaRequiredForAdmins', 'false', ...acme]);

    await ok(c, ['settings', 'set', 'security.apiKeys.enabled', 'false', '--user', 'ada@acme.example', ...acme]);
    const keys = await checks(['ada@acme.example', ...acme]);
    expect(keys.byCheck['key-policy']).toEqual([
      'warn', 'API keys are disabled for ada@acme.example (security.apiKeys.enabled): 0 live key(s) cannot be used',
      'iamctl settings set security.apiKeys.enabled true --user ada@acme.example',
    ]);
    await ok(c, ['settings', 'set', 'security.apiKeys.enabled', 'true', '--user', 'ada@acme.example', ...acme]);
    await ok(c, ['settings', 'set', 'security.apiKeys.apiUserOnly', 'true', ...acme]);
    expect((await checks(['ada@acme.example', ...acme])).byCheck['key-policy']![0]).toBe('warn');
    await ok(c, ['settings', 'set', 'security.apiKeys.apiUserOnly', 'false', ...acme]);

    await c.sql('delete from role_assignments where user_id = ?', [await userId('ivy@acme.example')]);
    const bare = await checks(['ivy@acme.example', ...acme]);
    expect(bare.byCheck.roles).toEqual(['fail', 'holds no role: grants nothing', 'iamctl role assign ivy@acme.example viewer']);
  });

  it('prints one row per check and the decision off a terminal', async () => {
    const run = await c.run(['user', 'diagnose', 'ada@acme.example', '--action', 'read', '--on', 'flows:/finance/x', ...acme]);
    expect(run.exitCode).toBe(8);
    expect(run.stdout).toMatch(/^tenant\tpass\tada@acme\.example belongs to acme\t$/m);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^decision\tdeny\tdenied by none on flows:\/finance \(team:contractors\).* \(decided by grants\)$/);
  });

  it.each([
    ['an unknown user', ['nobody@acme.example'], 6, /user nobody@acme\.example not found/],
    ['--action without --on', ['ada@acme.example', '--action', 'read'], 2, /--action and --on go together/],
    ['--on without --action', ['ada@acme.example', '--on', 'flows'], 2, /--action and --on go together/],
    ['an unknown action', ['ada@acme.example', '--action', 'fly', '--on', 'flows'], 3, /unknown action "fly"/],
    ['an unknown entity', ['ada@acme.example', '--action', 'read', '--on', 'rockets'], 3, /unknown entity "rockets"/],
    ['a malformed path', ['ada@acme.example', '--action', 'read', '--on', 'flows:finance'], 3, /path/],
  ])('refuses %s', async (_what, args, code, message) => {
    expectFailure(await c.run(['user', 'diagnose', ...args, ...acme]), code, message);
  });

  it("is for IAM readers; another tenant's user looks missing to a tenant admin", async () => {
    const admin = await signedInUser(c, 'acme', 'helper@acme.example', ['admin']);
    expect((await ok(admin, ['user', 'diagnose', 'ada@acme.example'])).user).toBe('ada@acme.example');
    expectFailure(await admin.run(['user', 'diagnose', 'fay@frozen.example']), 6, /user fay@frozen\.example not found/);
    const viewer = await signedInUser(c, 'acme', 'peek@acme.example', ['viewer']);
    expectFailure(await viewer.run(['user', 'diagnose', 'ada@acme.example']), 5);
  });
});
