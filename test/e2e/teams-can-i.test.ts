// team commands and can-i, as a user runs them.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, signedInUser } from './authz-helpers.js';

let c: Cli;
const acme = ['--tenant', 'acme'];

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'acme', '--name', 'Acme']);
  await ok(c, ['tenant', 'create', 'globex', '--name', 'Globex']);
  await ok(c, ['user', 'create', '--tenant', 'globex', '--email', 'gus@globex.example', '--first-name', 'Gus']);
});

describe('team', () => {
  it('creates teams whose roles apply to members; user create --team joins one', async () => {
    expect(await ok(c, ['team', 'create', 'eng', ...acme])).toMatchObject({ name: 'eng', tenant: 'acme', roles: [], members: [] });
    await ok(c, ['team', 'grant', 'eng', 'editor', ...acme]);
    await ok(c, ['user', 'create', ...acme, '--email', 'ada@acme.example', '--first-name', 'Ada', '--team', 'eng']);
    await ok(c, ['user', 'create', ...acme, '--email', 'bob@acme.example', '--first-name', 'Bob']);
    const team = await ok(c, ['team', 'add-member', 'eng', 'bob@acme.example', ...acme]);
    expect(team).toMatchObject({ name: 'eng', roles: ['editor'], members: ['ada@acme.example', 'bob@acme.example'] });
    expect(await ok(c, ['teams', 'list', ...acme])).toEqual([expect.objectContaining({ name: 'eng', members: ['ada@acme.example', 'bob@acme.example'] })]);
    const shown = await c.run(['team', 'show', 'eng', ...acme]);
    expect(shown.stdout).toMatch(/^members\tada@acme\.example \(Ada\), bob@acme\.example \(Bob\)$/m);
    const editor = await ok(c, ['role', 'show', 'editor', ...acme]);
    expect(editor.holders.map((h: any) => [h.user, h.via])).toEqual([['ada@acme.example', 'team:eng'], ['bob@acme.example', 'team:eng']]);
    await ok(c, ['team', 'remove-member', 'eng', 'bob@acme.example', ...acme]);
    expectFailure(await c.run(['team', 'revoke', 'eng', 'editor', ...acme]), 2, /needs confirmation/);
    expect(await ok(c, ['team', 'revoke', 'eng', 'editor', '--yes', ...acme])).toMatchObject({ roles: [] });
  });

  it.each([
    ['a name clash', ['team', 'create', 'eng'], 7, /team eng already exists/],
    ['an invalid name', ['team', 'create', 'Eng Team'], 3, /invalid team name/],
    ['an unknown team', ['team', 'show', 'nope'], 6, /team nope not found/],
    ["another tenant's user", ['team', 'add-member', 'eng', 'gus@globex.example'], 6, /user gus@globex\.example not found/],
    ['a member twice', ['team', 'add-member', 'eng', 'ada@acme.example'], 7, /already a member/],
    ['an unknown role', ['team', 'grant', 'eng', 'nobody'], 6, /role nobody not found/],
    ['super-admin', ['team', 'grant', 'eng', 'super-admin'], 3, /only for main-account users/],
    ['an unknown team for a new user', ['user', 'create', '--email', 'x@acme.example', '--first-name', 'Xx', '--team', 'nope'], 6, /team nope not found/],
  ])('refuses %s', async (_what, args, code, message) => {
    const before = await ok(c, ['team', 'list', ...acme]);
    expectFailure(await c.run([...args, ...acme]), code, message);
    expect(await ok(c, ['team', 'list', ...acme])).toEqual(before);
  });

  it('deletes a team after confirmation; its members lose its roles', async () => {
    await ok(c, ['team', 'create', 'temp', ...acme]);
    await ok(c, ['team', 'grant', 'temp', 'operator', ...acme]);
    await ok(c, ['team', 'add-member', 'temp', 'ada@acme.example', ...acme]);
    expect((await c.run(['can-i', 'operate', 'flows', '--as', 'ada@acme.example', ...acme])).stdout).toBe('no\n'); // invited
    const deleted = await ok(c, ['team', 'delete', 'temp', '--yes', ...acme]);
    expect(deleted).toMatchObject({ name: 'temp', roles: ['operator'], members: ['ada@acme.example'] });
    expect((await ok(c, ['team', 'list', ...acme])).map((t: any) => t.name)).toEqual(['eng']);
  });
});

describe('can-i', () => {
  let runner: Cli;
  beforeAll(async () => {
    await ok(c, ['role', 'create', 'runner', ...acme, '--grant', 'flows:operate', '--inherits', 'viewer']);
    await ok(c, ['team', 'create', 'ops', ...acme]);
    await ok(c, ['team', 'grant', 'ops', 'runner', ...acme]);
    runner = await signedInUser(c, 'acme', 'rita@acme.example', ['api-user']);
    await ok(c, ['team', 'add-member', 'ops', 'rita@acme.example', ...acme]);
  });

  it('answers yes (0) or no (8) on stdout, with the reason on stderr', async () => {
    const yes = await runner.run(['can-i', 'operate', 'flows']);
    expect(yes).toMatchObject({ exitCode: 0, stdout: 'yes\n', stderr: 'granted by runner (team:ops)\n' });
    const no = await runner.run(['can-i', 'delete', 'flows']);
    expect(no).toMatchObject({ exitCode: 8, stdout: 'no\n', stderr: 'none of your roles grants flows:delete\n' });
  });

  it('explains in JSON which roles and teams grant it', async () => {
    const answer = await runner.run(['can-i', 'read', 'flows', '-o', 'json']);
    expect(answer.exitCode).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({
      allowed: true, action: 'read', entity: 'flows', path: null, user: 'rita@acme.example', tenant: 'acme',
      reason: 'granted by viewer (inherited:runner)',
      grantedBy: [{ role: 'viewer', via: 'inherited:runner', origin: 'team:ops' }],
      roles: ['viewer'], teams: ['ops'], decidedBy: 'roles', grants: [],
    });
    const denied = await runner.run(['can-i', 'create', 'users', '-o', 'json']);
    expect(denied.exitCode).toBe(8);
    expect(JSON.parse(denied.stdout)).toMatchObject({ allowed: false, roles: [], teams: [] });
  });

  it('answers --as another user for whoever may read users in that tenant', async () => {
    const answer = await ok(c, ['can-i', 'operate', 'flows', '--as', 'rita@acme.example', ...acme]);
    expect(answer).toMatchObject({ allowed: true, user: 'rita@acme.example', roles: ['runner'], teams: ['ops'] });
    expect((await c.run(['can-i', 'read', 'tenants'])).exitCode).toBe(0);
  });

  it.each([
    ['an unknown action', ['can-i', 'fly', 'flows'], 3, /unknown action "fly"/],
    ['an unknown entity', ['can-i', 'read', 'pipelines'], 3, /unknown entity "pipelines"/],
    ['an action the entity lacks', ['can-i', 'operate', 'users'], 3, /users has no operate action/],
    ['--as without users:read', ['can-i', 'read', 'flows', '--as', 'ada@acme.example'], 5, /users:read/],
    ['a missing argument', ['can-i', 'read'], 2, /missing required argument/],
  ])('refuses %s', async (_what, args, code, message) => {
    expectFailure(await runner.run(args), code, message);
  });

  it('treats a user of another tenant named with --as as not found (6)', async () => {
    expectFailure(await c.run(['can-i', 'read', 'flows', '--as', 'gus@globex.example', ...acme]), 6, /user gus@globex\.example not found/);
    const admin = await signedInUser(c, 'acme', 'adm@acme.example', ['admin']);
    expectFailure(await admin.run(['can-i', 'read', 'flows', '--as', 'gus@globex.example']), 6, /not found/);
  });
});
