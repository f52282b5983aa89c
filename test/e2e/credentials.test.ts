// password change, user set-password, user unlock and the sign-in lockout, through the CLI.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, login } from '../helpers/cli.js';
import { password, world, type World } from './helpers-lifecycle.js';

let w: World;
beforeAll(async () => {
  w = await world();
  for (const email of ['pat@acme.example', 'lou7@acme.example', 'sam@acme.example']) {
    const r = await w.root.run(['user', 'create', '--tenant', 'acme', '--email', email, '--first-name', 'Test', '--password-stdin'], { input: `${password}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
  }
});

describe('password change', () => {
  it('reads the current then the new password; ends the other sessions only', async () => {
    const here = await w.as('pat@acme.example');
    const elsewhere = await w.as('pat@acme.example');
    const r = await here.run(['password', 'change', '--password-stdin'], { input: `${password}\nNew-Pass-For-Pat-1\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ended 1 other session/);
    expect((await here.run(['whoami'])).exitCode).toBe(0);
    expectFailure(await elsewhere.run(['whoami']), 4, /session has ended/);
    expectFailure(await login(w.stranger(), 'pat@acme.example', password), 4, /wrong email or password/);
    expect((await login(w.stranger(), 'pat@acme.example', 'New-Pass-For-Pat-1')).exitCode).toBe(0);
  });

  it.each([
    ['a wrong current password', 'Not-My-Pass-1\nAnother-Pass-2\n', 4, /current password is wrong/],
    ['a weak new password', `${password}\nweak\n`, 3, /password too short/],
    ['a new password without upper case', `${password}\nlowercase-only-1\n`, 3, /uppercase/],
    ['the email as the new password', `${password}\nLou7@acme.example\n`, 3, /must not be the email/],
    ['only one line', `${password}\n`, 2, /--password-stdin/],
    ['nothing on stdin', '', 2, /--password-stdin/],
  ])('%s', async (_label, input, code, pattern) => {
    const lou = await w.as('lou7@acme.example');
    expectFailure(await lou.run(['password', 'change', '--password-stdin'], { input }), code, pattern);
    expect((await login(w.stranger(), 'lou7@acme.example', password)).exitCode).toBe(0);
  });

  it('needs a signed-in user (4)', async () => {
    expectFailure(await w.stranger().run(['password', 'change', '--password-stdin'], { input: `${password}\nX-Pass-1234\n` }), 4, /not signed in/);
  });
});

describe('user set-password', () => {
  it('sets the password and ends every session of the user', async () => {
    const sam = await w.as('sam@acme.example');
    const r = await w.acmeAdmin.run(['user', 'set-password', 'sam@acme.example', '--password-stdin', '-o', 'json'], { input: 'Reset-By-Admin-7\n' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ email: 'sam@acme.example', status: 'active' });
    expect(r.stderr).toMatch(/ended 1 session/);
    expectFailure(await sam.run(['whoami']), 4);
    expect((await login(w.stranger(), 'sam@acme.example', 'Reset-By-Admin-7')).exitCode).toBe(0);
  });

  it('activates an invited user (the invitation is revoked)', async () => {
    const { token } = await w.acmeAdmin.json(['invite', 'create', '--email', 'inv@acme.example', '--first-name', 'Inv']);
    const r = await w.acmeAdmin.run(['user', 'set-password', 'inv@acme.example', '--password-stdin', '-o', 'json'], { input: `${password}\n` });
    expect(JSON.parse(r.stdout).status).toBe('active');
    expectFailure(
      await w.stranger().run(['invite', 'accept', '--token-stdin', '--password-stdin'], { input: `${token}\n${password}\n` }),
      4,
      /revoked/,
    );
  });

  it.each([
    ["another tenant's user", 'acmeAdmin', ['user', 'set-password', 'admin@globex.example', '--password-stdin'], `${password}\n`, 6, /not found/],
    ['an unknown user', 'acmeAdmin', ['user', 'set-password', 'ghost@acme.example', '--password-stdin'], `${password}\n`, 6, /not found/],
    ['a weak password', 'acmeAdmin', ['user', 'set-password', 'sam@acme.example', '--password-stdin'], 'short\n', 3, /password/],
    ['no password line', 'acmeAdmin', ['user', 'set-password', 'sam@acme.example', '--password-stdin'], '', 2, /--password-stdin/],
    ['no --password-stdin off a terminal', 'acmeAdmin', ['user', 'set-password', 'sam@acme.example'], '', 2, /--password-stdin/],
    ['oneself', 'acmeAdmin', ['user', 'set-password', 'admin@acme.example', '--password-stdin'], `${password}x\n`, 5, /password change/],
    ['a viewer', 'viewer', ['user', 'set-password', 'sam@acme.example', '--password-stdin'], `${password}\n`, 5, /users:update/],
  ] as const)('refuses %s', async (_label, who, args, input, code, pattern) => {
    expectFailure(await w[who].run(args, { input }), code, pattern);
  });
});

describe('lockout', () => {
  const wrongLogin = () => login(w.stranger(), 'lock@acme.example', 'Wrong-Pass-000');
  const rightLogin = () => login(w.stranger(), 'lock@acme.example', password);

  beforeAll(async () => {
    const r = await w.root.run(['user', 'create', '--tenant', 'acme', '--email', 'lock@acme.example', '--first-name', 'Lock', '--password-stdin'], { input: `${password}\n` });
    expect(r.exitCode).toBe(0);
  });

  it('5 failures lock the account; locked answers exactly like a wrong password; unlock works and is audited', async () => {
    const first = await wrongLogin();
    for (let i = 0; i < 4; i++) expectFailure(await wrongLogin(), 4);
    const locked = await rightLogin();
    expectFailure(locked, 4);
    expect(locked.stderr).toBe(first.stderr);
    const unknown = await login(w.stranger(), 'nobody@acme.example', password);
    expect(unknown.stderr).toBe(first.stderr);

    const unlock = await w.acmeAdmin.run(['user', 'unlock', 'lock@acme.example', '-o', 'json']);
    expect(unlock.exitCode, unlock.stderr).toBe(0);
    expect(JSON.parse(unlock.stdout).email).toBe('lock@acme.example');
    expect((await rightLogin()).exitCode).toBe(0);
    const audit = await w.acmeAdmin.json(['audit', 'list', '--limit', '100']);
    const actions = audit.items.filter((e: { target: string }) => e.target === 'user:lock@acme.example').map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.lock', 'user.unlock']));
    expectFailure(await w.acmeAdmin.run(['user', 'unlock', 'lock@acme.example']), 7, /not locked/);
  });

  it('the lock ends by itself when its window has passed', async () => {
    for (let i = 0; i < 5; i++) expectFailure(await wrongLogin(), 4);
    expectFailure(await rightLogin(), 4);
    // Age the lock (and the failures) as if the window had passed.
    await w.sql("update lockouts set locked_at = '2000-01-01T00:00:00.000Z', locked_until = '2000-01-01T00:15:00.000Z'");
    await w.sql("update sign_in_attempts set at = '2000-01-01T00:00:00.000Z' where email_lower = 'lock@acme.example' and succeeded = 0");
    expect((await rightLogin()).exitCode).toBe(0);
  });

  it.each([
    ["another tenant's user", 'acmeAdmin', ['user', 'unlock', 'admin@globex.example'], 6],
    ['a viewer', 'viewer', ['user', 'unlock', 'lock@acme.example'], 5],
    ['no user', 'acmeAdmin', ['user', 'unlock'], 2],
  ] as const)('unlock refuses %s', async (_label, who, args, code) => {
    expectFailure(await w[who].run(args), code);
  });
});
