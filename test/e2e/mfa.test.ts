// mfa enroll | confirm | disable | recovery-codes and sign-in with a second factor, through the
// built CLI: exit codes, stdout (data only) and stderr, the store unchanged on refusal.
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, login } from '../helpers/cli.js';
import { codeAt, stepsFrom, wrongCodeAt } from '../helpers/mfa.js';
import { password, world, type World } from './helpers-lifecycle.js';
import { createUser, enrol, keyedStranger, loginWithCode, mfaEnabled, nextStep, signedIn } from './mfa-helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
});

describe('mfa enroll and confirm', () => {
  it('prints the secret, the otpauth URI and a QR code of it; -o json gives secret and uri without the QR code', async () => {
    await createUser(w, 'qr@acme.example', 'acme');
    const c = await signedIn(w, 'qr@acme.example');
    const r = await c.run(['mfa', 'enroll']);
    expect(r.exitCode, r.stderr).toBe(0);
    const fields = Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')));
    expect(fields.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(fields.uri).toBe(`otpauth://totp/iamctl:qr%40acme.example?issuer=iamctl&secret=${fields.secret}&algorithm=SHA1&digits=6&period=30`);
    // The QR code is the URI's (plain Unicode blocks off a terminal: no escape codes).
    expect(r.stdout).toContain(await QRCode.toString(fields.uri, { type: 'utf8', margin: 2 }));
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stderr).toMatch(/mfa confirm --code-stdin/);

    expectFailure(await c.run(['mfa', 'enroll']), 7, /already pending.*--force/s);
    const forced = await c.run(['mfa', 'enroll', '--force', '-o', 'json']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    const json = JSON.parse(forced.stdout);
    expect(json).toMatchObject({ account: 'qr@acme.example', issuer: 'iamctl', algorithm: 'SHA1', digits: 6, period: 30, confirmed: false });
    expect(json.secret).not.toBe(fields.secret);
    expect(json.uri).toContain(json.secret);
    // Nothing is enforced before confirmation.
    expect(await mfaEnabled(w, 'qr@acme.example')).toBe(0);
    expect((await login(keyedStranger(w), 'qr@acme.example', password)).exitCode).toBe(0);
  });

  it('confirm without an enrolment is a conflict (7)', async () => {
    await createUser(w, 'early@acme.example', 'acme');
    const c = await signedIn(w, 'early@acme.example');
    expectFailure(await c.run(['mfa', 'confirm', '--code-stdin'], { input: '123456\n' }), 7, /no MFA enrolment.*mfa enroll/s);
  });

  const badConfirms: [string, (secret: string) => string, number, RegExp][] = [
    ['a wrong code', (secret) => `${wrongCodeAt(secret)}\n`, 4, /wrong or expired/],
    ['an expired code', (secret) => `${codeAt(secret, stepsFrom(new Date(), -3))}\n`, 4, /wrong or expired/],
    ['a malformed code', () => '12ab\n', 4, /malformed/],
    ['no code line', () => '', 2, /--code-stdin/],
  ];
  it.each(badConfirms)('confirm refuses %s and changes nothing', async (_label, input, code, pattern) => {
    const email = `confirm${Math.random().toString(36).slice(2, 8)}@acme.example`;
    await createUser(w, email, 'acme');
    const c = await signedIn(w, email);
    const { secret } = await c.json(['mfa', 'enroll']);
    expectFailure(await c.run(['mfa', 'confirm', '--code-stdin'], { input: input(secret) }), code, pattern);
    expect(await mfaEnabled(w, email)).toBe(0);
    expect(await w.sql('select * from mfa_recovery_codes where user_id = (select id from users where email_lower = ?)', email)).toEqual([]);
  });

  it('confirm needs --code-stdin off a terminal (2)', async () => {
    await createUser(w, 'noflag@acme.example', 'acme');
    const c = await signedIn(w, 'noflag@acme.example');
    await c.json(['mfa', 'enroll']);
    expectFailure(await c.run(['mfa', 'confirm']), 2, /--code-stdin/);
  });

  it('turns MFA on and prints 10 recovery codes once, one a line (stored hashed); whoami shows it', async () => {
    await createUser(w, 'on@acme.example', 'acme');
    const c = await signedIn(w, 'on@acme.example');
    const { secret } = await c.json(['mfa', 'enroll']);
    const r = await c.run(['mfa', 'confirm', '--code-stdin'], { input: `${codeAt(secret)}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    const codes = r.stdout.trim().split('\n');
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect(r.stderr).toMatch(/not shown again/);
    const stored = JSON.stringify(await w.sql('select code_hash from mfa_recovery_codes'));
    for (const code of codes) expect(stored).not.toContain(code.replace('-', ''));
    const secrets = JSON.stringify(await w.sql('select secret_enc from mfa_factors'));
    expect(secrets).not.toContain(secret);
    expect((await c.json(['whoami'])).user.mfaEnabled).toBe(true);
    expectFailure(await c.run(['mfa', 'confirm', '--code-stdin'], { input: `${codeAt(secret)}\n` }), 7, /already on/);
    expectFailure(await c.run(['mfa', 'enroll', '--force']), 7, /already on.*mfa disable/s);
  });
});

describe('login with MFA on', () => {
  let secret: string;
  let recoveryCodes: string[];
  const email = 'mfa@acme.example';
  beforeAll(async () => {
    await createUser(w, email, 'acme');
    ({ secret, recoveryCodes } = await enrol(w, await signedIn(w, email), email));
  });

  it('takes the code from the line after the password; the same code again is a replay (4)', async () => {
    const code = codeAt(secret);
    const first = await loginWithCode(w, email, code);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect((await first.shell.json(['whoami'])).user.email).toBe(email);
    expectFailure(await loginWithCode(w, email, code), 4, /already used/);
    await nextStep(w, email);
  });

  it('without --code-stdin off a terminal: a usage error naming the flag (2), nothing signed in', async () => {
    const c = keyedStranger(w);
    expectFailure(await login(c, email, password), 2, /--code-stdin/);
    expectFailure(await c.run(['whoami']), 4, /not signed in/);
    expectFailure(await loginWithCode(w, email, ''), 2, /--code-stdin/);
  });

  const badCodes: [string, () => string, RegExp, string][] = [
    ['a wrong code', () => wrongCodeAt(secret), /wrong or expired/, 'wrong_code'],
    ['an expired code', () => codeAt(secret, stepsFrom(new Date(), -3)), /wrong or expired/, 'wrong_code'],
    ['a malformed code', () => '12 34', /malformed/, 'malformed_code'],
    ['an unknown recovery code', () => 'zzzzz-zzzzz', /wrong or expired/, 'wrong_code'],
  ];
  it.each(badCodes)('refuses %s (4), says why in -o json, and audits the reason', async (_label, code, pattern, reason) => {
    // Earlier cases' failures aged out of the lockout window, so each case starts afresh.
    await w.sql("update sign_in_attempts set at = '2000-01-01T00:00:00.000Z' where email_lower = ?", email);
    const c = keyedStranger(w);
    const r = await c.run(['login', '--email', email, '--password-stdin', '--code-stdin'], { input: `${password}\n${code()}\n` });
    expectFailure(r, 4, pattern);
    const json = await c.run(['login', '--email', email, '--password-stdin', '--code-stdin', '-o', 'json'], { input: `${password}\n${code()}\n` });
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'unauthenticated', details: { reason } });
    const events = (await w.acmeAdmin.json(['audit', 'list', '--limit', '5'])).items;
    expect(events.find((e: { action: string }) => e.action === 'auth.login')).toMatchObject({ result: 'failure', details: { reason } });
  });

  it('a recovery code works in place of a code, once; the warning counts what is left', async () => {
    const r = await loginWithCode(w, email, recoveryCodes[0]!.toUpperCase());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/recovery code was used; 9 left/);
    expectFailure(await loginWithCode(w, email, recoveryCodes[0]!), 4, /recovery code was already used/);
  });

  it('a --code-stdin line is ignored for an account without MFA', async () => {
    expect((await w.stranger().run(['login', '--email', 'viewer@acme.example', '--password-stdin', '--code-stdin'], { input: `${password}\n000000\n` })).exitCode).toBe(0);
  });
});

describe('wrong codes and the lockout', () => {
  it('five wrong codes lock the account: then even the right code is refused like a wrong password', async () => {
    const email = 'guess@acme.example';
    await createUser(w, email, 'acme');
    const { secret } = await enrol(w, await signedIn(w, email), email);
    for (let i = 0; i < 5; i++) expectFailure(await loginWithCode(w, email, wrongCodeAt(secret)), 4, /wrong or expired/);
    expectFailure(await loginWithCode(w, email, codeAt(secret)), 4, /wrong email or password/);
    expect((await w.acmeAdmin.run(['user', 'unlock', email])).exitCode).toBe(0);
    expect((await loginWithCode(w, email, codeAt(secret))).exitCode).toBe(0);
  });
});

describe('mfa disable and recovery-codes', () => {
  it('disable needs a current code (wrong: 4, counted); then the password alone signs in', async () => {
    const email = 'off@acme.example';
    await createUser(w, email, 'acme');
    const c = await signedIn(w, email);
    expectFailure(await c.run(['mfa', 'disable', '--code-stdin'], { input: '123456\n' }), 7, /not on/);
    const { secret } = await enrol(w, c, email);
    expectFailure(await c.run(['mfa', 'disable', '--code-stdin'], { input: `${wrongCodeAt(secret)}\n` }), 4, /wrong or expired/);
    expect(await mfaEnabled(w, email)).toBe(1);
    const failures = await w.sql<{ n: number }>('select cast(count(*) as integer) as n from sign_in_attempts where email_lower = ? and succeeded = 0', email);
    expect(Number(failures[0]!.n)).toBe(1);
    const r = await c.run(['mfa', 'disable', '--code-stdin', '-o', 'json'], { input: `${codeAt(secret)}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ email, mfaEnabled: false });
    expect((await login(keyedStranger(w), email, password)).exitCode).toBe(0);
  });

  it('recovery-codes needs MFA on (7); a new set kills the old one', async () => {
    const email = 'codes@acme.example';
    await createUser(w, email, 'acme');
    const c = await signedIn(w, email);
    expectFailure(await c.run(['mfa', 'recovery-codes']), 7, /not on/);
    const { recoveryCodes: old } = await enrol(w, c, email);
    const fresh = (await c.json(['mfa', 'recovery-codes'])).recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expectFailure(await loginWithCode(w, email, old[0]!), 4, /wrong or expired/);
    expect((await loginWithCode(w, email, fresh[0]!)).exitCode).toBe(0);
  });
});
