import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { isForeignKeyViolation, isUniqueViolation } from '../../src/store/db.js';
import { assertSchemaCurrent, classifySchema, latestSchemaVersion, migrateToLatest, schemaProblem, schemaStatus } from '../../src/store/migrate.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

describe.each(dialects)('store on %s', (dialect) => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  it('migrates to the latest schema once; a second run applies nothing', async () => {
    t = await testStore(dialect, { migrate: false });
    await expect(assertSchemaCurrent(t.store)).rejects.toMatchObject({ code: 'not_initialized' });
    expect(await migrateToLatest(t.store)).toEqual(['0001_initial']);
    expect(await migrateToLatest(t.store)).toEqual([]);
    const status = await schemaStatus(t.store);
    expect(status).toMatchObject({ version: latestSchemaVersion, pending: [], unknown: [] });
    await assertSchemaCurrent(t.store);
  });

  it('refuses a store whose schema is newer than the tool, naming both versions', async () => {
    t = await testStore(dialect);
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01')`.execute(t.store.db);
    await expect(assertSchemaCurrent(t.store)).rejects.toMatchObject({
      code: 'schema_too_new',
      message: expect.stringMatching(/version 2\) is newer than this iamctl knows \(version 1\)/),
    });
    await expect(migrateToLatest(t.store)).rejects.toMatchObject({ code: 'schema_too_new' });
  });

  it('rolls back schema changes with the transaction (transactional DDL)', async () => {
    t = await testStore(dialect);
    await expect(
      t.store.write(async (trx) => {
        await trx.schema.createTable('scratch').addColumn('id', 'integer').execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const tables = await t.store.db.introspection.getTables();
    expect(tables.map((x) => x.name)).not.toContain('scratch');
  });

  it('maps unique and foreign-key violations the same way on both dialects', async () => {
    t = await testStore(dialect);
    const now = new Date().toISOString();
    const tenant = { id: 't1', slug: 'one', name: 'One', status: 'active' as const, kind: 'tenant' as const, created_at: now, updated_at: now, email: null, color: null };
    await t.store.db.insertInto('tenants').values(tenant).execute();
    const dup = await t.store.db.insertInto('tenants').values({ ...tenant, id: 't2' }).execute().catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    const orphan = await t.store.db
      .insertInto('role_assignments')
      .values({ tenant_id: 't1', user_id: 'nobody', role_id: 'viewer', assigned_by: null, assigned_at: now })
      .execute()
      .catch((e: unknown) => e);
    expect(isForeignKeyViolation(orphan)).toBe(true);
  });

  it('cannot link rows of two tenants (composite tenant keys)', async () => {
    t = await testStore(dialect);
    const now = new Date().toISOString();
    const db = t.store.db;
    for (const id of ['ta', 'tb']) {
      await db.insertInto('tenants').values({ id, slug: id, name: id, status: 'active', kind: 'tenant', created_at: now, updated_at: now, email: null, color: null }).execute();
      await db.insertInto('roles').values({ tenant_id: id, id: 'viewer', display_name: 'Viewer', description: '', builtin: 1, created_at: now, updated_at: now }).execute();
    }
    await db.insertInto('roles').values({ tenant_id: 'tb', id: 'only-in-b', display_name: 'B', description: '', builtin: 0, created_at: now, updated_at: now }).execute();
    await db
      .insertInto('users')
      .values({ id: 'ua', tenant_id: 'ta', email: 'a@x.example', email_lower: 'a@x.example', first_name: 'Aa', last_name: '', name_lower: 'aa', last_name_lower: '', status: 'active', password_hash: null, default_tenant_id: null, mfa_enabled: 0, created_at: now, updated_at: now, last_login_at: null, deleted_at: null })
      .execute();
    const crossed = await db
      .insertInto('role_assignments')
      .values({ tenant_id: 'ta', user_id: 'ua', role_id: 'only-in-b', assigned_by: null, assigned_at: now })
      .execute()
      .catch((e: unknown) => e);
    expect(isForeignKeyViolation(crossed)).toBe(true);
  });
});

describe('SQLite specifics', () => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  it('opens with WAL, foreign keys, synchronous=FULL and a busy timeout', async () => {
    t = await testStore('sqlite');
    const raw = t.store.sqlite!;
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(raw.pragma('synchronous', { simple: true })).toBe(2);
    expect(Number(raw.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
  });

  it('begins every write transaction IMMEDIATE: another writer cannot start until it ends', async () => {
    t = await testStore('sqlite');
    const other = new Database(t.location);
    other.pragma('busy_timeout = 0');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const writing = t.store.write(async (trx) => {
      await sql`select 1`.execute(trx); // no write yet: a deferred begin would hold no lock
      await held;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(() => other.exec('begin immediate')).toThrow(/locked|busy/i);
    release();
    await writing;
    other.exec('begin immediate');
    other.exec('rollback');
    other.close();
  });
});

describe('schema classification', () => {
  const known = ['0001_a', '0002_b', '0003_c'];
  it.each([
    [[], 'not_initialized', /has no schema.*/],
    [['0001_a'], 'schema_outdated', /version 1\) is older than this iamctl \(version 3\)/],
    [['0001_a', '0002_b', '0003_c', '0004_d'], 'schema_too_new', /version 4\) is newer than this iamctl knows \(version 3\)/],
  ])('applied %j -> %s', (applied, code, message) => {
    const problem = schemaProblem(classifySchema(applied, known), '/x.db');
    expect(problem).toMatchObject({ code, message: expect.stringMatching(message) });
  });
  it('is current when everything known is applied', () => {
    expect(schemaProblem(classifySchema(known, known), '/x.db')).toBeNull();
    expect(classifySchema(['0001_a'], known).pending).toEqual(['0002_b', '0003_c']);
  });
});
