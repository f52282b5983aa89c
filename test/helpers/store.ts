// Real stores for core and store tests: a temp SQLite file, or (when IAMCTL_TEST_PG_URL is
// set) a fresh PostgreSQL database per call, dropped by cleanup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { Deps } from '../../src/core/deps.js';

export const pgUrl = process.env.IAMCTL_TEST_PG_URL;

export type DialectName = 'sqlite' | 'postgres';

/** The dialects to run store tests on: SQLite always, PostgreSQL when a URL is given. */
export const dialects: DialectName[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

if (!pgUrl && !process.env.IAMCTL_PG_SKIP_NOTICE_SHOWN) {
  process.env.IAMCTL_PG_SKIP_NOTICE_SHOWN = '1';
  console.warn('IAMCTL_TEST_PG_URL is not set: PostgreSQL variants of the store tests are skipped.');
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates an empty PostgreSQL database and returns its URL and a function that drops it. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `iamctl_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(pgUrl!, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestStore {
  store: Store;
  deps: Deps;
  /** Moves the injected clock. */
  clock: { now: Date; advanceHours(h: number): void; advanceMinutes(m: number): void };
  location: string;
  cleanup(): Promise<void>;
}

/** A migrated store of the given dialect with an injectable clock. */
export async function testStore(dialect: DialectName = 'sqlite', options: { migrate?: boolean } = {}): Promise<TestStore> {
  let location: string;
  let drop = async () => {};
  if (dialect === 'postgres') {
    const db = await createPgDatabase();
    location = db.url;
    drop = db.drop;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamctl-store-'));
    location = path.join(dir, 'iamctl.db');
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const store = await openStore(location, { create: true });
  if (options.migrate !== false) await migrateToLatest(store);
  const clock = {
    now: new Date('2026-01-15T10:00:00.000Z'),
    advanceHours(h: number) {
      clock.now = new Date(clock.now.getTime() + h * 3_600_000);
    },
    advanceMinutes(m: number) {
      clock.now = new Date(clock.now.getTime() + m * 60_000);
    },
  };
  return {
    store,
    deps: { store, now: () => clock.now },
    clock,
    location,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}

const createdDatabases: (() => Promise<void>)[] = [];

/** A PostgreSQL database that is dropped when the test file ends (see test/helpers/setup.ts). */
export async function scratchPgDatabase(): Promise<string> {
  const db = await createPgDatabase();
  createdDatabases.push(db.drop);
  return db.url;
}

export async function dropScratchDatabases(): Promise<void> {
  const drops = createdDatabases.splice(0);
  await Promise.all(drops.map((drop) => drop().catch(() => undefined)));
}
