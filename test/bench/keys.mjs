// API key verification, the platform's hot path (SPEC §8, §9):
// - verifyApiKey calls per second in-process on an SQLite store with 100,000 keys (random valid
//   keys), beside a plain better-sqlite3 lookup + SHA-256 + constant-time compare of the same
//   keys; also the query-builder path (what PostgreSQL runs) and calls that must write `last used`;
// - whole-process `iamctl key verify` (valid key on stdin) against bare `node -e 0`.
// Aims: >= 25,000 verifications/s in-process; the whole process within 1.6x of bare node.
import { spawnSync } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { migrateToLatest, openStore, parseKey, verifyApiKey } from 'iamctl';
import { bin, median, rate, sideBySide, tempDir, timeProcess, mintKey } from './lib.mjs';

const keyCount = 100_000;
const userCount = 1_000;


/** Calls per second of each function, measured in alternating short rounds (medians), so a
 * noisy machine weighs on all of them alike. */
async function ratesSideBySide(fns, rounds = 7, ms = 400) {
  const seen = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [name, fn] of Object.entries(fns)) seen[name].push(await rate(fn, ms));
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, median(v)]));
}

/** One tenant, 1,000 viewers, 100 keys each, written straight to the store in one transaction. */
function seed(raw) {
  const at = new Date().toISOString();
  const keys = [];
  raw.transaction(() => {
    raw.prepare("insert into tenants (id, slug, name, status, kind, created_at, updated_at) values ('bench', 'bench', 'Bench', 'active', 'tenant', ?, ?)").run(at, at);
    raw.prepare("insert into roles (tenant_id, id, display_name, description, builtin, created_at, updated_at) values ('bench', 'viewer', 'Viewer', '', 1, ?, ?)").run(at, at);
    const user = raw.prepare(
      `insert into users (id, tenant_id, email, email_lower, first_name, last_name, name_lower, last_name_lower, status, mfa_enabled, created_at, updated_at)
       values (?, 'bench', ?, ?, 'Bench', 'User', 'bench user', 'user', 'active', 0, ?, ?)`,
    );
    const role = raw.prepare("insert into role_assignments (tenant_id, user_id, role_id, assigned_at) values ('bench', ?, 'viewer', ?)");
    const key = raw.prepare(
      "insert into api_keys (id, tenant_id, user_id, name, secret_hash, hint, created_at) values (?, 'bench', ?, '', ?, ?, ?)",
    );
    for (let u = 0; u < userCount; u++) {
      const userId = `benchuser${String(u).padStart(6, '0')}`;
      user.run(userId, `user${u}@bench.example`, `user${u}@bench.example`, at, at);
      role.run(userId, at);
      for (let k = 0; k < keyCount / userCount; k++) {
        const minted = mintKey();
        key.run(minted.id, userId, minted.hash, `iak_${minted.id}_…${minted.key.slice(-4)}`, at);
        keys.push(minted);
      }
    }
  })();
  for (const k of keys.slice(0, 1000)) if (!parseKey(k.key).ok) throw new Error('bench: minted a key the library does not parse');
  return keys;
}

export async function run() {
  const home = tempDir();
  const file = path.join(home, 'iamctl.db');
  const store = await openStore(file, { create: true });
  const rows = [];
  try {
    await migrateToLatest(store);
    const raw = store.sqlite;
    const keys = seed(raw);
    const pick = () => keys[(Math.random() * keys.length) | 0];
    // Steady state: every key was used within the minute, so verification writes nothing.
    const usedNow = () => raw.prepare('update api_keys set last_used_at = ?').run(new Date().toISOString());

    const check = (result) => {
      if (!result.valid) throw new Error(`bench: a valid key failed: ${result.reason}`);
    };
    usedNow();
    const lookup = raw.prepare('select secret_hash from api_keys where id = ?');
    const builderStore = { ...store, sqlite: undefined };
    const rates = await ratesSideBySide({
      library: async () => check(await verifyApiKey(store, pick().key)),
      plain: async () => {
        const k = pick();
        const row = lookup.get(k.key.slice(4, 16));
        const ok = timingSafeEqual(createHash('sha256').update(k.key.slice(17, 60)).digest(), Buffer.from(row.secret_hash, 'hex'));
        if (!ok) throw new Error('bench: hash mismatch');
      },
      builder: async () => check(await verifyApiKey(builderStore, pick().key)),
    });
    const { library, plain, builder } = rates;

    raw.prepare('update api_keys set last_used_at = null').run();
    let next = 0;
    const firstUse = await rate(async () => check(await verifyApiKey(store, keys[next++].key)), 1000);

    rows.push(
      { figure: 'verifyApiKey in-process (SQLite, 100k keys, random valid keys)', value: library, unit: 'calls/s', comparedTo: 'better-sqlite3 lookup + SHA-256', ratio: library / plain, aim: '>= 25,000/s' },
      { figure: 'better-sqlite3 lookup + SHA-256 + compare (same keys)', value: plain, unit: 'calls/s' },
      { figure: 'verifyApiKey through the query builder (the PostgreSQL path, run on SQLite)', value: builder, unit: 'calls/s', comparedTo: 'verifyApiKey (prepared statement)', ratio: builder / library },
      { figure: "verifyApiKey, each call a key's first use this minute (writes last used)", value: firstUse, unit: 'calls/s' },
    );

    const key = pick().key;
    const env = { ...process.env, IAMCTL_HOME: home, IAMCTL_DB: file, NO_COLOR: '1' };
    const node = process.execPath;
    const sanity = spawnSync(node, [bin, 'key', 'verify', '-o', 'json'], { input: `${key}\n`, env });
    if (sanity.status !== 0) throw new Error(`bench: iamctl key verify exited ${sanity.status}: ${sanity.stderr}`);
    const medians = sideBySide({
      node: () => timeProcess(node, ['-e', '0'], { env }),
      verify: () => timeProcess(node, [bin, 'key', 'verify'], { env, input: `${key}\n` }),
      full: () => timeProcess(node, [bin, 'key', 'verify', '--debug'], { env, input: `${key}\n` }),
    });
    rows.push(
      { figure: '`node -e 0` wall', value: medians.node, unit: 'ms' },
      { figure: '`iamctl key verify` wall (valid key, 100k-key store)', value: medians.verify, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.verify / medians.node, aim: '<= 1.6x' },
      { figure: '`iamctl key verify --debug` wall (the full CLI path)', value: medians.full, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.full / medians.node },
    );
  } finally {
    await store.close();
  }
  return rows;
}

if (import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  console.table(await run());
}
