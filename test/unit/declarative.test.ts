// Declarative files: parsing with lines and fields, ${env:NAME}, and the planner against a real
// store (both dialects): verbs, problems, prune scope and what each change needs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDeclaration } from '../../src/core/declarative/apply.js';
import { exportDeclaration } from '../../src/core/declarative/export.js';
import { parseSources } from '../../src/core/declarative/parse.js';
import { buildPlan } from '../../src/core/declarative/plan.js';
import { isAppError } from '../../src/core/errors.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { fixture, type Fixture } from '../helpers/fixture.js';
import { principalWith } from '../helpers/principals.js';
import { dialects } from '../helpers/store.js';

const parse = (text: string, env: Record<string, string> = {}, name = 'env.yaml') => parseSources([{ name, text }], env);

describe('parsing declarative files', () => {
  it('reads the example of SPEC §7 with the line of every object', () => {
    const { declaration, problems } = parse(`version: 1
settings: { security.apiKeys.maxTtlDays: 365 }
tenants:
  - slug: acme
    name: Acme Corp
    roles:
      - name: flow-runner
        inherits: [viewer]
        grants: [flows:operate]
    users:
      - email: ada@acme.example
        firstName: Ada
        roles: [admin]
`);
    expect(problems).toEqual([]);
    expect(declaration.settings).toEqual([{ key: 'security.apiKeys.maxTtlDays', value: 365, where: { file: 'env.yaml', line: 2, field: 'settings.security.apiKeys.maxTtlDays' } }]);
    const [acme] = declaration.tenants;
    expect(acme).toMatchObject({ slug: 'acme', name: 'Acme Corp', where: { line: 4, field: 'tenants[0]' } });
    expect(acme!.roles[0]).toMatchObject({ name: 'flow-runner', inherits: ['viewer'], grants: ['flows:operate'], where: { line: 7, field: 'tenants[0].roles[0]' } });
    expect(acme!.users[0]).toMatchObject({ email: 'ada@acme.example', firstName: 'Ada', roles: ['admin'], where: { line: 11 } });
  });

  it('reads JSON with lines too', () => {
    const { declaration, problems } = parse('{\n  "version": 1,\n  "tenants": [\n    { "slug": "acme", "name": "Acme" }\n  ]\n}\n', {}, 'env.json');
    expect(problems).toEqual([]);
    expect(declaration.tenants[0]!.where.line).toBe(4);
  });

  it.each([
    ['invalid YAML', 'version: 1\ntenants: [\n', 'env.yaml', 3, '', /invalid YAML/],
    ['a duplicate key', 'version: 1\nversion: 1\n', 'env.yaml', 2, '', /invalid YAML: Map keys must be unique/],
    ['invalid JSON', '{\n"version": 1,\n}', 'env.json', 3, '', /invalid JSON/],
    ['an empty file', '', 'env.yaml', 1, 'version', /empty/],
    ['a list at the top', '- 1\n', 'env.yaml', 1, '', /expected a mapping/],
    ['a missing version', 'tenants: []\n', 'env.yaml', 1, 'version', /missing version/],
    ['a version as text', 'version: "1"\n', 'env.yaml', 1, 'version', /unknown version string "1"/],
    ['an unknown top-level field', 'version: 1\ntenant: []\n', 'env.yaml', 2, 'tenant', /unknown field "tenant"/],
    ['a tenant without slug', 'version: 1\ntenants:\n  - name: x\n', 'env.yaml', 3, 'tenants[0].slug', /missing slug/],
    ['a list of numbers for roles', 'version: 1\ntenants:\n  - slug: a\n    users:\n      - email: a@b.example\n        roles: [1]\n', 'env.yaml', 6, 'tenants[0].users[0].roles[0]', /expected a string, got number 1/],
    ['a mapping for a setting', 'version: 1\nsettings:\n  ai.enabled: { x: 1 }\n', 'env.yaml', 3, 'settings.ai.enabled', /expected a value or a list/],
    ['an unset variable', 'version: 1\ntenants:\n  - slug: a\n    name: "${env:NOPE}"\n', 'env.yaml', 4, 'tenants[0].name', /environment variable NOPE is not set/],
    ['a malformed variable', 'version: 1\ntenants:\n  - slug: a\n    name: "${env:1X}"\n', 'env.yaml', 4, 'tenants[0].name', /invalid environment variable reference/],
  ])('reports %s at its line and field', (_what, text, name, line, field, reason) => {
    const { problems } = parse(text, {}, name);
    const problem = problems.find((p) => p.line === line && p.field === field);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.reason).toMatch(reason);
  });

  it('names the line of a field left empty', () => {
    const { problems } = parse('version: 1\ntenants:\n  - slug: acme\n\n    name:\n');
    expect(problems).toEqual([{ file: 'env.yaml', line: 5, field: 'tenants[0].name', reason: 'expected a string, got nothing' }]);
  });

  it('substitutes ${env:NAME} in values only, never into structure', () => {
    const { declaration, problems } = parse('version: 1\ntenants:\n  - slug: acme\n    name: "${env:A} & ${env:B}"\n', { A: 'x\n  injected: 1', B: '' });
    expect(problems).toEqual([]);
    expect(declaration.tenants[0]!.name).toBe('x\n  injected: 1 & ');
  });
});

describe.each(dialects)('planning against the store on %s', (dialect) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture(dialect);
  });
  afterEach(async () => f?.cleanup());

  const plan = async (text: string, prune = false, actor = f.root) => {
    const { declaration, problems } = parse(text);
    expect(problems).toEqual([]);
    return buildPlan(f.store.db, actor, declaration, { prune });
  };

  it('gives each object one verb and each change the permission it needs', async () => {
    await f.user(f.acme, 'ada@acme.example', ['viewer']);
    const p = await plan('version: 1\ntenants:\n  - slug: acme\n    name: Acme\n    users:\n      - { email: ada@acme.example, firstName: Test, roles: [viewer, operator] }\n      - { email: new@acme.example, firstName: New }\n');
    expect(p.problems).toEqual([]);
    expect(p.entries.map((e) => `${e.action} ${e.kind} ${e.name} ${e.changes.join(',')}`.trim())).toEqual([
      'unchanged tenant acme', 'updated user ada@acme.example +role operator', 'created user new@acme.example invited',
    ]);
    expect(p.needs.map(([perm, tenant]) => `${perm}@${tenant === f.acme ? 'acme' : tenant}`)).toContain('roles:update@acme');
    expect(p.needs.map(([perm]) => perm)).toContain('users:create');
  });

  it('finds cycles through stored roles, unknown parents and members, and users of other tenants', async () => {
    await f.user(f.globex, 'cy@globex.example');
    const p = await plan(`version: 1
tenants:
  - slug: acme
    roles:
      - { name: ra, inherits: [rb] }
      - { name: rb, inherits: [ra, ghost] }
    teams:
      - { name: eng, members: [nobody@acme.example] }
    users:
      - { email: cy@globex.example, firstName: Cy }
`);
    expect(p.problems.map((x) => `${x.line} ${x.field}: ${x.reason}`)).toEqual([
      '6 tenants[0].roles[1].inherits: unknown role ghost (inherited by rb)',
      '5 tenants[0].roles[0].inherits: inheritance cycle: ra -> rb -> ra',
      '6 tenants[0].roles[1].inherits: inheritance cycle: rb -> ra -> rb',
      '10 tenants[0].users[0].email: cy@globex.example is already a user of another tenant (apply does not move users: iamctl user move)',
      '8 tenants[0].teams[0].members: unknown user nobody@acme.example: list it under users',
    ]);
  });

  it('names the line of the field at fault, not only of its object', async () => {
    const p = await plan('version: 1\ntenants:\n  - slug: acme\n    users:\n      - email: x@acme.example\n        firstName: Xena\n\n        roles:\n          - wizard\n');
    expect(p.problems).toEqual([{ file: 'env.yaml', line: 8, field: 'tenants[0].users[0].roles', reason: 'unknown role wizard' }]);
  });

  it('prunes only in the tenants the file names, and never the principal running it', async () => {
    const ada = await f.user(f.acme, 'ada@acme.example', ['admin']);
    await f.user(f.acme, 'bob@acme.example');
    await f.user(f.globex, 'cy@globex.example');
    const p = await plan('version: 1\ntenants:\n  - slug: acme\n    users: [{ email: ada@acme.example }]\n', true);
    expect(p.entries.filter((e) => e.action === 'deleted').map((e) => `${e.tenant}/${e.name}`)).toEqual(['acme/bob@acme.example']);
    const adaPrincipal = principalWith(['admin'], { userId: ada.id, email: ada.email, tenantId: f.acme });
    const self = await plan('version: 1\ntenants:\n  - slug: acme\n    users: [{ email: bob@acme.example }]\n', true, adaPrincipal);
    expect(self.problems[0]!.reason).toMatch(/--prune would delete your own account/);
  });

  it('a tenant admin sees other tenants as missing (6)', async () => {
    const ada = await f.user(f.acme, 'ada@acme.example', ['admin']);
    const adaPrincipal = principalWith(['admin'], { userId: ada.id, email: ada.email, tenantId: f.acme });
    const error = await plan('version: 1\ntenants:\n  - { slug: globex, name: G }\n', false, adaPrincipal).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('not_found');
  });

  it('applies in one transaction: a failing step leaves nothing behind', async () => {
    const before = await f.store.db.selectFrom('tenants').select('slug').execute();
    const failing = async () => {
      throw new Error('mail server down');
    };
    await expect(applyDeclaration(f.deps, f.root, [{ name: 'x.yaml', text: 'version: 1\ntenants:\n  - slug: newco\n    name: New Co\n    users: [{ email: a@newco.example, firstName: Ann }]\n' }], { dryRun: false, prune: false, env: {}, deliver: failing })).rejects.toThrow(/mail server down/);
    expect(await f.store.db.selectFrom('tenants').select('slug').execute()).toEqual(before);
    expect(await f.store.db.selectFrom('users').select('email').where('email', '=', 'a@newco.example').execute()).toEqual([]);
  });

  it('creates roles that inherit roles listed after them, with the parents in their role.create events', async () => {
    const text = 'version: 1\ntenants:\n  - slug: acme\n    roles:\n      - { name: child, inherits: [parent, viewer] }\n      - { name: parent, grants: [flows:operate] }\n';
    await applyDeclaration(f.deps, f.root, [{ name: 'r.yaml', text }], { dryRun: false, prune: false, env: {} });
    const links = await f.store.db.selectFrom('role_inherits').select(['role_id', 'inherits_role_id']).where('tenant_id', '=', f.acme).orderBy('inherits_role_id').execute();
    expect(links).toEqual([{ role_id: 'child', inherits_role_id: 'parent' }, { role_id: 'child', inherits_role_id: 'viewer' }]);
    const events = await f.store.db.selectFrom('audit_events').select(['target', 'details']).where('action', '=', 'role.create').orderBy('seq').execute();
    expect(events.map((e) => [e.target, JSON.parse(e.details).inherits])).toEqual([['role:child', ['parent', 'viewer']], ['role:parent', []]]);
  });

  it('refuses a tenant named in two files, and custom roles below edition.rbac=enterprise (5)', async () => {
    const one = { name: 'a.yaml', text: 'version: 1\ntenants:\n  - { slug: acme }\n' };
    const two = { name: 'b.yaml', text: 'version: 1\ntenants:\n  - { slug: acme }\n' };
    const error = await applyDeclaration(f.deps, f.root, [one, two], { dryRun: true, prune: false, env: {} }).catch((e: unknown) => e);
    expect(isAppError(error) && error.message).toBe('b.yaml:3 tenants[0].slug: tenant acme is listed twice (first at a.yaml:3)');
    const basic = principalWith(['super-admin'], { userId: f.root.userId, email: f.root.email, edition: 'basic' });
    const roles = { name: 'r.yaml', text: 'version: 1\ntenants:\n  - slug: acme\n    roles: [{ name: runner }]\n' };
    const refused = await applyDeclaration(f.deps, basic, [roles], { dryRun: true, prune: false, env: {} }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('forbidden');
  });

  it('exports what it applies, and applying the export changes nothing', async () => {
    const text = 'version: 1\nsettings: { invitations.ttlHours: 24 }\ntenants:\n  - slug: acme\n    name: Acme\n    roles: [{ name: runner, inherits: [viewer], grants: [flows:operate] }]\n    teams: [{ name: eng, roles: [runner], members: [ada@acme.example] }]\n    users: [{ email: ada@acme.example, firstName: Ada, roles: [editor] }]\n';
    await applyDeclaration(f.deps, f.root, [{ name: 'a.yaml', text }], { dryRun: false, prune: false, env: {} });
    const exported = await exportDeclaration(f.deps, f.root, MAIN_TENANT_ID);
    const audited = await f.store.db.selectFrom('audit_events').select('details').where('action', '=', 'config.export').execute();
    expect(audited.map((a) => JSON.parse(a.details))).toEqual([{ global: true, tenants: ['acme', 'globex'] }]);
    expect(exported.settings).toEqual({ 'invitations.ttlHours': 24 });
    const again = await applyDeclaration(f.deps, f.root, [{ name: 'b.json', text: JSON.stringify(exported) }], { dryRun: true, prune: true, env: {} });
    expect(again.changed).toBe(false);
    expect(again.plan.filter((e) => e.tenant === 'globex')).toEqual([]);
  });
});
