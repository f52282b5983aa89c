// Password change, admin set-password and sessions administration in the core.
import { afterEach, describe, expect, it } from 'vitest';
import { authenticateSession, login } from '../../src/auth/sessions.js';
import { changeOwnPassword, findUserIn, setUserPassword } from '../../src/core/credentials.js';
import { acceptInvitation } from '../../src/core/invitation-accept.js';
import { createInvitation, listInvitations } from '../../src/core/invitations.js';
import { findSession, listSessionsOf, revokeSession } from '../../src/core/sessions-admin.js';
import { capturingMailer, goodPassword, seed, type Seeded } from '../helpers/fixtures.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const email = 'ada9@acme.example';
const newPassword = 'Brand-New-Pass-9';

describe.each(dialects)('credentials on %s', (dialect) => {
  let t: TestStore;
  let s: Seeded;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    s = await seed(t);
    await s.activeUser(email);
  }
  const live = async (who = email) => listSessionsOf(t.deps, await s.row(who), null);
  const canSignIn = (password: string) => login(t.deps, { email, password }).then(() => true, () => false);

  it('password change: the new password works, the old one not; other sessions end, the current one stays', async () => {
    await setup();
    const a = await s.signIn(email);
    const b = await s.signIn(email);
    const result = await changeOwnPassword(t.deps, a.principal, { current: goodPassword, next: newPassword });
    expect(result.sessionsEnded).toBe(1);
    await expect(authenticateSession(t.deps, a.token)).resolves.toMatchObject({ userId: a.principal.userId });
    await expect(authenticateSession(t.deps, b.token)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await canSignIn(goodPassword)).toBe(false);
    expect(await canSignIn(newPassword)).toBe(true);
    const audit = await t.store.db.selectFrom('audit_events').select(['details']).where('action', '=', 'user.password-change').execute();
    expect(JSON.stringify(audit)).not.toContain(newPassword);
  });

  it.each([
    ['a wrong current password', { current: 'Not-The-Pass-1', next: newPassword }, 'unauthenticated', /current password is wrong/],
    ['a too short new password', { current: goodPassword, next: 'Ab1' }, 'validation', /too short/],
    ['a new password without a digit', { current: goodPassword, next: 'NoDigitsHere' }, 'validation', /digit/],
    ['the email as new password', { current: goodPassword, next: 'Ada9@acme.example' }, 'validation', /must not be the email/],
    ['a common new password', { current: goodPassword, next: 'Password123' }, 'validation', /too common/],
    ['the same password again', { current: goodPassword, next: goodPassword }, 'validation', /differ/],
  ])('password change refuses %s, changing nothing', async (_label, input, code, pattern) => {
    await setup();
    const a = await s.signIn(email);
    const b = await s.signIn(email);
    await expect(changeOwnPassword(t.deps, a.principal, input)).rejects.toMatchObject({ code, message: expect.stringMatching(pattern) });
    await expect(authenticateSession(t.deps, b.token)).resolves.toBeTruthy();
    expect(await canSignIn(goodPassword)).toBe(true);
  });

  it('set-password by an admin ends all sessions of the user; the admin cannot use it on themselves (5)', async () => {
    await setup();
    await s.signIn(email);
    await s.signIn(email);
    const admin = await s.activeUser('admin@acme.example', { roles: ['admin'] });
    const adminSession = await s.signIn(admin.email);
    const result = await setUserPassword(t.deps, adminSession.principal, await s.row(email), newPassword);
    expect(result.sessionsEnded).toBe(2);
    expect(await live()).toEqual([]);
    expect(await canSignIn(newPassword)).toBe(true);
    await expect(setUserPassword(t.deps, adminSession.principal, await s.row(admin.email), newPassword)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(setUserPassword(t.deps, adminSession.principal, await s.row(email), 'weak')).rejects.toMatchObject({ code: 'validation' });
  });

  it('set-password activates an invited user and revokes the pending invitation', async () => {
    await setup();
    const mailer = capturingMailer();
    const issued = await createInvitation(t.deps, s.root, s.acme, { email: 'new@acme.example', firstName: 'New' }, mailer);
    const result = await setUserPassword(t.deps, s.root, await s.row('new@acme.example'), newPassword);
    expect(result.user.status).toBe('active');
    expect((await listInvitations(t.deps, s.acme.id)).items.find((i) => i.email === 'new@acme.example')?.status).toBe('revoked');
    await expect(acceptInvitation(t.deps, { token: issued.token, password: goodPassword })).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it("finds users only in the given tenant: another tenant's user is not found (6)", async () => {
    await setup();
    await s.activeUser('bob@globex.example', { tenant: s.globex });
    await expect(findUserIn(t.deps, s.acme.id, 'bob@globex.example')).rejects.toMatchObject({ code: 'not_found' });
    const bob = await findUserIn(t.deps, s.globex.id, 'BOB@globex.example');
    await expect(findUserIn(t.deps, s.acme.id, bob.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists live sessions only, marks the current one, and revokes one (then 7)', async () => {
    await setup();
    const a = await s.signIn(email);
    t.clock.advanceMinutes(1);
    const b = await s.signIn(email);
    const listed = await listSessionsOf(t.deps, await s.row(email), a.sessionId);
    expect(listed.map((x) => [x.id, x.current, x.user, x.tenant])).toEqual([
      [b.sessionId, false, email, 'acme'],
      [a.sessionId, true, email, 'acme'],
    ]);
    const revoked = await revokeSession(t.deps, a.principal, (await findSession(t.deps, b.sessionId))!);
    expect(revoked).toMatchObject({ id: b.sessionId, current: false });
    expect((await live()).map((x) => x.id)).toEqual([a.sessionId]);
    await expect(revokeSession(t.deps, a.principal, (await findSession(t.deps, b.sessionId))!)).rejects.toMatchObject({ code: 'conflict' });
    const audit = await t.store.db.selectFrom('audit_events').select(['target', 'details']).where('action', '=', 'session.revoke').execute();
    expect(audit).toHaveLength(1);
    t.clock.advanceHours(12);
    expect(await live()).toEqual([]);
    await expect(revokeSession(t.deps, a.principal, (await findSession(t.deps, a.sessionId))!)).rejects.toMatchObject({ code: 'conflict' });
  });
});
