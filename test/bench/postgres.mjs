// The same hot paths on PostgreSQL, when a server is given (IAMCTL_BENCH_PG_URL, else
// IAMCTL_TEST_PG_URL; each run uses a scratch database it drops afterwards):
// - verifyApiKey calls/s in-process with 100,000 keys (same seed shape as keys.mjs), beside a
//   plain `pg` lookup + SHA-256 + constant-time compare of the same keys;
// - whole-process `iamctl tenant list` and `iamctl key verify` against bare `node -e 0`, with the
//   SQLite figures of the same commands in the same run for comparison;
// - whole-process `iamctl user import` of 10k CSV rows on PostgreSQL beside the same on SQLite.
// User search on PostgreSQL is measured by users.mjs.
import { spawnSync } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrateToLatest, openStore, verifyApiKey } from 'iamctl';
import { bin, median, rate, sideBySide, tempDir, timeProcess, mintKey } from './lib.mjs';

const baseUrl = process.env.IAMCTL_BENCH_PG_URL ?? process.env.IAMCTL_TEST_PG_URL;
const keyCount = 100_000;
const importRows = 10_000;


async function scratchDatabase(name) {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: baseUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** One tenant, 1,000 viewers with 100 keys each, in batches of 1,000 rows per statement. */
async function seedKeys(db) {
  const at = new Date().toISOString();
  const keys = [];
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('tenants').values({ id: 'bench', slug: 'bench', name: 'Bench', status: 'active', kind: 'tenant', created_at: at, updated_at: at }).execute();
    await trx.insertInto('roles').values({ tenant_id: 'bench', id: 'viewer', display_name: 'Viewer', description: '', builtin: 1, created_at: at, updated_at: at }).execute();
    const users = [];
    for (let u = 0; u < 1000; u++) {
      users.push({
        id: `benchuser${String(u).padStart(6, '0')}`, tenant_id: 'bench', email: `user${u}@bench.example`, email_lower: `user${u}@bench.example`,
        first_name: 'Bench', last_name: 'User', name_lower: 'bench user', last_name_lower: 'user', status: 'active', mfa_enabled: 0, created_at: at, updated_at: at,
      });
    }
    await trx.insertInto('users').values(users).execute();
    await trx.insertInto('role_assignments').values(users.map((u) => ({ tenant_id: 'bench', user_id: u.id, role_id: 'viewer', assigned_at: at }))).execute();
    let batch = [];
    for (let k = 0; k < keyCount; k++) {
      const minted = mintKey();
      keys.push(minted);
      batch.push({ id: minted.id, tenant_id: 'bench', user_id: users[k % 1000].id, name: '', secret_hash: minted.hash, hint: `iak_${minted.id}_…${minted.key.slice(-4)}`, created_at: at, last_used_at: at });
      if (batch.length === 1000) {
        await trx.insertInto('api_keys').values(batch).execute();
        batch = [];
      }
    }
  });
  return keys;
}

async function ratesSideBySide(fns, rounds = 5, ms = 400) {
  const seen = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [name, fn] of Object.entries(fns)) seen[name].push(await rate(fn, ms));
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, median(v)]));
}

function writeCsv(file, n) {
  const lines = ['email,firstName,lastName,roles,tenant'];
  for (let i = 0; i < n; i++) lines.push(`user${i}@bench.example,User${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) % 26))},Lovelace,viewer,acme`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** An initialized store (SQLite file or PostgreSQL URL) with tenants, signed in; returns its env. */
function initializedEnv(db) {
  const home = tempDir();
  const env = { ...process.env, IAMCTL_HOME: home, IAMCTL_DB: db ?? path.join(home, 'iamctl.db'), NO_COLOR: '1' };
  const node = process.execPath;
  const init = spawnSync(node, [bin, 'init', '--admin-email', 'root@example.com', '--admin-first-name', 'Root', '--admin-password-stdin'], { input: 'Bench-Root-Pass1\n', env });
  if (init.status !== 0) throw new Error(`bench: init failed: ${init.stderr}`);
  for (const slug of ['acme', 'globex', 'initech']) {
    const r = spawnSync(node, [bin, 'tenant', 'create', slug, '--name', slug], { env });
    if (r.status !== 0) throw new Error(`bench: tenant create failed: ${r.stderr}`);
  }
  const key = spawnSync(node, [bin, 'key', 'create', '--name', 'bench', '-o', 'json'], { env });
  if (key.status !== 0) throw new Error(`bench: key create failed: ${key.stderr}`);
  return { env, home, key: JSON.parse(String(key.stdout)).secret };
}

export async function run() {
  if (!baseUrl) {
    process.stderr.write('bench: postgres skipped (set IAMCTL_BENCH_PG_URL or IAMCTL_TEST_PG_URL)\n');
    return [];
  }
  const rows = [];
  const node = process.execPath;

  // In-process key verification.
  const keysDb = await scratchDatabase('iamctl_bench_keys');
  try {
    const store = await openStore(keysDb.url);
    try {
      await migrateToLatest(store);
      const keys = await seedKeys(store.db);
      const pick = () => keys[(Math.random() * keys.length) | 0];
      const client = new pg.Client({ connectionString: keysDb.url });
      await client.connect();
      try {
        const { library, plain } = await ratesSideBySide({
          library: async () => {
            const result = await verifyApiKey(store, pick().key);
            if (!result.valid) throw new Error(`bench: a valid key failed: ${result.reason}`);
          },
          plain: async () => {
            const k = pick();
            const { rows: found } = await client.query({ name: 'lookup', text: 'select secret_hash from api_keys where id = $1', values: [k.id] });
            if (!timingSafeEqual(createHash('sha256').update(k.secret).digest(), Buffer.from(found[0].secret_hash, 'hex'))) throw new Error('bench: hash mismatch');
          },
        });
        rows.push(
          { figure: 'verifyApiKey in-process (PostgreSQL, 100k keys)', value: library, unit: 'calls/s', comparedTo: 'pg lookup + SHA-256', ratio: library / plain, aim: '>= 25,000/s (SQLite aim)' },
          { figure: 'pg prepared lookup + SHA-256 + compare (same keys)', value: plain, unit: 'calls/s' },
        );
      } finally {
        await client.end();
      }
    } finally {
      await store.close();
    }
  } finally {
    await keysDb.drop();
  }

  // Whole processes: the same commands on both dialects, side by side.
  const cliDb = await scratchDatabase('iamctl_bench_cli');
  try {
    const onPg = initializedEnv(cliDb.url);
    const onSqlite = initializedEnv();
    const medians = sideBySide(
      {
        node: () => timeProcess(node, ['-e', '0'], { env: onPg.env }),
        listPg: () => timeProcess(node, [bin, 'tenant', 'list'], { env: onPg.env }),
        listSqlite: () => timeProcess(node, [bin, 'tenant', 'list'], { env: onSqlite.env }),
        verifyPg: () => timeProcess(node, [bin, 'key', 'verify'], { env: onPg.env, input: `${onPg.key}\n` }),
        verifySqlite: () => timeProcess(node, [bin, 'key', 'verify'], { env: onSqlite.env, input: `${onSqlite.key}\n` }),
      },
      15,
      2,
    );
    rows.push(
      { figure: '`iamctl tenant list` wall on PostgreSQL', value: medians.listPg, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.listPg / medians.node },
      { figure: '`iamctl tenant list` wall on SQLite (same run)', value: medians.listSqlite, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.listSqlite / medians.node },
      { figure: '`iamctl key verify` wall on PostgreSQL', value: medians.verifyPg, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.verifyPg / medians.node },
      { figure: '`iamctl key verify` wall on SQLite (same run)', value: medians.verifySqlite, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.verifySqlite / medians.node },
    );

    const csv = path.join(onSqlite.home, 'users.csv');
    writeCsv(csv, importRows);
    const pgImport = timeProcess(node, [bin, 'user', 'import', csv], { env: onPg.env });
    const sqliteImport = timeProcess(node, [bin, 'user', 'import', csv], { env: onSqlite.env });
    rows.push(
      { figure: `\`iamctl user import\` of ${importRows / 1000}k CSV rows on PostgreSQL (invited users)`, value: pgImport, unit: 'ms', comparedTo: 'the same on SQLite', ratio: pgImport / sqliteImport },
      { figure: `\`iamctl user import\` of ${importRows / 1000}k CSV rows on SQLite (same run)`, value: sqliteImport, unit: 'ms' },
    );
  } finally {
    await cliDb.drop();
  }
  return rows;
}

if (import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  console.table(await run());
}
