// The in-transaction lifecycle functions as `apply --prune` and `user offboard` use them: a
// system actor (no user), composed in one caller's transaction, all-or-nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { checkPassword, completeLogin } from '../../src/auth/sessions.js';
import { createUser } from '../../src/core/users.js';
import { deactivateUserInTrx, purgeUserInTrx, softDeleteUserInTrx } from '../../src/core/user-lifecycle.js';
import { moveUserInTrx } from '../../src/core/user-move.js';
import { goodPassword, seed, type Seeded } from '../helpers/fixtures.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const system = { userId: null };

describe.each(dialects)('user lifecycle core on %s', (dialect) => {
  let t: TestStore;
  let s: Seeded;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    s = await seed(t);
  }
  const at = () => new Date().toISOString();
  const statusOf = async (email: string) => (await s.row(email)).status;
  const events = async (action: string) =>
    (await t.store.db.selectFrom('audit_events').select('action').where('action', '=', action).execute()).length;

  it('keeps the last active super admin (7), even for the system; a second one may go', async () => {
    await setup();
    const root = await s.row('root@example.com');
    for (const change of [deactivateUserInTrx, softDeleteUserInTrx]) {
      await expect(t.store.write((trx) => change(trx, system, root, at()))).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/last active super admin/) });
    }
    expect(await statusOf('root@example.com')).toBe('active');
    await createUser(t.deps, s.root, 'main', { email: 'sa2@example.com', firstName: 'Second', roles: ['super-admin'], password: 'Correct-Horse-42' });
    await t.store.write((trx) => deactivateUserInTrx(trx, system, root, at()));
    expect(await statusOf('root@example.com')).toBe('inactive');
  });

  it('composes in one transaction: a later failure rolls back the earlier changes', async () => {
    await setup();
    await s.activeUser('one@acme.example');
    await s.activeUser('two@acme.example');
    const one = await s.row('one@acme.example');
    const two = await s.row('two@acme.example');
    const before = await events('user.delete');
    await expect(
      t.store.write(async (trx) => {
        await softDeleteUserInTrx(trx, system, one, at());
        await purgeUserInTrx(trx, system, two, at()); // not deleted: refused
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await statusOf('one@acme.example')).toBe('active');
    expect(await events('user.delete')).toBe(before);
    await t.store.write(async (trx) => {
      const deleted = await softDeleteUserInTrx(trx, system, two, at());
      await purgeUserInTrx(trx, system, deleted.user, at());
    });
    expect(await t.store.db.selectFrom('users').select('id').where('id', '=', two.id).executeTakeFirst()).toBeUndefined();
  });

  it('a sign-in whose password checked out before a deactivation opens no session after it (4)', async () => {
    await setup();
    await s.activeUser('racer@acme.example');
    const checked = await checkPassword(t.deps, { email: 'racer@acme.example', password: goodPassword });
    const user = await s.row('racer@acme.example');
    await t.store.write((trx) => deactivateUserInTrx(trx, system, user, at()));
    await expect(completeLogin(t.deps, checked)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await t.store.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });

  it('moves a user with the rows that follow them (user settings) under the new tenant', async () => {
    await setup();
    await s.activeUser('mover@acme.example', { roles: ['operator'] });
    const user = await s.row('mover@acme.example');
    await t.store.db.insertInto('user_settings').values({ tenant_id: s.acme.id, user_id: user.id, key: 'security.apiKeys.enabled', value: 'false', updated_at: at(), updated_by: null }).execute();
    const moved = await t.store.write((trx) => moveUserInTrx(trx, system, user, s.acme, s.globex, at()));
    expect(moved.summary).toMatchObject({ from: 'acme', to: 'globex', rolesKept: ['operator'] });
    const settings = await t.store.db.selectFrom('user_settings').select('tenant_id').where('user_id', '=', user.id).execute();
    expect(settings).toEqual([{ tenant_id: s.globex.id }]);
    const roles = await t.store.db.selectFrom('role_assignments').select(['tenant_id', 'role_id']).where('user_id', '=', user.id).execute();
    expect(roles).toEqual([{ tenant_id: s.globex.id, role_id: 'operator' }]);
  });
});
