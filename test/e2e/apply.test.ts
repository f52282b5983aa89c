// apply / export (issue 8): plans and their verbs, idempotence (no audit event the second time),
// dry runs and --detailed-exitcode, round trips through export, --prune and its scope, invited
// users, who may apply what, and every bad input of the issue (exit 3, file:line field, nothing
// written).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializedCli, login, type Cli, type CliResult } from '../helpers/cli.js';

const acmeYaml = `version: 1
settings: { security.apiKeys.maxTtlDays: 365 }
tenants:
  - slug: acme
    name: Acme Corp
    email: ops@acme.example
    settings: { security.apiKeys.maxTtlDays: 90 }
    roles:
      - name: flow-runner
        inherits: [viewer]
        grants: [flows:operate, schedules:operate]
    teams:
      - name: engineering
        roles: [editor]
        members: [ada@acme.example]
    users:
      - email: ada@acme.example
        firstName: Ada
        lastName: Lovelace
        roles: [admin]
      - email: bob@acme.example
        firstName: Bob
        roles: [flow-runner]
    access:
      - { subject: "user:bob@acme.example", on: "flows:/finance", grant: operator }
`;

function write(c: Cli, name: string, content: string): string {
  const target = path.join(c.home, name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
  return target;
}

async function auditHead(c: Cli): Promise<number> {
  const [head] = await c.sql<{ seq: number }>('select cast(seq as integer) as seq from audit_head');
  return Number(head!.seq);
}

async function counts(c: Cli) {
  const one = async (table: string) => Number((await c.sql<{ n: number }>(`select cast(count(*) as integer) as n from ${table}`))[0]!.n);
  return { tenants: await one('tenants'), users: await one('users'), roles: await one('roles'), teams: await one('teams'), settings: await one('tenant_settings'), grants: await one('resource_grants'), head: await auditHead(c) };
}

/** A user as stored, with their direct roles (sorted). */
async function user(c: Cli, email: string) {
  const [row] = await c.sql<{ id: string; first_name: string; last_name: string; status: string; slug: string }>(
    'select u.id, u.first_name, u.last_name, u.status, t.slug from users u join tenants t on t.id = u.tenant_id where u.email_lower = ?', [email]);
  if (!row) return undefined;
  const roles = await c.sql<{ role_id: string }>('select role_id from role_assignments where user_id = ? order by role_id', [row.id]);
  return { firstName: row.first_name, lastName: row.last_name, status: row.status, tenant: row.slug, roles: roles.map((r) => r.role_id) };
}

const planLines = (r: CliResult) => r.stdout.trim().split('\n').filter(Boolean);

describe('apply: plans, idempotence, dry runs', () => {
  it('creates everything of SPEC §7 in one go, then a second apply reports only unchanged and writes no audit event', async () => {
    const c = await initializedCli();
    const file = write(c, 'env.yaml', acmeYaml);
    const first = await c.run(['apply', '-f', file, '--detailed-exitcode']);
    expect(first.exitCode, first.stderr).toBe(10);
    expect(planLines(first)).toEqual([
      'created   setting security.apiKeys.maxTtlDays',
      'created   tenant  acme',
      'created   setting acme/security.apiKeys.maxTtlDays',
      'created   role    acme/flow-runner',
      'created   user    acme/ada@acme.example (invited)',
      'created   user    acme/bob@acme.example (invited)',
      'created   team    acme/engineering',
      'created   grant   acme/user:bob@acme.example operator on flows:/finance',
    ]);
    expect(first.stderr).toMatch(/applied: 8 created, 0 updated, 0 deleted, 0 unchanged/);
    // What was made is what the other commands show.
    expect(await user(c, 'ada@acme.example')).toEqual({ firstName: 'Ada', lastName: 'Lovelace', tenant: 'acme', roles: ['admin'], status: 'invited' });
    const role = await c.json(['role', 'show', 'flow-runner', '--tenant', 'acme']);
    expect(role).toMatchObject({ inherits: ['viewer'], grants: ['flows:operate', 'schedules:operate'] });
    expect(await c.json(['team', 'show', 'engineering', '--tenant', 'acme'])).toMatchObject({ roles: ['editor'], members: ['ada@acme.example'] });
    expect((await c.json(['settings', 'get', 'security.apiKeys.maxTtlDays', '--tenant', 'acme'])).value).toBe(90);
    expect((await c.json(['settings', 'get', 'security.apiKeys.maxTtlDays', '--global'])).value).toBe(365);
    const grants = await c.json(['access', 'list', '--tenant', 'acme']);
    expect(grants).toMatchObject([{ subject: 'user:bob@acme.example', entity: 'flows', path: '/finance', level: 'operator' }]);
    // The invitations went out as usual: one outbox message each, audited.
    expect(fs.readdirSync(path.join(c.home, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    expect(first.stderr).toMatch(/invitation for ada@acme.example written to /);
    const invitations = await c.sql<{ n: number }>("select cast(count(*) as integer) as n from audit_events where action = 'invitation.create'");
    expect(Number(invitations[0]!.n)).toBe(2);

    const head = await auditHead(c);
    const second = await c.run(['apply', '-f', file, '--detailed-exitcode']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(planLines(second).every((l) => l.startsWith('unchanged '))).toBe(true);
    expect(planLines(second)).toHaveLength(8);
    expect(second.stderr).toMatch(/no changes: 8 unchanged/);
    expect(await auditHead(c)).toBe(head);
    expect(await c.run(['audit', 'verify'])).toMatchObject({ exitCode: 0 });
  });

  it('--dry-run prints the plan and writes nothing; -o json gives the plan as data', async () => {
    const c = await initializedCli();
    const file = write(c, 'env.yaml', acmeYaml);
    const before = await counts(c);
    const dry = await c.run(['apply', '-f', file, '--dry-run', '--detailed-exitcode', '-o', 'json']);
    expect(dry.exitCode, dry.stderr).toBe(10);
    const result = JSON.parse(dry.stdout);
    expect(result).toMatchObject({ dryRun: true, prune: false, changed: true, counts: { created: 8, updated: 0, unchanged: 0, deleted: 0 } });
    expect(result.plan[1]).toEqual({ action: 'created', kind: 'tenant', tenant: null, name: 'acme', changes: [] });
    expect(await counts(c)).toEqual(before);
    expect(fs.existsSync(path.join(c.home, 'outbox'))).toBe(false);
    // Without --detailed-exitcode, pending changes still exit 0.
    expect((await c.run(['apply', '-f', file, '--dry-run'])).exitCode).toBe(0);
  });

  it('reports updated objects with what changed, and leaves out what the file does not mention', async () => {
    const c = await initializedCli();
    const file = write(c, 'env.yaml', acmeYaml);
    expect((await c.run(['apply', '-f', file])).exitCode).toBe(0);
    const changed = acmeYaml
      .replace('name: Acme Corp', 'name: Acme Corporation')
      .replace('lastName: Lovelace', 'lastName: King')
      .replace('grants: [flows:operate, schedules:operate]', 'grants: [flows:operate]')
      .replace('roles: [admin]', 'roles: [admin, operator]')
      .replace('members: [ada@acme.example]', 'members: [ada@acme.example, bob@acme.example]')
      .replace('grant: operator }', 'grant: viewer }')
      .replace('maxTtlDays: 90', 'maxTtlDays: 30');
    const r = await c.run(['apply', '-f', write(c, 'changed.yaml', changed), '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout).plan.map((e: any) => [e.action, e.kind, e.name, e.changes]);
    expect(plan).toEqual([
      ['unchanged', 'setting', 'security.apiKeys.maxTtlDays', []],
      ['updated', 'tenant', 'acme', ['name']],
      ['updated', 'setting', 'security.apiKeys.maxTtlDays', []],
      ['updated', 'role', 'flow-runner', ['grants']],
      ['updated', 'user', 'ada@acme.example', ['lastName', '+role operator']],
      ['unchanged', 'user', 'bob@acme.example', []],
      ['updated', 'team', 'engineering', ['+member bob@acme.example']],
      ['updated', 'grant', 'user:bob@acme.example viewer on flows:/finance', ['was operator']],
    ]);
    expect(await user(c, 'ada@acme.example')).toMatchObject({ lastName: 'King', roles: ['admin', 'operator'] });
    const actions = await c.sql<{ action: string }>("select action from audit_events where action in ('tenant.update', 'role.update', 'user.update', 'role.assign', 'team.add-member', 'access.grant', 'settings.set') order by seq");
    expect(actions.slice(-7).map((a) => a.action)).toEqual(['tenant.update', 'settings.set', 'role.update', 'user.update', 'role.assign', 'team.add-member', 'access.grant']);
    // Without --prune nothing is taken away: the removed role stays assigned.
    const fewer = acmeYaml.replace('roles: [admin]', 'roles: [operator]');
    await c.run(['apply', '-f', write(c, 'fewer.yaml', fewer)]);
    expect((await user(c, 'ada@acme.example'))!.roles).toEqual(['admin', 'operator']);
  });

  it('reads stdin (spooled), a folder of files, JSON, ${env:NAME} and passwords', async () => {
    const c = await initializedCli();
    const viaStdin = await c.run(['apply', '-f', '-', '--dry-run', '-o', 'json'], { input: acmeYaml });
    expect(viaStdin.exitCode, viaStdin.stderr).toBe(0);
    expect(JSON.parse(viaStdin.stdout).counts.created).toBe(8);
    write(c, 'env/10-acme.yaml', 'version: 1\ntenants:\n  - slug: acme\n    name: ${env:ACME_NAME}\n');
    write(c, 'env/20-globex.json', JSON.stringify({ version: 1, tenants: [{ slug: 'globex', name: 'Globex', users: [{ email: 'cy@globex.example', firstName: 'Cy', roles: ['viewer'], password: '${env:CY_PASSWORD}' }] }] }, null, 2));
    write(c, 'env/notes.txt', 'not read');
    write(c, 'env/30-bom.json', '\uFEFF{"version": 1}');
    fs.mkdirSync(path.join(c.home, 'env', 'folder.yaml'));
    const r = await c.run(['apply', '-f', path.join(c.home, 'env')], { env: { ACME_NAME: 'Acme from env', CY_PASSWORD: 'Cy-Strong-Pass9' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(planLines(r)).toEqual(['created   tenant  acme', 'created   tenant  globex', 'created   user    globex/cy@globex.example']);
    expect((await c.json(['tenant', 'show', 'acme'])).name).toBe('Acme from env');
    // A password makes the user active (no invitation); it is never echoed.
    expect(r.stdout + r.stderr).not.toContain('Cy-Strong-Pass9');
    expect((await login(cli2(c), 'cy@globex.example', 'Cy-Strong-Pass9')).exitCode).toBe(0);
  });
});

/** Another shell on the same store (its own context file), so the admin stays signed in here. */
function cli2(c: Cli): Cli {
  return { ...c, run: (args, options) => c.run(args, { ...options, env: { ...options?.env, IAMCTL_HOME: fs.mkdtempSync(path.join(c.home, 'h2-')), ...(c.env.IAMCTL_DB ? {} : { IAMCTL_DB: c.dbPath }) } }) };
}

describe('export', () => {
  it('writes YAML that apply reads back unchanged, without ids, hashes, secrets or tokens', async () => {
    const c = await initializedCli();
    expect((await c.run(['apply', '-f', write(c, 'env.yaml', acmeYaml)])).exitCode).toBe(0);
    await c.run(['settings', 'set', 'ai.openaiApiKey', '--value-stdin', '--global'], { input: 'sk-secret-value\n' });
    await c.run(['settings', 'set', 'ai.openaiApiKey', '--value-stdin', '--tenant', 'acme'], { input: 'sk-tenant-secret\n' });
    const exported = await c.run(['export']);
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^version: 1\nsettings:\n {2}security.apiKeys.maxTtlDays: 365\ntenants:\n {2}- slug: acme\n/);
    const ids = await c.sql<{ id: string }>('select id from users union all select id from tenants union all select id from invitations');
    for (const { id } of ids) if (id.length > 6) expect(exported.stdout).not.toContain(id);
    expect(exported.stdout).not.toMatch(/\$argon2|token|secret|openaiApiKey|sk-|sso-landing|root@example.com/);
    const roundTrip = await c.run(['apply', '-f', '-', '--dry-run', '--detailed-exitcode'], { input: exported.stdout });
    expect(roundTrip.exitCode, roundTrip.stdout + roundTrip.stderr).toBe(0);
    // JSON too, and into an empty store it rebuilds the same export.
    const json = await c.run(['export', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, tenants: [{ slug: 'acme', users: [{ email: 'ada@acme.example' }, { email: 'bob@acme.example' }] }] });
    const other = await initializedCli();
    expect((await other.run(['apply', '-f', write(other, 'x.json', json.stdout)])).exitCode).toBe(0);
    expect((await other.run(['export'])).stdout).toBe(exported.stdout);
  });

  it('acting in a tenant exports that tenant only; a tenant admin exports their own', async () => {
    const c = await initializedCli();
    await c.run(['apply', '-f', write(c, 'env.yaml', acmeYaml + '  - { slug: globex, name: Globex }\n')]);
    const acme = await c.run(['export', '--tenant', 'acme']);
    expect(acme.stdout).not.toMatch(/globex|settings:\n {2}security/);
    expect(acme.stdout).toMatch(/slug: acme/);
    const roundTrip = await c.run(['apply', '-f', '-', '--dry-run', '--detailed-exitcode'], { input: acme.stdout });
    expect(roundTrip.exitCode).toBe(0);
  });
});

describe('apply --prune', () => {
  const base = `version: 1
tenants:
  - slug: acme
    name: Acme
    roles: [{ name: keep-role, grants: [flows:read] }, { name: old-role, grants: [flows:read] }]
    teams: [{ name: keep-team, members: [ada@acme.example, bob@acme.example] }, { name: old-team }]
    users:
      - { email: ada@acme.example, firstName: Ada, roles: [admin, operator] }
      - { email: bob@acme.example, firstName: Bob, roles: [old-role] }
    access:
      - { subject: "user:ada@acme.example", on: "flows:/a", grant: viewer }
      - { subject: "team:old-team", on: "flows:/b", grant: viewer }
  - slug: globex
    name: Globex
    roles: [{ name: old-role, grants: [flows:read] }]
    teams: [{ name: old-team }]
    users: [{ email: cy@globex.example, firstName: Cy }]
`;
  const pruned = `version: 1
tenants:
  - slug: acme
    roles: [{ name: keep-role, grants: [flows:read] }]
    teams: [{ name: keep-team, members: [ada@acme.example] }]
    users:
      - { email: ada@acme.example, roles: [admin] }
    access:
      - { subject: "user:ada@acme.example", on: "flows:/a", grant: viewer }
`;

  it('removes, only in the tenants the file names, what it does not list; soft-deletes users', async () => {
    const c = await initializedCli();
    expect((await c.run(['apply', '-f', write(c, 'base.yaml', base)])).exitCode).toBe(0);
    const file = write(c, 'pruned.yaml', pruned);
    // Off a terminal, --prune needs --yes (a dry run does not).
    const refused = await c.run(['apply', '-f', file, '--prune']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const dry = await c.run(['apply', '-f', file, '--prune', '--dry-run', '--detailed-exitcode']);
    expect(dry.exitCode).toBe(10);
    const r = await c.run(['apply', '-f', file, '--prune', '--yes', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout).plan.filter((e: any) => e.action !== 'unchanged').map((e: any) => `${e.action} ${e.kind} ${e.tenant}/${e.name} ${e.changes.join(',')}`.trim());
    expect(plan.sort()).toEqual([
      'deleted grant acme/team:old-team viewer on flows:/b',
      'deleted role acme/old-role',
      'deleted team acme/old-team',
      'deleted user acme/bob@acme.example',
      'updated team acme/keep-team -member bob@acme.example',
      'updated user acme/ada@acme.example -role operator',
    ]);
    const bob = await c.sql<{ status: string; deleted_at: string | null }>("select status, deleted_at from users where email = 'bob@acme.example'");
    expect(bob[0]).toMatchObject({ status: 'deleted' });
    expect(bob[0]!.deleted_at).not.toBeNull();
    expect((await c.sql("select action from audit_events where action = 'user.delete'")).length).toBe(1);
    // globex, not named in the file, is untouched.
    expect((await c.json(['role', 'list', '--tenant', 'globex'])).map((x: any) => x.name)).toContain('old-role');
    expect((await c.json(['team', 'list', '--tenant', 'globex'])).map((x: any) => x.name)).toEqual(['old-team']);
    expect((await user(c, 'cy@globex.example'))!.status).toBe('invited');
    expect((await c.run(['audit', 'verify'])).exitCode).toBe(0);
    // Applying again with --prune changes nothing more.
    const again = await c.run(['apply', '-f', file, '--prune', '--yes', '--detailed-exitcode']);
    expect(again.exitCode, again.stdout).toBe(0);
  });

  it('refuses to soft-delete the account that runs it', async () => {
    const c = await initializedCli();
    await c.run(['apply', '-f', write(c, 'base.yaml', base)]);
    await c.run(['user', 'set-password', 'ada@acme.example', '--password-stdin', '--tenant', 'acme'], { input: 'Ada-Strong-Pass1\n' });
    expect((await login(c, 'ada@acme.example', 'Ada-Strong-Pass1')).exitCode).toBe(0);
    const file = write(c, 'no-ada.yaml', 'version: 1\ntenants:\n  - slug: acme\n    users: [{ email: bob@acme.example }]\n');
    const r = await c.run(['apply', '-f', file, '--prune', '--yes']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/no-ada\.yaml:4 tenants\[0\]\.users: --prune would delete your own account/);
  });
});

describe('apply: who may apply what', () => {
  it('a tenant admin applies their own tenant, never global settings or another tenant', async () => {
    const c = await initializedCli();
    await c.run(['apply', '-f', write(c, 'env.yaml', acmeYaml + '  - { slug: globex, name: Globex }\n')]);
    await c.run(['user', 'set-password', 'ada@acme.example', '--password-stdin', '--tenant', 'acme'], { input: 'Ada-Strong-Pass1\n' });
    expect((await login(c, 'ada@acme.example', 'Ada-Strong-Pass1')).exitCode).toBe(0);
    const own = await c.run(['apply', '-f', write(c, 'own.yaml', 'version: 1\ntenants:\n  - slug: acme\n    name: Acme by Ada\n    users: [{ email: dee@acme.example, firstName: Dee }]\n')]);
    expect(own.exitCode, own.stderr).toBe(0);
    const other = await c.run(['apply', '-f', write(c, 'other.yaml', 'version: 1\ntenants:\n  - { slug: globex, name: Mine }\n')]);
    expect(other.exitCode).toBe(6);
    expect(other.stderr).toMatch(/tenant globex not found/);
    const global = await c.run(['apply', '-f', write(c, 'global.yaml', 'version: 1\nsettings: { sessions.ttlHours: 24 }\n')]);
    expect(global.exitCode).toBe(5);
    const created = await c.run(['apply', '-f', write(c, 'new.yaml', 'version: 1\ntenants:\n  - { slug: initech, name: Initech }\n')]);
    expect(created.exitCode).toBe(6);
    const exported = await c.run(['export']);
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toMatch(/slug: acme/);
    expect(exported.stdout).not.toMatch(/globex|^settings:/m);
  });

  it('an editor may not apply', async () => {
    const c = await initializedCli();
    await c.run(['apply', '-f', write(c, 'env.yaml', 'version: 1\ntenants:\n  - slug: acme\n    name: Acme\n    users: [{ email: ed@acme.example, firstName: Ed, roles: [editor], password: Ed-Strong-Pass1 }]\n')]);
    expect((await login(c, 'ed@acme.example', 'Ed-Strong-Pass1')).exitCode).toBe(0);
    expect((await c.run(['apply', '-f', path.join(c.home, 'env.yaml')])).exitCode).toBe(5);
    expect((await c.run(['export'])).exitCode).toBe(5);
  });
});

describe('apply: bad input (exit 3 naming file, line and field; nothing written)', () => {
  const good = (extra: string) => `version: 1\ntenants:\n  - slug: acme\n    name: Acme\n    users:\n      - { email: ada@acme.example, firstName: Ada }\n${extra}`;
  const cases: [string, string, string, number, string, RegExp][] = [
    ['invalid YAML', 'bad.yaml', 'version: 1\ntenants:\n  - slug: acme\n    name: [unclosed\n', 5, '(file)', /invalid YAML/],
    ['invalid JSON', 'bad.json', '{\n  "version": 1,\n  "tenants": [,]\n}\n', 3, '(file)', /invalid JSON/],
    ['an unknown field', 'f.yaml', good('    colour: "#ffffff"\n'), 7, 'tenants[0].colour', /unknown field "colour"/],
    ['an unknown field in a user', 'f.yaml', good('      - { email: bob@acme.example, firstName: Bob, admin: true }\n'), 7, 'tenants[0].users[1].admin', /unknown field "admin"/],
    ['a wrong type', 'f.yaml', good('    roles: flow-runner\n'), 7, 'tenants[0].roles', /expected a list, got string/],
    ['a number for a name', 'f.yaml', 'version: 1\ntenants:\n  - slug: acme\n    name: 42\n', 4, 'tenants[0].name', /expected a string, got number 42/],
    ['a missing version', 'f.yaml', 'tenants:\n  - { slug: acme, name: Acme }\n', 1, 'version', /missing version/],
    ['an unknown version', 'f.yaml', 'version: 2\ntenants:\n  - { slug: acme, name: Acme }\n', 1, 'version', /unknown version number 2/],
    ['duplicate users in one file', 'f.yaml', good('      - { email: ADA@acme.example, firstName: Ada }\n'), 7, 'tenants[0].users[1].email', /duplicate user ADA@acme.example/],
    ['the same user in two tenants', 'f.yaml', good('  - slug: globex\n    name: Globex\n    users: [{ email: ada@acme.example, firstName: Ada }]\n'), 9, 'tenants[1].users[0].email', /also listed in tenant acme/],
    ['an unknown role', 'f.yaml', good('      - { email: bob@acme.example, firstName: Bob, roles: [wizard] }\n'), 7, 'tenants[0].users[1].roles', /unknown role wizard/],
    ['an inheritance cycle', 'f.yaml', good('    roles:\n      - { name: ra, inherits: [rb] }\n      - { name: rb, inherits: [ra] }\n'), 8, 'tenants[0].roles[0].inherits', /inheritance cycle: ra -> rb -> ra/],
    ['an unset environment variable', 'f.yaml', good('    email: ${env:IAMCTL_TEST_UNSET_VAR}\n'), 7, 'tenants[0].email', /environment variable IAMCTL_TEST_UNSET_VAR is not set/],
    ['one bad object among good ones', 'f.yaml', good('      - { email: not-an-email, firstName: Bob }\n      - { email: cy@acme.example, firstName: Cy }\n'), 7, 'tenants[0].users[1].email', /email/],
    ['an invalid setting value', 'f.yaml', good('    settings: { security.apiKeys.maxTtlDays: soon }\n'), 7, 'tenants[0].settings.security.apiKeys.maxTtlDays', /expected an integer/],
    ['a new tenant without a name', 'f.yaml', 'version: 1\ntenants:\n  - slug: acme\n    email: ops@acme.example\n', 3, 'tenants[0].name', /missing name: tenant acme does not exist yet/],
    ['a team member the file does not list', 'f.yaml', good('    teams:\n      - name: eng\n        members: [ada@acme.example, ghost@acme.example]\n'), 9, 'tenants[0].teams[0].members', /unknown user ghost@acme.example/],
    ['a secret setting', 'f.yaml', 'version: 1\nsettings: { mail.smtpUrl: "smtp://x" }\n', 2, 'settings.mail.smtpUrl', /secret setting mail.smtpUrl is not applied from files/],
  ];

  it.each(cases)('%s', async (_name, fileName, content, line, field, reason) => {
    const c = await initializedCli();
    const file = write(c, fileName, content);
    const before = await counts(c);
    const r = await c.run(['apply', '-f', file]);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    const report = r.stderr.split('\n').find((l) => l.startsWith(`${file}:${line} ${field}: `));
    expect(report, r.stderr).toBeDefined();
    expect(report).toMatch(reason);
    expect(r.stderr).toMatch(/^error: .* \(validation\)$/m);
    expect(await counts(c)).toEqual(before);
    // -o json carries every problem.
    const json = await c.run(['apply', '-f', file, '-o', 'json']);
    expect(JSON.parse(json.stderr).error.details.problems[0]).toMatchObject({ file, line, field: field === '(file)' ? '' : field });
  });

  it('reports every problem of the file, not only the first', async () => {
    const c = await initializedCli();
    const file = write(c, 'f.yaml', 'version: 1\ntenants:\n  - slug: acme\n    name: Acme\n    users:\n      - { email: x, firstName: A }\n      - { email: bob@acme.example, firstName: Bob, roles: [nope] }\n');
    const r = await c.run(['apply', '-f', file]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/f\.yaml:6 tenants\[0\]\.users\[0\]\.email: /);
    expect(r.stderr).toMatch(/f\.yaml:7 tenants\[0\]\.users\[1\]\.roles: unknown role nope/);
    expect(r.stderr).toMatch(/and 1 more problem/);
  });

  it('a missing file is a usage error; a user of another tenant or a deleted one is refused', async () => {
    const c = await initializedCli();
    expect((await c.run(['apply', '-f', path.join(c.home, 'nope.yaml')])).exitCode).toBe(2);
    expect((await c.run(['apply'])).exitCode).toBe(2);
    await c.run(['apply', '-f', write(c, 'a.yaml', good(''))]);
    const moved = await c.run(['apply', '-f', write(c, 'b.yaml', 'version: 1\ntenants:\n  - slug: globex\n    name: Globex\n    users: [{ email: ada@acme.example, firstName: Ada }]\n')]);
    expect(moved.exitCode).toBe(3);
    expect(moved.stderr).toMatch(/b\.yaml:5 tenants\[0\]\.users\[0\]\.email: ada@acme.example is already a user of another tenant/);
    expect((await c.sql("select slug from tenants where slug = 'globex'")).length).toBe(0);
  });
});
