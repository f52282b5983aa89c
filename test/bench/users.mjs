// User search and listing (SPEC §8; issue "Users"). A tenant of 100k users, then 1M, created
// through the core's own insert path (newUserRow + insertUser: the users row, its role, its
// audit event and the search triggers), in transactions of 10,000 users, without passwords.
// Measured (medians):
// - in-process `listUsers`: the plain first page, and searches: a rare term (a fragment of one
//   surname: the trigram index), a 2-character prefix, and a term every user matches;
// - whole-process `iamctl user list --search <rare>` against `iamctl user list`, at 100k.
// Aims: search within 1.2x of the plain first page at 100k; in-process search under 2 ms at 1M
// (a full scan takes about 200 ms there: also measured, as a LIKE over every row).
// PostgreSQL: with IAMCTL_BENCH_PG_URL (or IAMCTL_TEST_PG_URL) the same at
// IAMCTL_BENCH_USERS_PG_ROWS users (default 100000) in a scratch database, dropped after.
// Sizes: IAMCTL_BENCH_USERS_ROWS (100000), IAMCTL_BENCH_USERS_BIG_ROWS (1000000).
import { build } from 'esbuild';
import { sql } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { bin, median, root, sideBySide, tempDir, timeProcess } from './lib.mjs';

const rows = Number(process.env.IAMCTL_BENCH_USERS_ROWS ?? 100_000);
const bigRows = Number(process.env.IAMCTL_BENCH_USERS_BIG_ROWS ?? 1_000_000);
const pgUrl = process.env.IAMCTL_BENCH_PG_URL ?? process.env.IAMCTL_TEST_PG_URL;
const pgRows = Number(process.env.IAMCTL_BENCH_USERS_PG_ROWS ?? 100_000);
const batch = 10_000;
const password = 'Bench-Admin-Pass1';

/** The core functions the bench drives, bundled from src (the library does not export inserts). */
async function loadCore() {
  const dir = path.join(root, 'dist', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, 'users-core.ts');
  fs.writeFileSync(
    entry,
    [
      "export { openStore } from '../../src/store/db.js';",
      "export { newUserRow, insertUser } from '../../src/core/users.js';",
      "export { listUsers } from '../../src/core/user-queries.js';",
    ].join('\n'),
  );
  const outfile = path.join(dir, 'users-core.mjs');
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node22', packages: 'external', logLevel: 'warning' });
  return import(outfile);
}

// Names from syllables: ~1,000 first names, surnames nearly unique per user (7-9 letters).
const syllables = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'el', 'dri', 'no', 'sa', 'qui', 'ber', 'to', 'lan', 'fe', 'zu', 'mar', 'ic', 'pe', 'gor', 'hu', 'win', 'de', 'ost'];
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const pick = (r, list) => list[Math.floor(r() * list.length)];
function person(i, r) {
  const first = pick(r, syllables) + pick(r, syllables) + pick(r, ['a', 'o', 'e', 'in', 'us']);
  const last = pick(r, syllables) + pick(r, syllables) + pick(r, syllables) + pick(r, syllables);
  const firstName = first[0].toUpperCase() + first.slice(1);
  const lastName = last[0].toUpperCase() + last.slice(1);
  return { firstName, lastName, email: `${first}.${last}.${i}@bench.example` };
}

/** Users `from`..`to`-1 in the tenant, through the core, `batch` per transaction. */
async function createUsers(core, store, tenantId, from, to) {
  const r = rng(from + 1);
  const at = new Date().toISOString();
  for (let start = from; start < to; start += batch) {
    await store.write(async (trx) => {
      for (let i = start; i < Math.min(to, start + batch); i++) {
        const p = person(i, r);
        const row = core.newUserRow({ tenantId, email: p.email, firstName: p.firstName, lastName: p.lastName, passwordHash: null, at });
        await core.insertUser(trx, row, { roles: ['viewer'], teams: [], actorId: null, at });
      }
    });
  }
}

function cliRun(env, args, input = '') {
  const result = spawnSync(process.execPath, [bin, ...args], { env, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench: iamctl ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** A store with a super admin signed in and the tenant `bench`; returns the env and tenant id. */
function initStore(home, db) {
  const env = { ...process.env, IAMCTL_HOME: home, IAMCTL_DB: db, NO_COLOR: '1' };
  cliRun(env, ['init', '--admin-email', 'root@bench.example', '--admin-first-name', 'Root', '--admin-password-stdin'], `${password}\n`);
  cliRun(env, ['tenant', 'create', 'bench', '--name', 'Bench']);
  return env;
}

async function timeMs(fn, runs) {
  for (let i = 0; i < 3; i++) await fn(i);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Rare terms: 6-letter fragments of surnames of users spread over the tenant (each matches a few users). */
async function rareTerms(store, tenantId, n) {
  const sample = await store.db.selectFrom('users').select(['last_name']).where('tenant_id', '=', tenantId).where('email', 'like', '%@bench.example')
    .orderBy('rid').limit(n * 97).execute();
  return sample.filter((_, i) => i % 97 === 0).map((u) => u.last_name.toLowerCase().slice(1, 7));
}

/** In-process figures at the current size; `label` names the size and dialect. */
async function inProcess(core, store, tenantId, label, runs) {
  const deps = { store, now: () => new Date() };
  const terms = await rareTerms(store, tenantId, 20);
  const list = (options) => core.listUsers(deps, { tenantId, limit: 50, ...options });
  const check = (page, what) => {
    if (page.items.length === 0) throw new Error(`bench: ${what} found nobody`);
    return page;
  };
  const plain = await timeMs(async () => check(await list({}), 'the first page'), runs);
  const rare = await timeMs(async (i) => check(await list({ search: terms[i % terms.length] }), `search ${terms[i % terms.length]}`), runs);
  const matches = (await list({ search: terms[0], limit: 1000 })).items.length;
  const prefix = await timeMs(async (i) => check(await list({ search: ['ka', 'mi', 'lo', 'sa'][i % 4] }), 'a prefix search'), runs);
  const common = await timeMs(async () => check(await list({ search: 'bench.example' }), 'a common term'), runs);
  const scan = await timeMs(async (i) => {
    const term = `%${terms[i % terms.length]}%`;
    await store.db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where((eb) => eb.or([eb('email_lower', 'like', term), eb('name_lower', 'like', term)])).execute();
  }, Math.max(5, Math.floor(runs / 5)));
  return {
    terms,
    rows: [
      { figure: `listUsers first page, no search (${label})`, value: plain, unit: 'ms' },
      { figure: `listUsers --search <6-letter surname fragment, ~${matches} matches> (${label})`, value: rare, unit: 'ms', comparedTo: 'first page, no search', ratio: rare / plain, aim: label.startsWith('1M') ? '< 2 ms' : undefined },
      { figure: `listUsers --search <2-letter prefix> (${label})`, value: prefix, unit: 'ms', comparedTo: 'first page, no search', ratio: prefix / plain },
      { figure: `listUsers --search bench.example (every user matches; ${label})`, value: common, unit: 'ms', comparedTo: 'first page, no search', ratio: common / plain },
      { figure: `full scan: LIKE '%term%' over every user (${label})`, value: scan, unit: 'ms', comparedTo: 'indexed search', ratio: scan / rare },
    ],
  };
}

function wholeProcess(env, term, label, rounds) {
  const medians = sideBySide({
    plain: () => timeProcess(process.execPath, [bin, 'user', 'list', '--tenant', 'bench'], { env }),
    search: () => timeProcess(process.execPath, [bin, 'user', 'list', '--tenant', 'bench', '--search', term], { env }),
  }, rounds, 2);
  return [
    { figure: `\`iamctl user list\` wall (${label})`, value: medians.plain, unit: 'ms' },
    { figure: `\`iamctl user list --search ${term}\` wall (${label})`, value: medians.search, unit: 'ms', comparedTo: '`iamctl user list`', ratio: medians.search / medians.plain, aim: '<= 1.2x' },
  ];
}

async function tenantIdOf(store) {
  return (await store.db.selectFrom('tenants').select('id').where('slug', '=', 'bench').executeTakeFirstOrThrow()).id;
}

async function sqliteRun(core) {
  const home = tempDir();
  const file = path.join(home, 'iamctl.db');
  const out = [];
  try {
    const env = initStore(home, file);
    const store = await core.openStore(file);
    try {
      const tenantId = await tenantIdOf(store);
      let start = performance.now();
      await createUsers(core, store, tenantId, 0, rows);
      out.push({ figure: `create ${rows.toLocaleString('en')} users through the core (SQLite, ${batch} a transaction)`, value: performance.now() - start, unit: 'ms' });
      const small = await inProcess(core, store, tenantId, `${rows / 1000}k, SQLite`, 60);
      out.push(...small.rows);
      out.push(...wholeProcess(env, small.terms[0], `${rows / 1000}k, SQLite`, 15));
      start = performance.now();
      await createUsers(core, store, tenantId, rows, bigRows);
      out.push({ figure: `create ${(bigRows - rows).toLocaleString('en')} more users through the core (SQLite)`, value: performance.now() - start, unit: 'ms' });
      out.push(...(await inProcess(core, store, tenantId, `${bigRows / 1_000_000}M, SQLite`, 60)).rows);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  return out;
}

async function postgresRun(core) {
  const { default: pg } = await import('pg');
  const name = `iamctl_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const home = tempDir();
  const out = [];
  try {
    const env = initStore(home, url.toString());
    const store = await core.openStore(url.toString());
    try {
      const tenantId = await tenantIdOf(store);
      const start = performance.now();
      await createUsers(core, store, tenantId, 0, pgRows);
      out.push({ figure: `create ${pgRows.toLocaleString('en')} users through the core (PostgreSQL)`, value: performance.now() - start, unit: 'ms' });
      await sql`analyze users`.execute(store.db);
      const label = `${pgRows / 1000}k, PostgreSQL`;
      const measured = await inProcess(core, store, tenantId, label, 40);
      out.push(...measured.rows);
      out.push(...wholeProcess(env, measured.terms[0], label, 10));
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
  return out;
}

export async function run() {
  const core = await loadCore();
  const out = await sqliteRun(core);
  if (pgUrl) out.push(...(await postgresRun(core)));
  return out;
}

if (import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  console.table(await run());
}
