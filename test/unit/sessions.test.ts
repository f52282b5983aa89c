import { afterEach, describe, expect, it } from 'vitest';
import { authenticateSession, login, logout } from '../../src/auth/sessions.js';
import { initStore } from '../../src/core/init.js';
import { createTenant } from '../../src/core/tenants.js';
import { verifyAudit } from '../../src/core/audit.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const password = 'Root-Pass-word-1';

describe.each(dialects)('sessions on %s', (dialect) => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    return initStore(t.deps, { email: 'root@example.com', firstName: 'Root', password });
  }

  it('ends a session when its absolute TTL (sessions.ttlHours, 12) has passed', async () => {
    const { token } = await setup();
    expect((await authenticateSession(t.deps, token)).access.isSuperAdmin).toBe(true);
    t.clock.advanceHours(11.9);
    await authenticateSession(t.deps, token);
    t.clock.advanceHours(0.2);
    await expect(authenticateSession(t.deps, token)).rejects.toMatchObject({ code: 'unauthenticated', message: /expired/ });
  });

  it('takes the TTL from the global setting', async () => {
    await setup();
    await t.store.db.insertInto('tenant_settings').values({ tenant_id: 'main', key: 'sessions.ttlHours', value: '1', updated_at: '2026-01-01T00:00:00.000Z', updated_by: null }).execute();
    const { token, session } = await login(t.deps, { email: 'root@example.com', password });
    expect(Date.parse(session.expires_at) - t.clock.now.getTime()).toBe(3_600_000);
    t.clock.advanceMinutes(61);
    await expect(authenticateSession(t.deps, token)).rejects.toMatchObject({ message: /expired/ });
  });

  it('stores only the SHA-256 of the token, and logout ends the session', async () => {
    const { token } = await setup();
    const rows = await t.store.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    const principal = await authenticateSession(t.deps, token);
    expect(await logout(t.deps, principal, false)).toBe(1);
    await expect(authenticateSession(t.deps, token)).rejects.toMatchObject({ message: /ended/ });
  });

  it('keeps the audit chain intact across changes and sign-ins', async () => {
    const { token } = await setup();
    const principal = await authenticateSession(t.deps, token);
    await createTenant(t.deps, principal, { slug: 'acme', name: 'Acme' });
    await expect(login(t.deps, { email: 'root@example.com', password: 'Wrong-Pass-1' })).rejects.toMatchObject({ code: 'unauthenticated' });
    await login(t.deps, { email: 'root@example.com', password });
    expect(await verifyAudit(t.deps)).toMatchObject({ ok: true, checked: 6 });
  });
});
