// review: one finding of each type, the fix it names, the formats, the scope and the exit codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, signedInUser, userPassword } from './authz-helpers.js';

let c: Cli;
let keyIds: Record<'never' | 'stale' | 'soon' | 'forever', string>;
const acme = ['--tenant', 'acme'];
const longAgo = '2020-01-01T00:00:00.000Z';
const daysFromNow = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

const create = (email: string, ...extra: string[]) =>
  c.run(['user', 'create', ...acme, '--email', email, '--first-name', 'Test', ...extra, '--password-stdin'], { input: `${userPassword}\n` });

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['tenant', 'create', 'quiet', '--name', 'Quiet']);
  await ok(c, ['role', 'create', 'user-manager', '--grant', 'users:update', ...acme]);
  await ok(c, ['role', 'create', 'unheld', '--grant', 'flows:read', ...acme]);
  await ok(c, ['team', 'create', 'empty-team', ...acme]);
  for (const [email, roles] of [
    ['old@acme.example', ['viewer']],
    ['boss@acme.example', ['admin']],
    ['safe@acme.example', ['admin']],
    ['double@acme.example', ['admin', 'user-manager']],
    ['keys@acme.example', ['editor']],
    ['gone@acme.example', ['viewer']],
  ] as const) {
    const r = await create(email, ...roles.flatMap((role) => ['--role', role]));
    if (r.exitCode !== 0) throw new Error(r.stderr);
  }
  await ok(c, ['user', 'create', ...acme, '--email', 'late@acme.example', '--first-name', 'Late', '--invite']);
  // States a review finds, written as time would have left them.
  await c.sql('update users set last_login_at = ? where email = ?', [longAgo, 'old@acme.example']);
  await c.sql("update users set last_login_at = ? where email <> 'old@acme.example'", [new Date().toISOString()]);
  await c.sql('update users set mfa_enabled = 1 where email = ?', ['safe@acme.example']);
  await c.sql('update invitations set expires_at = ? where user_id = (select id from users where email = ?)', [longAgo, 'late@acme.example']);
  const never = await ok(c, ['key', 'create', '--user', 'keys@acme.example', '--name', 'never', '--expires-in-days', '60', ...acme]);
  const stale = await ok(c, ['key', 'create', '--user', 'keys@acme.example', '--name', 'stale', '--expires-in-days', '60', ...acme]);
  const soon = await ok(c, ['key', 'create', '--user', 'keys@acme.example', '--name', 'soon', '--expires-in-days', '7', ...acme]);
  const forever = await ok(c, ['key', 'create', '--user', 'keys@acme.example', '--name', 'forever', ...acme]);
  await c.sql('update api_keys set last_used_at = ? where id = ?', [longAgo, stale.id]);
  await c.sql('update api_keys set last_used_at = ? where id in (?, ?)', [new Date().toISOString(), soon.id, forever.id]);
  keyIds = { never: never.id, stale: stale.id, soon: soon.id, forever: forever.id };
  await ok(c, ['access', 'grant', 'gone@acme.example', 'operator', '--on', 'flows:/finance', ...acme]);
  await c.sql("update users set status = 'deleted', deleted_at = ? where email = ?", [new Date().toISOString(), 'gone@acme.example']);
});

const findingsOf = (report: any, tenant: string | null) => report.tenants.find((t: any) => t.tenant === tenant).findings as any[];

describe('review', () => {
  it('finds each type of finding in a tenant, each naming the command that fixes it', async () => {
    const report = await ok(c, ['review', ...acme]);
    expect(report.inactiveDays).toBe(90);
    expect(report.tenants.map((t: any) => t.tenant)).toEqual(['acme']);
    const pick = (type: string) => findingsOf(report, 'acme').filter((f) => f.type === type).map((f) => [f.subject, f.fix]);
    expect(pick('inactive-user')).toEqual([['old@acme.example', 'iamctl user offboard old@acme.example --yes']]);
    expect(pick('expired-invitation')).toEqual([['late@acme.example', 'iamctl invite resend late@acme.example  # or: iamctl invite revoke late@acme.example --yes']]);
    expect(pick('admin').map(([s]) => s)).toEqual(['safe@acme.example']);
    expect(pick('admin-without-mfa').map(([s]) => s)).toEqual(['boss@acme.example', 'double@acme.example']);
    expect(pick('admin-without-mfa')[0]![1]).toMatch(/^iamctl settings set security\.mfaRequiredForAdmins true/);
    expect(pick('multiple-admin-roles')).toEqual([['double@acme.example', 'iamctl role unassign double@acme.example user-manager --yes']]);
    expect(pick('key-never-used').map(([s]) => s)).toEqual([`key:${keyIds.never}`]);
    expect(pick('key-unused')).toEqual([[`key:${keyIds.stale}`, `iamctl key revoke ${keyIds.stale} --yes`]]);
    expect(pick('key-expiring')).toEqual([[`key:${keyIds.soon}`, `iamctl key regenerate ${keyIds.soon}`]]);
    expect(pick('key-without-expiry').map(([s]) => s)).toEqual([`key:${keyIds.forever}`]);
    expect(pick('unused-custom-role')).toEqual([['role:unheld', 'iamctl role delete unheld --yes']]);
    expect(pick('empty-team')).toEqual([['team:empty-team', 'iamctl team delete empty-team --yes']]);
    expect(pick('grant-to-deleted-user')).toEqual([['grant:flows:/finance', 'iamctl user purge gone@acme.example --yes  # or restore the user']]);
    // user-manager is held (by double), so only `unheld` is unused; the deleted user is no inactive user.
    expect(findingsOf(report, 'acme').every((f) => f.subject !== 'gone@acme.example')).toBe(true);
    expect(report.tenants[0].counts).toMatchObject({ 'inactive-user': 1, 'key-never-used': 1, 'empty-team': 1 });
  });

  it('--inactive-days moves the line for users and keys', async () => {
    await c.sql('update users set last_login_at = ? where email = ?', [daysFromNow(-10), 'old@acme.example']);
    try {
      const types = async (days: string) => findingsOf(await ok(c, ['review', '--inactive-days', days, ...acme]), 'acme').filter((f) => f.subject === 'old@acme.example').map((f) => f.type);
      expect(await types('90')).toEqual([]);
      expect(await types('5')).toEqual(['inactive-user']);
    } finally {
      await c.sql('update users set last_login_at = ? where email = ?', [longAgo, 'old@acme.example']);
    }
  });

  it('reviews every tenant and the main account for a super admin in the main account, with --tenant in the fixes', async () => {
    const report = await ok(c, ['review']);
    expect(report.tenants.map((t: any) => t.tenant)).toEqual([null, 'sso-landing', 'acme', 'quiet']);
    expect(findingsOf(report, null).map((f) => [f.type, f.subject])).toEqual([['admin-without-mfa', 'root@example.com']]);
    expect(findingsOf(report, 'acme').find((f) => f.type === 'empty-team').fix).toBe('iamctl team delete empty-team --yes --tenant acme');
    expect(findingsOf(report, 'quiet')).toEqual([]);
  });

  it('prints a table, a Markdown report, and audits the review', async () => {
    const table = await c.run(['review', ...acme]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^acme\tmedium\tinactive-user\told@acme\.example\t.*\tiamctl user offboard old@acme\.example --yes$/m);
    expect(table.stderr).toMatch(/1 tenant\(s\) reviewed: \d+ finding\(s\)/);
    const md = await c.run(['review', '--format', 'md', ...acme]);
    expect(md.exitCode).toBe(0);
    expect(md.stdout).toMatch(/^# Access review$/m);
    expect(md.stdout).toMatch(/^## Tenant acme \(Acme\)$/m);
    expect(md.stdout).toMatch(/^\| medium \| inactive-user \| old@acme\.example \| .* \| `iamctl user offboard old@acme\.example --yes` \|$/m);
    const events = await ok(c, ['audit', 'list', '--action', 'review.run', ...acme]);
    expect(events.items.length).toBeGreaterThanOrEqual(3);
    expect(events.items[0]).toMatchObject({ actor: 'root@example.com', action: 'review.run', details: { inactiveDays: 90, tenants: 1 } });
  });

  it('--fail-on-findings exits 8 with findings and 0 without', async () => {
    const failing = await c.run(['review', '--fail-on-findings', ...acme]);
    expect(failing.exitCode).toBe(8);
    expect(failing.stdout).toMatch(/inactive-user/);
    const clean = await c.run(['review', '--fail-on-findings', '--tenant', 'quiet']);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toBe('');
    expect((await c.run(['review', ...acme])).exitCode).toBe(0);
  });

  it.each(['0', '-3', 'abc', '1.5', ''])('refuses --inactive-days %j (3)', async (value) => {
    expectFailure(await c.run(['review', '--inactive-days', value, ...acme]), 3, /--inactive-days must be a positive whole number/);
  });

  it('is for IAM readers of their own tenant: an admin sees only theirs, a viewer is refused', async () => {
    const admin = await signedInUser(c, 'acme', 'reviewer@acme.example', ['admin']);
    const report = await ok(admin, ['review']);
    expect(report.tenants.map((t: any) => t.tenant)).toEqual(['acme']);
    expectFailure(await admin.run(['review', '--tenant', 'quiet']), 6);
    const viewer = await signedInUser(c, 'acme', 'looker@acme.example', ['viewer']);
    expectFailure(await viewer.run(['review']), 5);
    // users:read alone is not enough: a review also reads keys, roles, teams and invitations.
    await ok(c, ['role', 'create', 'user-reader', '--grant', 'users:read', ...acme]);
    const reader = await signedInUser(c, 'acme', 'reader@acme.example', ['user-reader']);
    expectFailure(await reader.run(['review']), 5, /roles:read/);
  });
});
