import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, DummyDriver } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticateApiKey, verifyApiKey } from '../../src/auth/api-keys.js';
import { directRolesSql, keyLookupSql, pgKeyLookupSql, touchKeyParams, touchKeySql } from '../../src/auth/key-check.js';
import { createKey } from '../../src/core/keys.js';
import type { Store } from '../../src/store/db.js';
import { directRolesQuery, keyLookupQuery, touchKeyQuery } from '../../src/store/key-repo.js';
import { knownMigrations } from '../../src/store/migrate.js';
import type { Database } from '../../src/store/schema.js';
import { knownMigrationNames } from '../../src/store/schema-version.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { auditCount, principalOf, seedMain, seedTenant, seedUser, storeSetting } from '../helpers/rows.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

describe('the hot path SQL is what the query builder compiles to', () => {
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (d) => new SqliteIntrospector(d),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });

  it('key lookup', () => {
    const compiled = keyLookupQuery(db, 'abcdefghijkl').compile();
    expect(compiled.sql).toBe(keyLookupSql);
    expect(compiled.parameters).toEqual(['abcdefghijkl']);
  });

  it('key lookup on PostgreSQL (the named statement)', () => {
    const pg = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (d) => new PostgresIntrospector(d),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const compiled = keyLookupQuery(pg, 'abcdefghijkl').compile();
    expect(compiled.sql).toBe(pgKeyLookupSql);
    expect(compiled.parameters).toEqual(['abcdefghijkl']);
  });

  it('last-used write', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    const compiled = touchKeyQuery(db, 'abcdefghijkl', now).compile();
    expect(compiled.sql).toBe(touchKeySql);
    expect(compiled.parameters).toEqual(touchKeyParams('abcdefghijkl', now));
  });

  it('roles', () => {
    const compiled = directRolesQuery(db, 't', 'u').compile();
    expect(compiled.sql).toBe(directRolesSql);
    expect(compiled.parameters).toEqual(['t', 'u']);
  });

  it('the fast path knows the same migrations as the migrator', () => {
    expect([...knownMigrationNames]).toEqual(knownMigrations);
  });
});

/** The same store without its raw SQLite handle: verification takes the query-builder path. */
const builderOnly = (store: Store): Store => ({ ...store, sqlite: undefined });

describe.each(dialects)('verifyApiKey on %s', (dialect) => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    await seedMain(t.deps);
    const acme = await seedTenant(t.deps, 'acme');
    const admin = await seedUser(t.deps, acme.id, 'ada@acme.example', ['admin']);
    const robot = await seedUser(t.deps, acme.id, 'robot@acme.example', ['api-user']);
    const vic = await seedUser(t.deps, acme.id, 'vic@acme.example', ['viewer']);
    const actor = await principalOf(t.deps, admin);
    const robotKey = await createKey(t.deps, actor, robot, { name: 'ci' });
    const vicKey = await createKey(t.deps, actor, vic, {});
    return { acme, admin, robot, vic, actor, robotKey, vicKey };
  }

  // Each path gets its own copy of the deps so both run against the same rows.
  const paths = (store: Store) => (dialect === 'sqlite' ? [store, builderOnly(store)] : [store]);

  it('accepts a valid key and names its user and tenant; last used is written at most once a minute', async () => {
    const { robot, robotKey } = await setup();
    for (const store of paths(t.store)) {
      const deps = { store, now: t.deps.now };
      const first = await verifyApiKey(deps, robotKey.secret);
      expect(first).toMatchObject({ valid: true, keyId: robotKey.id, userId: robot.id, email: robot.email, tenant: 'acme', name: 'ci', expiresAt: null });
      const stamp = (await t.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', robotKey.id).executeTakeFirstOrThrow()).last_used_at;
      expect(stamp).not.toBeNull();
      t.clock.advanceMinutes(0.5);
      expect(await verifyApiKey(deps, robotKey.secret)).toMatchObject({ valid: true, lastUsedAt: stamp });
      const after = (await t.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', robotKey.id).executeTakeFirstOrThrow()).last_used_at;
      expect(after).toBe(stamp);
      t.clock.advanceMinutes(1);
      const later = await verifyApiKey(deps, robotKey.secret);
      expect(later.valid && later.lastUsedAt).toBe(t.clock.now.toISOString());
    }
    expect(await auditCount(t.deps, 'key.use')).toBe(0);
  });

  it('answers malformed and unknown keys without writing anything', async () => {
    const { robotKey } = await setup();
    const before = await auditCount(t.deps);
    const unknown = `iak_${'Z'.repeat(12)}_${robotKey.secret.slice(17)}`;
    for (const store of paths(t.store)) {
      expect(await verifyApiKey(store, 'iak_nope')).toEqual({ valid: false, reason: 'malformed', keyId: null });
      // A valid shape and checksum, but no such id: the checksum covers the id, so rebuild one.
      const { generateKey } = await import('../../src/auth/api-key-format.js');
      expect(await verifyApiKey(store, generateKey().key)).toEqual({ valid: false, reason: 'unknown', keyId: null });
      expect((await verifyApiKey(store, unknown)).valid).toBe(false);
    }
    expect(await auditCount(t.deps)).toBe(before);
  });

  type Fixture = Awaited<ReturnType<typeof setup>>;
  const cases: [string, string, (f: Fixture) => Promise<void>][] = [
    ['revoked', 'revoked', (f) => t.store.db.updateTable('api_keys').set({ revoked_at: t.clock.now.toISOString() }).where('id', '=', f.robotKey.id).execute().then(() => undefined)],
    ['expired', 'expired', (f) => t.store.db.updateTable('api_keys').set({ expires_at: t.clock.now.toISOString() }).where('id', '=', f.robotKey.id).execute().then(() => undefined)],
    ['user inactive', 'user inactive', (f) => t.store.db.updateTable('users').set({ status: 'inactive' }).where('id', '=', f.robot.id).execute().then(() => undefined)],
    ['user deleted', 'user inactive', (f) => t.store.db.updateTable('users').set({ status: 'deleted' }).where('id', '=', f.robot.id).execute().then(() => undefined)],
    ['user invited', 'user inactive', (f) => t.store.db.updateTable('users').set({ status: 'invited' }).where('id', '=', f.robot.id).execute().then(() => undefined)],
    ['tenant inactive', 'tenant inactive', (f) => t.store.db.updateTable('tenants').set({ status: 'inactive' }).where('id', '=', f.acme.id).execute().then(() => undefined)],
    ['keys off globally', 'disabled by policy', () => storeSetting(t.deps, 'security.apiKeys.enabled', false)],
    ['keys off in the tenant', 'disabled by policy', (f) => storeSetting(t.deps, 'security.apiKeys.enabled', false, { tenantId: f.acme.id })],
    ['keys off for the user', 'disabled by policy', (f) => storeSetting(t.deps, 'security.apiKeys.enabled', false, { tenantId: f.acme.id, userId: f.robot.id })],
    ['wrong secret', 'unknown', async (f) => {
      const { generateKey } = await import('../../src/auth/api-key-format.js');
      f.robotKey.secret = generateKey(f.robotKey.id).key;
    }],
  ];

  it.each(cases)('refuses a key when %s, audits the use, and deletes nothing', async (_name, reason, arrange) => {
    const f = await setup();
    await arrange(f);
    let audits = 0;
    for (const store of paths(t.store)) {
      expect(await verifyApiKey({ store, now: t.deps.now }, f.robotKey.secret)).toEqual({ valid: false, reason, keyId: f.robotKey.id });
      audits++;
    }
    const events = await t.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'key.use').execute();
    expect(events).toHaveLength(audits);
    expect(events[0]).toMatchObject({ tenant_id: f.acme.id, actor_id: null, target: `key:${f.robotKey.id}`, result: 'failure' });
    expect(JSON.parse(events[0]!.details)).toEqual({ reason: reason === 'unknown' ? 'wrong secret' : reason, user: `user:${f.robot.id}` });
    expect(events[0]!.details).not.toContain(f.robotKey.secret.slice(17, 60));
    expect(await t.store.db.selectFrom('api_keys').select('id').where('id', '=', f.robotKey.id).executeTakeFirst()).toBeDefined();
  });

  it.each([
    ['user on, tenant off, global off', { global: false, tenant: false, user: true }, true],
    ['user off, tenant on, global on', { global: true, tenant: true, user: false }, false],
    ['tenant on, global off', { global: false, tenant: true }, true],
    ['tenant off, global on', { global: true, tenant: false }, false],
    ['global off', { global: false }, false],
    ['nothing set (default on)', {}, true],
  ])('security.apiKeys.enabled resolves user > tenant > global: %s', async (_name, values: { global?: boolean; tenant?: boolean; user?: boolean }, valid) => {
    const f = await setup();
    if (values.global !== undefined) await storeSetting(t.deps, 'security.apiKeys.enabled', values.global);
    if (values.tenant !== undefined) await storeSetting(t.deps, 'security.apiKeys.enabled', values.tenant, { tenantId: f.acme.id });
    if (values.user !== undefined) await storeSetting(t.deps, 'security.apiKeys.enabled', values.user, { tenantId: f.acme.id, userId: f.robot.id });
    for (const store of paths(t.store)) expect((await verifyApiKey(store, f.robotKey.secret)).valid).toBe(valid);
  });

  it.each([
    ['global apiUserOnly: the api user passes', 'global', 'robot', true],
    ['global apiUserOnly: a viewer is refused', 'global', 'vic', false],
    ['tenant apiUserOnly: a viewer is refused', 'tenant', 'vic', false],
    ['tenant turns apiUserOnly off again', 'tenant-off', 'vic', true],
  ])('security.apiKeys.apiUserOnly: %s', async (_name, where, who, valid) => {
    const f = await setup();
    if (where === 'global' || where === 'tenant-off') await storeSetting(t.deps, 'security.apiKeys.apiUserOnly', true);
    if (where === 'tenant') await storeSetting(t.deps, 'security.apiKeys.apiUserOnly', true, { tenantId: f.acme.id });
    if (where === 'tenant-off') await storeSetting(t.deps, 'security.apiKeys.apiUserOnly', false, { tenantId: f.acme.id });
    const key = who === 'robot' ? f.robotKey : f.vicKey;
    for (const store of paths(t.store)) {
      const result = await verifyApiKey(store, key.secret);
      expect(result.valid ? 'valid' : result.reason).toBe(valid ? 'valid' : 'disabled by policy');
    }
  });

  it('turning keys off makes existing keys fail without deleting them; turning them on restores them', async () => {
    const f = await setup();
    await storeSetting(t.deps, 'security.apiKeys.enabled', false, { tenantId: f.acme.id });
    expect(await verifyApiKey(t.store, f.robotKey.secret)).toMatchObject({ valid: false, reason: 'disabled by policy' });
    await storeSetting(t.deps, 'security.apiKeys.enabled', true, { tenantId: f.acme.id });
    expect(await verifyApiKey(t.store, f.robotKey.secret)).toMatchObject({ valid: true });
  });

  it('keys of main-account users resolve the global policy once', async () => {
    await setup();
    const root = await seedUser(t.deps, MAIN_TENANT_ID, 'root@example.com', ['super-admin']);
    const key = await createKey(t.deps, await principalOf(t.deps, root), root, {});
    for (const store of paths(t.store)) expect(await verifyApiKey(store, key.secret)).toMatchObject({ valid: true, tenant: null, tenantId: MAIN_TENANT_ID });
    await storeSetting(t.deps, 'security.apiKeys.enabled', false);
    for (const store of paths(t.store)) expect(await verifyApiKey(store, key.secret)).toMatchObject({ valid: false, reason: 'disabled by policy' });
  });

  it('authenticates a key as its user, with their access', async () => {
    const f = await setup();
    const principal = await authenticateApiKey(t.deps, f.robotKey.secret);
    expect(principal).toMatchObject({ userId: f.robot.id, via: 'apiKey', keyId: f.robotKey.id, tenantId: f.acme.id });
    expect(principal.access.permissions.has('listeners:operate')).toBe(true);
    await t.store.db.updateTable('api_keys').set({ revoked_at: t.clock.now.toISOString() }).where('id', '=', f.robotKey.id).execute();
    await expect(authenticateApiKey(t.deps, f.robotKey.secret)).rejects.toMatchObject({ code: 'unauthenticated', message: 'API key not accepted: revoked' });
  });
});
