// Invitations in the core, on a real store: states, TTL, single use, resend, revoke, accept,
// delivery inside the transaction, pagination and tenant isolation.
import { afterEach, describe, expect, it } from 'vitest';
import { login } from '../../src/auth/sessions.js';
import { acceptInvitation, previewInvitation } from '../../src/core/invitation-accept.js';
import { createInvitation, findInvitation, listInvitations, resendInvitation, revokeInvitation } from '../../src/core/invitations.js';
import { createUser } from '../../src/core/users.js';
import { capturingMailer, goodPassword, seed, tokenIn, type CapturingMailer, type Seeded } from '../helpers/fixtures.js';
import { putSetting } from '../helpers/settings.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

describe.each(dialects)('invitations on %s', (dialect) => {
  let t: TestStore;
  let s: Seeded;
  let mailer: CapturingMailer;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    s = await seed(t);
    mailer = capturingMailer();
  }
  const invite = (email: string, extra: { firstName?: string; roles?: string[] } = {}) =>
    createInvitation(t.deps, s.root, s.acme, { email, ...extra }, mailer);
  const count = async (table: 'users' | 'invitations' | 'audit_events') =>
    Number((await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('creates an invited user and a pending invitation, delivers the token and stores only its hash', async () => {
    await setup();
    const issued = await invite('ada@acme.example', { firstName: 'Ada', roles: ['editor'] });
    expect(issued.invitation).toMatchObject({ email: 'ada@acme.example', tenant: 'acme', roles: ['editor'], status: 'pending', invitedBy: 'root@example.com' });
    expect(issued.user).toMatchObject({ status: 'invited', firstName: 'Ada' });
    expect(Date.parse(issued.invitation.expiresAt) - Date.parse(issued.invitation.createdAt)).toBe(72 * 3_600_000);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'ada@acme.example', headers: { 'X-Iamctl-Invitation': issued.invitation.id } });
    expect(tokenIn(mailer.sent[0]!.text)).toBe(issued.token);
    const row = await t.store.db.selectFrom('invitations').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(issued.token);
    const audit = await t.store.db.selectFrom('audit_events').select(['details', 'target']).execute();
    expect(JSON.stringify(audit)).not.toContain(issued.token);
  });

  it('takes the TTL from invitations.ttlHours (tenant over global)', async () => {
    await setup();
    await putSetting(t.store.db, 'main', 'invitations.ttlHours', 24);
    await putSetting(t.store.db, s.acme.id, 'invitations.ttlHours', 2);
    const issued = await invite('ada@acme.example');
    expect(Date.parse(issued.invitation.expiresAt) - Date.parse(issued.invitation.createdAt)).toBe(2 * 3_600_000);
    t.clock.advanceHours(2);
    expect((await listInvitations(t.deps, s.acme.id)).items[0]!.status).toBe('expired');
  });

  it('refuses to invite an existing email (7), also one of another tenant, and an invalid first name (3)', async () => {
    await setup();
    await s.activeUser('bob@globex.example', { tenant: s.globex });
    await invite('ada@acme.example');
    await expect(invite('ADA@acme.example')).rejects.toMatchObject({ code: 'conflict' });
    await expect(invite('bob@globex.example')).rejects.toMatchObject({ code: 'conflict' });
    await expect(invite('eve@acme.example', { firstName: 'E' })).rejects.toMatchObject({ code: 'validation' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('stores nothing when delivery fails (the token never exists without its message)', async () => {
    await setup();
    const before = { users: await count('users'), invitations: await count('invitations'), audit: await count('audit_events') };
    mailer.failWith = new Error('smtp down');
    await expect(invite('ada@acme.example')).rejects.toThrow('smtp down');
    expect({ users: await count('users'), invitations: await count('invitations'), audit: await count('audit_events') }).toEqual(before);
  });

  it('accept sets the password, applies the names, activates the user, and works once', async () => {
    await setup();
    const issued = await invite('ada@acme.example');
    expect(await previewInvitation(t.deps, issued.token)).toEqual({ email: 'ada@acme.example', needsFirstName: true });
    const user = await acceptInvitation(t.deps, { token: issued.token, password: goodPassword, firstName: ' Ada ', lastName: 'Lovelace' });
    expect(user).toMatchObject({ status: 'active', firstName: 'Ada', lastName: 'Lovelace' });
    expect((await login(t.deps, { email: 'ada@acme.example', password: goodPassword })).user.status).toBe('active');
    await expect(acceptInvitation(t.deps, { token: issued.token, password: 'Other-Pass-99' })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'this invitation was already used',
    });
    expect((await findInvitation(t.deps, s.acme.id, 'ada@acme.example')).accepted_at).not.toBeNull();
    const events = await t.store.db.selectFrom('audit_events').select(['action', 'result', 'details']).where('action', '=', 'invitation.accept').execute();
    expect(events.map((e) => [e.result, JSON.parse(e.details).reason ?? null])).toEqual([['success', null], ['failure', 'used']]);
  });

  it('accept needs a first name when the invitation has none (2), and checks the password (3) without using the token', async () => {
    await setup();
    const issued = await invite('ada@acme.example');
    await expect(acceptInvitation(t.deps, { token: issued.token, password: goodPassword })).rejects.toMatchObject({ code: 'usage' });
    for (const weak of ['short1A', 'alllowercase1', 'ada@acme.example', 'Password1']) {
      await expect(acceptInvitation(t.deps, { token: issued.token, password: weak, firstName: 'Ada' })).rejects.toMatchObject({ code: 'validation' });
    }
    expect((await listInvitations(t.deps, s.acme.id)).items[0]!.status).toBe('pending');
    await expect(acceptInvitation(t.deps, { token: issued.token, password: goodPassword, firstName: 'Ada' })).resolves.toMatchObject({ status: 'active' });
  });

  it.each([
    ['empty', ''],
    ['too short', 'abc'],
    ['right shape, unknown', 'A'.repeat(43)],
    ['with a bad character', `${'A'.repeat(42)}!`],
    ['too long', 'A'.repeat(44)],
  ])('refuses a garbage token (%s) with 4 and writes nothing', async (_label, token) => {
    await setup();
    await invite('ada@acme.example');
    const audit = await count('audit_events');
    await expect(acceptInvitation(t.deps, { token, password: goodPassword, firstName: 'Ada' })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'the invitation token is not valid',
    });
    expect(await count('audit_events')).toBe(audit);
  });

  it('an expired invitation cannot be accepted (4); resend gives a fresh token and expiry', async () => {
    await setup();
    const issued = await invite('ada@acme.example', { firstName: 'Ada' });
    t.clock.advanceHours(72);
    await expect(acceptInvitation(t.deps, { token: issued.token, password: goodPassword })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: expect.stringMatching(/expired/),
    });
    const resent = await resendInvitation(t.deps, s.root, s.acme, 'ada@acme.example', mailer);
    expect(resent.invitation.status).toBe('pending');
    expect(resent.invitation.id).not.toBe(issued.invitation.id);
    expect(Date.parse(resent.invitation.expiresAt)).toBe(t.clock.now.getTime() + 72 * 3_600_000);
    expect(tokenIn(mailer.sent.at(-1)!.text)).toBe(resent.token);
    await expect(acceptInvitation(t.deps, { token: resent.token, password: goodPassword })).resolves.toMatchObject({ status: 'active' });
  });

  it('resend kills the old token at once; the old id leads to the new invitation; the list shows one row', async () => {
    await setup();
    const first = await invite('ada@acme.example', { firstName: 'Ada' });
    const second = await resendInvitation(t.deps, s.root, s.acme, first.invitation.id, mailer);
    await expect(acceptInvitation(t.deps, { token: first.token, password: goodPassword })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'this invitation was replaced by a newer one',
    });
    expect((await findInvitation(t.deps, s.acme.id, first.invitation.id)).id).toBe(second.invitation.id);
    expect((await listInvitations(t.deps, s.acme.id)).items.map((i) => i.id)).toEqual([second.invitation.id]);
    await expect(acceptInvitation(t.deps, { token: second.token, password: goodPassword })).resolves.toMatchObject({ status: 'active' });
  });

  it('a failed resend delivery changes nothing: the old token still works', async () => {
    await setup();
    const first = await invite('ada@acme.example', { firstName: 'Ada' });
    mailer.failWith = new Error('smtp down');
    await expect(resendInvitation(t.deps, s.root, s.acme, 'ada@acme.example', mailer)).rejects.toThrow('smtp down');
    await expect(acceptInvitation(t.deps, { token: first.token, password: goodPassword })).resolves.toMatchObject({ status: 'active' });
  });

  it('revoke: the token dies (4); revoking again or resending/revoking an accepted one is a conflict (7)', async () => {
    await setup();
    const ada = await invite('ada@acme.example', { firstName: 'Ada' });
    const revoked = await revokeInvitation(t.deps, s.root, s.acme.id, 'ada@acme.example');
    expect(revoked.status).toBe('revoked');
    await expect(acceptInvitation(t.deps, { token: ada.token, password: goodPassword })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'this invitation was revoked',
    });
    await expect(revokeInvitation(t.deps, s.root, s.acme.id, ada.invitation.id)).rejects.toMatchObject({ code: 'conflict' });
    // A revoked invitation can be sent again.
    const again = await resendInvitation(t.deps, s.root, s.acme, 'ada@acme.example', mailer);
    await acceptInvitation(t.deps, { token: again.token, password: goodPassword });
    await expect(resendInvitation(t.deps, s.root, s.acme, 'ada@acme.example', mailer)).rejects.toMatchObject({ code: 'conflict' });
    await expect(revokeInvitation(t.deps, s.root, s.acme.id, 'ada@acme.example')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('of two concurrent accepts of one token exactly one succeeds', async () => {
    await setup();
    const issued = await invite('ada@acme.example', { firstName: 'Ada' });
    const results = await Promise.allSettled([
      acceptInvitation(t.deps, { token: issued.token, password: goodPassword }),
      acceptInvitation(t.deps, { token: issued.token, password: 'Other-Pass-99' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'unauthenticated' } });
  });

  it('lists by status, newest first, in pages', async () => {
    await setup();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      ids.push((await invite(`${name}@acme.example`, { firstName: 'Name' })).invitation.id);
      t.clock.advanceMinutes(1);
    }
    await revokeInvitation(t.deps, s.root, s.acme.id, 'b@acme.example');
    const c = await resendInvitation(t.deps, s.root, s.acme, 'c@acme.example', mailer);
    await acceptInvitation(t.deps, { token: c.token, password: goodPassword });
    t.clock.advanceHours(72); // a, d, e expire; the resent c was accepted first
    const statuses = async (status?: 'pending' | 'accepted' | 'expired' | 'revoked' | 'all') =>
      (await listInvitations(t.deps, s.acme.id, { status })).items.map((i) => `${i.email[0]}:${i.status}`);
    expect(await statuses()).toEqual(['c:accepted', 'e:expired', 'd:expired', 'b:revoked', 'a:expired']);
    expect(await statuses('expired')).toEqual(['e:expired', 'd:expired', 'a:expired']);
    expect(await statuses('accepted')).toEqual(['c:accepted']);
    expect(await statuses('revoked')).toEqual(['b:revoked']);
    expect(await statuses('pending')).toEqual([]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listInvitations(t.deps, s.acme.id, { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.email[0]!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['c', 'e', 'd', 'b', 'a']);
    await expect(listInvitations(t.deps, s.acme.id, { cursor: 'garbage.cursor' })).rejects.toMatchObject({ code: 'validation' });
  });

  it("another tenant's invitations look missing (6) and are not listed", async () => {
    await setup();
    const issued = await invite('ada@acme.example');
    await expect(findInvitation(t.deps, s.globex.id, issued.invitation.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(findInvitation(t.deps, s.globex.id, 'ada@acme.example')).rejects.toMatchObject({ code: 'not_found' });
    await expect(revokeInvitation(t.deps, s.root, s.globex.id, 'ada@acme.example')).rejects.toMatchObject({ code: 'not_found' });
    expect((await listInvitations(t.deps, s.globex.id)).items).toEqual([]);
  });

  it('user create without a password delivers through the same path', async () => {
    await setup();
    let delivered = '';
    const created = await createUser(t.deps, s.root, s.acme.id, { email: 'ada@acme.example', firstName: 'Ada' }, {
      deliverInvitation: async (token) => {
        delivered = token.token;
      },
    });
    expect(created.invitation?.token).toBe(delivered);
    await expect(acceptInvitation(t.deps, { token: delivered, password: goodPassword })).resolves.toMatchObject({ firstName: 'Ada', status: 'active' });
  });

  it('an invitation of a deactivated tenant cannot be accepted (4)', async () => {
    await setup();
    const issued = await invite('ada@acme.example', { firstName: 'Ada' });
    await t.store.db.updateTable('tenants').set({ status: 'inactive' }).where('id', '=', s.acme.id).execute();
    await expect(acceptInvitation(t.deps, { token: issued.token, password: goodPassword })).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
