// Sign-in lockout (SPEC §9, issue 5): maxAttempts failures within windowMinutes lock the
// account for the window; a locked account answers exactly like a wrong password; unlock and
// expiry end the lock; lock and unlock are audited.
import { afterEach, describe, expect, it } from 'vitest';
import { login, recordPasswordFailure } from '../../src/auth/sessions.js';
import { changeOwnPassword, unlockUser } from '../../src/core/credentials.js';
import type { AppError } from '../../src/core/errors.js';
import { goodPassword, seed, type Seeded } from '../helpers/fixtures.js';
import { putSetting } from '../helpers/settings.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const email = 'ada@acme.example';
const wrong = 'Wrong-Password-1';

describe.each(dialects)('lockout on %s', (dialect) => {
  let t: TestStore;
  let s: Seeded;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    s = await seed(t);
    await s.activeUser(email);
  }

  // Each attempt takes a second of the test clock, as real attempts never share a timestamp.
  const attempt = async (password: string, who = email) => {
    const outcome = await login(t.deps, { email: who, password }).then(() => null, (e: AppError) => e);
    t.clock.advanceMinutes(1 / 60);
    return outcome;
  };
  async function fail(times: number) {
    for (let i = 0; i < times; i++) expect(await attempt(wrong)).toMatchObject({ code: 'unauthenticated' });
  }
  const auditActions = async () =>
    (await t.store.db.selectFrom('audit_events').select(['action', 'result', 'details', 'target']).orderBy('seq').execute()).map((e) => ({
      ...e,
      details: JSON.parse(e.details),
    }));

  it('locks after 5 failures; the locked account answers exactly like a wrong password or an unknown email', async () => {
    await setup();
    await fail(5);
    const locked = await attempt(goodPassword);
    const wrongPw = await attempt(wrong);
    const unknown = await attempt(goodPassword, 'nobody@acme.example');
    for (const e of [locked, wrongPw, unknown]) {
      expect(e).toMatchObject({ code: 'unauthenticated', message: 'wrong email or password' });
      expect(e!.hint).toBe(unknown!.hint);
    }
    const events = await auditActions();
    const lock = events.filter((e) => e.action === 'user.lock');
    expect(lock).toHaveLength(1);
    expect(lock[0]).toMatchObject({ target: `user:${(await s.row(email)).id}`, details: { failures: 5 } });
    expect(events.filter((e) => e.action === 'auth.login' && e.details.reason === 'locked')).toHaveLength(2);
  });

  it('four failures do not lock', async () => {
    await setup();
    await fail(4);
    expect(await attempt(goodPassword)).toBeNull();
  });

  it('the lock ends when the window has passed (the clock moves)', async () => {
    await setup();
    await fail(5);
    t.clock.advanceMinutes(14);
    expect(await attempt(goodPassword)).not.toBeNull();
    t.clock.advanceMinutes(1);
    expect(await attempt(goodPassword)).toBeNull();
  });

  it('failures spread over more than the window never lock', async () => {
    await setup();
    for (let i = 0; i < 8; i++) {
      await fail(1);
      t.clock.advanceMinutes(4);
    }
    expect(await attempt(goodPassword)).toBeNull();
  });

  it('a successful sign-in resets the count', async () => {
    await setup();
    await fail(4);
    expect(await attempt(goodPassword)).toBeNull();
    await fail(4);
    expect(await attempt(goodPassword)).toBeNull();
  });

  it('attempts made while locked do not re-lock the account as soon as the lock ends', async () => {
    await setup();
    await fail(5);
    await fail(4); // while locked
    t.clock.advanceMinutes(15);
    await fail(1);
    expect(await attempt(goodPassword)).toBeNull();
  });

  it('unlock ends the lock at once, is audited, and earlier failures no longer count', async () => {
    await setup();
    await fail(5);
    const admin = await s.activeUser('admin@acme.example', { roles: ['admin'] });
    const adminPrincipal = (await s.signIn(admin.email)).principal;
    await unlockUser(t.deps, adminPrincipal, await s.row(email));
    await fail(1); // one more failure right after the unlock must not re-lock
    expect(await attempt(goodPassword)).toBeNull();
    const unlock = (await auditActions()).filter((e) => e.action === 'user.unlock');
    expect(unlock).toHaveLength(1);
    expect(unlock[0]!.target).toBe(`user:${(await s.row(email)).id}`);
  });

  it('unlocking an account that is not locked is a conflict (7)', async () => {
    await setup();
    await expect(unlockUser(t.deps, s.root, await s.row(email))).rejects.toMatchObject({ code: 'conflict' });
    await fail(5);
    t.clock.advanceMinutes(15);
    await expect(unlockUser(t.deps, s.root, await s.row(email))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('honours security.lockout.maxAttempts and windowMinutes (tenant over global)', async () => {
    await setup();
    await putSetting(t.store.db, 'main', 'security.lockout.maxAttempts', 10);
    await putSetting(t.store.db, s.acme.id, 'security.lockout.maxAttempts', 3);
    await putSetting(t.store.db, 'main', 'security.lockout.windowMinutes', 5);
    await fail(3);
    expect(await attempt(goodPassword)).not.toBeNull();
    t.clock.advanceMinutes(5);
    expect(await attempt(goodPassword)).toBeNull();
  });

  it('wrong current passwords at `password change` count towards the same lockout', async () => {
    await setup();
    const { principal } = await s.signIn(email);
    for (let i = 0; i < 5; i++) {
      await expect(changeOwnPassword(t.deps, principal, { current: wrong, next: 'Another-Pass-77' })).rejects.toMatchObject({ code: 'unauthenticated' });
    }
    expect(await attempt(goodPassword)).toMatchObject({ message: 'wrong email or password' });
    // Locked: even the right current password is refused, with the same answer.
    await expect(changeOwnPassword(t.deps, principal, { current: goodPassword, next: 'Another-Pass-77' })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'the current password is wrong',
    });
  });

  it('parallel guesses are all counted: exactly the limit of concurrent failures locks', async () => {
    await setup();
    const user = await s.row(email);
    // Open the pool's connections first (PostgreSQL), so the transactions below really overlap.
    await Promise.all(Array.from({ length: 4 }, () => t.store.read((trx) => trx.selectFrom('users').select('id').execute())));
    // As many failures as the limit, recorded by overlapping transactions (no argon2 between;
    // fewer than the PostgreSQL pool's 4 connections, so none waits for another to finish).
    await putSetting(t.store.db, 'main', 'security.lockout.maxAttempts', 3);
    await Promise.all(Array.from({ length: 3 }, () => t.store.write((trx) => recordPasswordFailure(trx, user, t.clock.now))));
    t.clock.advanceMinutes(1);
    expect(await attempt(goodPassword)).toMatchObject({ message: 'wrong email or password' });
    expect(await t.store.db.selectFrom('audit_events').select('action').where('action', '=', 'user.lock').execute()).toHaveLength(1);
  });

  it('locks one account only: other users of the tenant still sign in', async () => {
    await setup();
    await s.activeUser('bob@acme.example');
    await fail(5);
    expect(await attempt(goodPassword, 'bob@acme.example')).toBeNull();
  });
});
