import { afterEach, describe, expect, it } from 'vitest';
import { verifyApiKey } from '../../src/auth/api-keys.js';
import {
  createKey,
  findKey,
  findKeyOwner,
  isSelfRef,
  listTenantKeys,
  listUserKeys,
  parseKeyRef,
  regenerateKey,
  revokeKey,
  verifyKeyPrincipal,
} from '../../src/core/keys.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { auditCount, principalOf, seedMain, seedTenant, seedUser, storeSetting } from '../helpers/rows.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

describe.each(dialects)('API keys (core) on %s', (dialect) => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    await seedMain(t.deps);
    const acme = await seedTenant(t.deps, 'acme');
    const globex = await seedTenant(t.deps, 'globex');
    const root = await seedUser(t.deps, MAIN_TENANT_ID, 'root@example.com', ['super-admin']);
    const ada = await seedUser(t.deps, acme.id, 'ada@acme.example', ['admin']);
    const vic = await seedUser(t.deps, acme.id, 'vic@acme.example', ['viewer']);
    const robot = await seedUser(t.deps, acme.id, 'robot@acme.example', ['api-user']);
    const gus = await seedUser(t.deps, globex.id, 'gus@globex.example', ['viewer']);
    return { acme, globex, root, ada, vic, robot, gus, asAda: await principalOf(t.deps, ada), asVic: await principalOf(t.deps, vic), asRoot: await principalOf(t.deps, root) };
  }

  it('creates a key shown once, storing only its hash, with an audit event', async () => {
    const f = await setup();
    const issued = await createKey(t.deps, f.asAda, f.robot, { name: '  deploy bot ', expiresInDays: '30' });
    expect(issued).toMatchObject({
      name: 'deploy bot',
      user: 'robot@acme.example',
      tenant: 'acme',
      status: 'active',
      createdBy: 'ada@acme.example',
      createdAt: t.clock.now.toISOString(),
      expiresAt: new Date(t.clock.now.getTime() + 30 * 86_400_000).toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(issued.secret).toMatch(new RegExp(`^iak_${issued.id}_`));
    expect(issued.hint).toBe(`iak_${issued.id}_…${issued.secret.slice(-4)}`);
    const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(issued.secret.slice(17, 60));
    const event = await t.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'key.create').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ tenant_id: f.acme.id, actor_id: f.ada.id, target: `user:${f.robot.id}` });
    expect(JSON.parse(event.details)).toEqual({ key: issued.id, expiresAt: issued.expiresAt });
    expect(await verifyApiKey(t.deps, issued.secret)).toMatchObject({ valid: true });
  });

  it.each([
    ['0', /whole number of days, 1 or more/],
    ['-1', /whole number of days, 1 or more/],
    ['abc', /whole number of days, 1 or more/],
    ['1.5', /whole number of days, 1 or more/],
    ['', /whole number of days, 1 or more/],
    ['1e3', /whole number of days, 1 or more/],
    ['3651', /over the limit of 3650 days/],
  ])('refuses --expires-in-days %j (validation)', async (days, message) => {
    const f = await setup();
    await expect(createKey(t.deps, f.asVic, f.vic, { expiresInDays: days })).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(message) });
    expect(await t.store.db.selectFrom('api_keys').select('id').execute()).toEqual([]);
  });

  it.each([
    ['a control character', 'bad\u0007name'],
    ['a bidi override', 'evil\u202Ename'],
    ['101 characters', 'x'.repeat(101)],
  ])('refuses a key name with %s', async (_what, name) => {
    const f = await setup();
    await expect(createKey(t.deps, f.asVic, f.vic, { name })).rejects.toMatchObject({ code: 'validation' });
  });

  it.each([
    ['global cap, no expiry', { global: 90 }, undefined, /an expiry is required: keys here must expire within 90 days/],
    ['global cap, over it', { global: 90 }, '91', /over the limit of 90 days \(security\.apiKeys\.maxTtlDays\)/],
    ['tenant cap tighter than global', { global: 90, tenant: 30 }, '60', /over the limit of 30 days/],
    ['tenant cap looser than global', { global: 30, tenant: 90 }, '60', null],
    ['cap, within it', { global: 90 }, '90', null],
  ])('security.apiKeys.maxTtlDays: %s', async (_name, caps: { global?: number; tenant?: number }, days, problem) => {
    const f = await setup();
    if (caps.global !== undefined) await storeSetting(t.deps, 'security.apiKeys.maxTtlDays', caps.global);
    if (caps.tenant !== undefined) await storeSetting(t.deps, 'security.apiKeys.maxTtlDays', caps.tenant, { tenantId: f.acme.id });
    const attempt = createKey(t.deps, f.asVic, f.vic, { expiresInDays: days });
    if (problem) await expect(attempt).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(problem) });
    else await expect(attempt).resolves.toMatchObject({ status: 'active' });
  });

  it.each([
    ['keys are off for the user', 'forbidden', async (f: any) => storeSetting(t.deps, 'security.apiKeys.enabled', false, { tenantId: f.acme.id, userId: f.vic.id })],
    ['keys are off in the tenant', 'forbidden', async (f: any) => storeSetting(t.deps, 'security.apiKeys.enabled', false, { tenantId: f.acme.id })],
    ['keys are only for API users', 'forbidden', async () => storeSetting(t.deps, 'security.apiKeys.apiUserOnly', true)],
    ['the owner is inactive', 'conflict', async (f: any) => { await t.store.db.updateTable('users').set({ status: 'inactive' }).where('id', '=', f.vic.id).execute(); }],
  ])('does not issue a key that could not be used: %s', async (_name, code, arrange) => {
    const f = await setup();
    await arrange(f);
    const owner = await t.store.db.selectFrom('users').selectAll().where('id', '=', f.vic.id).executeTakeFirstOrThrow();
    await expect(createKey(t.deps, f.asAda, owner, {})).rejects.toMatchObject({ code });
    expect(await auditCount(t.deps, 'key.create')).toBe(0);
  });

  it('issues keys to API users when keys are only for API users', async () => {
    const f = await setup();
    await storeSetting(t.deps, 'security.apiKeys.apiUserOnly', true);
    await expect(createKey(t.deps, f.asAda, f.robot, {})).resolves.toMatchObject({ user: 'robot@acme.example' });
  });

  it('regenerates: same id, new secret, the old one dead at once; audited', async () => {
    const f = await setup();
    const first = await createKey(t.deps, f.asVic, f.vic, { expiresInDays: 10 });
    const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    const second = await regenerateKey(t.deps, f.asVic, row);
    expect(second.id).toBe(first.id);
    expect(second.secret).not.toBe(first.secret);
    expect(second.expiresAt).toBe(first.expiresAt);
    expect(await verifyApiKey(t.deps, first.secret)).toMatchObject({ valid: false, reason: 'unknown' });
    expect(await verifyApiKey(t.deps, second.secret)).toMatchObject({ valid: true });
    expect(await auditCount(t.deps, 'key.regenerate')).toBe(1);
  });

  it('regenerating under a cap shortens a longer (or missing) expiry to the cap', async () => {
    const f = await setup();
    const key = await createKey(t.deps, f.asVic, f.vic, {});
    await storeSetting(t.deps, 'security.apiKeys.maxTtlDays', 7);
    const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    const again = await regenerateKey(t.deps, f.asVic, row);
    expect(again.expiresAt).toBe(new Date(t.clock.now.getTime() + 7 * 86_400_000).toISOString());
  });

  it.each([
    ['revoked', { revoked_at: '2026-01-01T00:00:00.000Z' }],
    ['expired', { expires_at: '2026-01-01T00:00:00.000Z' }],
  ])('does not regenerate a %s key (conflict)', async (_status, patch) => {
    const f = await setup();
    const key = await createKey(t.deps, f.asVic, f.vic, {});
    await t.store.db.updateTable('api_keys').set(patch).where('id', '=', key.id).execute();
    const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    await expect(regenerateKey(t.deps, f.asVic, row)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('revokes once: the key fails verification, stays listed, and a second revoke is a conflict', async () => {
    const f = await setup();
    const key = await createKey(t.deps, f.asAda, f.robot, {});
    const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    const revoked = await revokeKey(t.deps, f.asAda, row);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: t.clock.now.toISOString() });
    expect(await verifyApiKey(t.deps, key.secret)).toMatchObject({ valid: false, reason: 'revoked' });
    expect((await listUserKeys(t.deps, f.robot)).map((k) => k.status)).toEqual(['revoked']);
    await expect(revokeKey(t.deps, f.asAda, row)).rejects.toMatchObject({ code: 'conflict' });
    expect(await auditCount(t.deps, 'key.revoke')).toBe(1);
  });

  it('pages through a tenant\'s keys, newest first, without gaps or repeats; an edited cursor is refused', async () => {
    const f = await setup();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await createKey(t.deps, f.asAda, i % 2 ? f.vic : f.robot, {})).id);
      if (i !== 2) t.clock.advanceMinutes(1); // two keys share a creation time
    }
    await createKey(t.deps, f.asRoot, await seedUser(t.deps, f.globex.id, 'other@globex.example', ['viewer']), {});
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTenantKeys(t.deps, f.acme.id, { limit: 2, cursor });
      seen.push(...page.items.map((k) => k.id));
      expect(page.items.every((k) => k.tenant === 'acme')).toBe(true);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen)).toEqual(new Set(made));
    expect(seen).toHaveLength(5);
    await expect(listTenantKeys(t.deps, f.acme.id, { cursor: 'nonsense.abc' })).rejects.toMatchObject({ code: 'validation' });
  });

  it('finds keys: in the acting tenant, one\'s own anywhere, another tenant\'s never', async () => {
    const f = await setup();
    const robotKey = await createKey(t.deps, f.asAda, f.robot, {});
    const gusKey = await createKey(t.deps, f.asRoot, f.gus, {});
    const rootKey = await createKey(t.deps, f.asRoot, f.root, {});
    expect(await findKey(t.deps, f.asVic, f.acme.id, robotKey.id)).toMatchObject({ own: false });
    expect(await findKey(t.deps, f.asAda, f.acme.id, robotKey.hint)).toMatchObject({ own: false, row: { id: robotKey.id } });
    await expect(findKey(t.deps, f.asAda, f.acme.id, gusKey.id)).rejects.toMatchObject({ code: 'not_found' });
    // A super admin acting in acme still reaches their own (main-account) key.
    expect(await findKey(t.deps, f.asRoot, f.acme.id, rootKey.id)).toMatchObject({ own: true });
    await expect(findKey(t.deps, f.asRoot, MAIN_TENANT_ID, robotKey.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(findKey(t.deps, f.asAda, f.acme.id, robotKey.secret)).rejects.toMatchObject({ code: 'usage' });
    await expect(findKey(t.deps, f.asAda, f.acme.id, 'not-an-id')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('finds key owners in the acting tenant only', async () => {
    const f = await setup();
    expect(isSelfRef(f.asVic, undefined)).toBe(true);
    expect(isSelfRef(f.asVic, 'VIC@acme.example')).toBe(true);
    expect(isSelfRef(f.asVic, f.vic.id)).toBe(true);
    expect(isSelfRef(f.asVic, 'ada@acme.example')).toBe(false);
    expect((await findKeyOwner(t.deps, f.asAda, f.acme.id, 'robot@acme.example')).id).toBe(f.robot.id);
    await expect(findKeyOwner(t.deps, f.asAda, f.acme.id, 'gus@globex.example')).rejects.toMatchObject({ code: 'not_found' });
    expect((await findKeyOwner(t.deps, f.asRoot, f.acme.id, undefined)).id).toBe(f.root.id);
  });

  it('parses key references: an id or the hint, never a whole key', () => {
    expect(parseKeyRef('abcdefghijkl')).toBe('abcdefghijkl');
    expect(parseKeyRef('iak_abcdefghijkl_…wxyz')).toBe('abcdefghijkl');
    expect(parseKeyRef('abc')).toBeNull();
  });

  it('names the principal behind a key: user, tenant, direct roles, expiry', async () => {
    const f = await setup();
    const key = await createKey(t.deps, f.asAda, f.robot, { expiresInDays: 3 });
    expect(await verifyKeyPrincipal(t.deps, key.secret)).toEqual({
      valid: true,
      key: key.id,
      user: 'robot@acme.example',
      userId: f.robot.id,
      tenant: 'acme',
      roles: ['api-user'],
      expiresAt: key.expiresAt,
    });
    await expect(verifyKeyPrincipal(t.deps, 'iak_x')).rejects.toMatchObject({ code: 'unauthenticated', message: 'API key not accepted: malformed' });
  });
});
