// Teams and can-i on a real store (both dialects).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAccess } from '../../src/auth/access.js';
import { canI, parseQuestion, subjectPrincipal } from '../../src/core/can-i.js';
import { createRole } from '../../src/core/roles.js';
import {
  addTeamMember,
  createTeam,
  deleteTeam,
  grantTeamRole,
  listTeams,
  removeTeamMember,
  resolveTeams,
  revokeTeamRole,
  showTeam,
} from '../../src/core/teams.js';
import { fixture, type Fixture } from '../helpers/fixture.js';
import { principalWith, setGlobalSetting } from '../helpers/principals.js';
import { dialects } from '../helpers/store.js';

describe.each(dialects)('teams on %s', (dialect) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture(dialect);
  });
  afterEach(async () => f?.cleanup());

  it("gives members the team's roles, until they leave, the role is revoked or the team is deleted", async () => {
    const ada = await f.user(f.acme, 'ada@acme.example', ['viewer']);
    const canCreateFlows = async () => (await loadAccess(f.store.db, f.acme, ada.id, 'enterprise')).permissions.has('flows:create');
    expect(await createTeam(f.deps, f.root, f.acme, 'eng')).toMatchObject({ name: 'eng', tenant: 'acme', roles: [], members: [] });
    await grantTeamRole(f.deps, f.root, f.acme, 'eng', 'editor');
    expect(await addTeamMember(f.deps, f.root, f.acme, 'eng', 'ada@acme.example')).toMatchObject({ roles: ['editor'], members: ['ada@acme.example'] });
    expect(await canCreateFlows()).toBe(true);
    await removeTeamMember(f.deps, f.root, f.acme, 'eng', ada.id);
    expect(await canCreateFlows()).toBe(false);
    await addTeamMember(f.deps, f.root, f.acme, 'eng', ada.id);
    await revokeTeamRole(f.deps, f.root, f.acme, 'eng', 'editor');
    expect(await canCreateFlows()).toBe(false);
    await grantTeamRole(f.deps, f.root, f.acme, 'eng', 'editor');
    expect((await showTeam(f.deps, f.acme, 'eng')).memberDetails).toEqual([{ email: 'ada@acme.example', name: 'Test', addedAt: expect.any(String) }]);
    expect(await deleteTeam(f.deps, f.root, f.acme, 'eng')).toMatchObject({ roles: ['editor'], members: ['ada@acme.example'] });
    expect(await canCreateFlows()).toBe(false);
    expect(await listTeams(f.deps, f.acme)).toEqual([]);
    const actions = await f.store.db.selectFrom('audit_events').select('action').where('action', 'like', 'team.%').orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'team.create', 'team.grant', 'team.add-member', 'team.remove-member', 'team.add-member', 'team.revoke', 'team.grant', 'team.delete',
    ]);
  });

  it('refuses bad names, clashes, repeats and what is not there', async () => {
    await f.user(f.acme, 'ada@acme.example');
    await f.user(f.globex, 'gus@globex.example');
    await createTeam(f.deps, f.root, f.acme, 'eng');
    await createTeam(f.deps, f.root, f.globex, 'eng'); // teams are per tenant
    const before = await f.snapshot();
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => createTeam(f.deps, f.root, f.acme, 'eng'), 'conflict', /team eng already exists/],
      [() => createTeam(f.deps, f.root, f.acme, 'Eng Team'), 'validation', /invalid team name/],
      [() => createTeam(f.deps, f.root, 'main', 'ops'), 'validation', /teams belong to tenants/],
      [() => addTeamMember(f.deps, f.root, f.acme, 'nope', 'ada@acme.example'), 'not_found', /team nope not found/],
      [() => addTeamMember(f.deps, f.root, f.acme, 'eng', 'gus@globex.example'), 'not_found', /user gus@globex.example not found/],
      [() => removeTeamMember(f.deps, f.root, f.acme, 'eng', 'ada@acme.example'), 'not_found', /not a member of team eng/],
      [() => grantTeamRole(f.deps, f.root, f.acme, 'eng', 'super-admin'), 'validation', /only for main-account users/],
      [() => grantTeamRole(f.deps, f.root, f.acme, 'eng', 'nobody'), 'not_found', /role nobody not found/],
      [() => revokeTeamRole(f.deps, f.root, f.acme, 'eng', 'viewer'), 'not_found', /does not hold role viewer/],
      [() => deleteTeam(f.deps, f.root, f.acme, 'nope'), 'not_found', /team nope not found/],
      [() => createTeam(f.deps, principalWith(['super-admin'], { edition: 'basic' }), f.acme, 'ops'), 'forbidden', /edition\.rbac=enterprise/],
    ];
    for (const [attempt, code, message] of cases) await expect(attempt()).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await f.snapshot()).toEqual(before);
    await addTeamMember(f.deps, f.root, f.acme, 'eng', 'ada@acme.example');
    await expect(addTeamMember(f.deps, f.root, f.acme, 'eng', 'ada@acme.example')).rejects.toMatchObject({ code: 'conflict' });
    await grantTeamRole(f.deps, f.root, f.acme, 'eng', 'viewer');
    await expect(grantTeamRole(f.deps, f.root, f.acme, 'eng', 'viewer')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('resolves team names for user creation and invitations, in the tenant and the edition', async () => {
    await createTeam(f.deps, f.root, f.acme, 'eng');
    expect(await resolveTeams(f.store.db, f.acme, [])).toEqual([]);
    expect(await resolveTeams(f.store.db, f.acme, ['eng', 'eng'])).toEqual([{ id: expect.any(String), name: 'eng' }]);
    await expect(resolveTeams(f.store.db, f.globex, ['eng'])).rejects.toMatchObject({ code: 'not_found' });
    await setGlobalSetting(f.store.db, 'edition.rbac', 'basic');
    await expect(resolveTeams(f.store.db, f.acme, ['eng'])).rejects.toMatchObject({ code: 'forbidden', message: /edition\.rbac=enterprise/ });
  });

  it('lets nobody grant a team a permission they do not hold', async () => {
    await createRole(f.deps, f.root, f.acme, { name: 'team-lead', grants: ['teams:*'], inherits: ['viewer'] });
    const lead = await f.principal(await f.user(f.acme, 'lead@acme.example', ['team-lead']));
    await createTeam(f.deps, lead, f.acme, 'eng');
    await grantTeamRole(f.deps, lead, f.acme, 'eng', 'viewer');
    await expect(grantTeamRole(f.deps, lead, f.acme, 'eng', 'editor')).rejects.toMatchObject({ code: 'forbidden', message: /cannot grant editor/ });
  });
});

describe('parseQuestion', () => {
  it.each([
    ['read', 'flows', { action: 'read', entity: 'flows', path: undefined }],
    ['create', 'user', { action: 'create', entity: 'users', path: undefined }],
    ['operate', 'flows:/finance/payroll', { action: 'operate', entity: 'flows', path: '/finance/payroll' }],
    ['read', 'data', { action: 'read', entity: 'data', path: undefined }],
  ])('%s %s', (action, target, expected) => {
    expect(parseQuestion(action, target)).toEqual(expected);
  });

  it.each([
    ['read', 'pipelines', /unknown entity "pipelines"/],
    ['fly', 'flows', /unknown action "fly"/],
    ['operate', 'users', /users has no operate action/],
    ['read', 'flows:', /empty resource path/],
  ])('refuses %s %s (3)', (action, target, message) => {
    expect(() => parseQuestion(action, target)).toThrow(expect.objectContaining({ code: 'validation', message: expect.stringMatching(message) }));
  });
});

describe.each(dialects)('can-i on %s', (dialect) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture(dialect);
  });
  afterEach(async () => f?.cleanup());

  it('answers for another user with the roles and teams that grant it', async () => {
    await createRole(f.deps, f.root, f.acme, { name: 'runner', grants: ['flows:operate'], inherits: ['viewer'] });
    await f.user(f.acme, 'ada@acme.example', ['api-user']);
    await createTeam(f.deps, f.root, f.acme, 'ops');
    await grantTeamRole(f.deps, f.root, f.acme, 'ops', 'runner');
    await addTeamMember(f.deps, f.root, f.acme, 'ops', 'ada@acme.example');
    const { principal, user } = await subjectPrincipal(f.deps, f.acme, 'ada@acme.example');
    const yes = await canI(f.deps, principal, f.acme, parseQuestion('read', 'flows'), { ...user, status: 'active' });
    expect(yes).toEqual({
      allowed: true, action: 'read', entity: 'flows', path: null, user: 'ada@acme.example', tenant: 'acme',
      reason: 'granted by viewer (inherited:runner)',
      grantedBy: [{ role: 'viewer', via: 'inherited:runner', origin: 'team:ops' }],
      roles: ['viewer'], teams: ['ops'], decidedBy: 'roles', grants: [],
    });
    // An invited user's roles would allow it, but they cannot act yet.
    const invited = await canI(f.deps, principal, f.acme, parseQuestion('read', 'flows'), user);
    expect(invited).toMatchObject({ allowed: false, reason: /is invited and cannot sign in/ });
    const no = await canI(f.deps, principal, f.acme, parseQuestion('delete', 'flows'), { ...user, status: 'active' });
    expect(no).toMatchObject({ allowed: false, roles: [], teams: [], reason: 'none of your roles grants flows:delete' });
    await expect(subjectPrincipal(f.deps, f.globex, 'ada@acme.example')).rejects.toMatchObject({ code: 'not_found' });
  });
});
