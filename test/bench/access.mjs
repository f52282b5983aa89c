// Resource-scoped decisions, in-process: authorize() with a path for a user holding 50 grants
// (30 own, 20 through 3 teams) over folders up to 5 deep, asked about 6-level paths. Beside it:
// the same user's checks without a path (roles only), and a straightforward scan of all 50
// grants per question (both must give the same answer to every question first). Also what
// loading the grants adds to building a principal (one more query, once per command).
// Run after `npm run build`:  node test/bench/access.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lib = await import(pathToFileURL(path.join(root, 'dist/lib.js')).href);

const TENANT = 'bench-tenant';
const USER = 'bench-user';
const teams = ['t0', 't1', 't2'];
const levels = ['viewer', 'operator', 'manager', 'none', 'viewer'];
const actions = ['create', 'read', 'update', 'delete', 'operate'];

/** 10 branches x 5 depths = 50 grants: /area3, /area3/s2, ..., /area3/s2/s3/s4/s5 (flows; the last two branches on connections). */
function grantPlan() {
  const grants = [];
  for (let branch = 0; branch < 10; branch++) {
    const entity = branch < 8 ? 'flows' : 'connections';
    for (let depth = 1; depth <= 5; depth++) {
      const segments = [`area${branch}`, 's2', 's3', 's4', 's5'].slice(0, depth);
      const n = grants.length;
      const team = n % 5 >= 3 ? teams[n % 3] : null; // 3 of every 5 are the user's own: 30 own, 20 team
      grants.push({ entity, path: `/${segments.join('/')}`, level: levels[(branch + depth) % levels.length], team });
    }
  }
  return grants;
}

/** 6-level questions that are decided at every depth, and outside every grant (roles decide). */
function questions() {
  const paths = [];
  for (let branch = 0; branch < 10; branch++) {
    const full = [`area${branch}`, 's2', 's3', 's4', 's5', 'item'];
    for (let keep = 0; keep <= 5; keep++) {
      const segments = full.map((s, i) => (i < keep || i === 5 ? s : `x${i}`));
      paths.push([branch < 8 ? 'flows' : 'connections', `/${segments.join('/')}`]);
    }
  }
  return paths.flatMap(([entity, p]) => actions.map((action) => [action, entity, p]));
}

async function seedStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamctl-bench-access-'));
  const store = await lib.openStore(path.join(dir, 'bench.db'), { create: true });
  await lib.migrateToLatest(store);
  const db = store.db;
  const at = new Date().toISOString();
  await db.insertInto('tenants').values({ id: TENANT, slug: 'bench', name: 'Bench', email: null, color: null, status: 'active', kind: 'tenant', created_at: at, updated_at: at }).execute();
  await db.insertInto('roles').values(['admin', 'editor', 'operator', 'viewer', 'api-user'].map((id) => ({ tenant_id: TENANT, id, display_name: id, description: '', builtin: 1, created_at: at, updated_at: at }))).execute();
  // The bench user, and a plain one with the same role and no grants at all.
  for (const [id, email] of [[USER, 'bench@bench.example'], ['plain-user', 'plain@bench.example']]) {
    await db.insertInto('users').values({
      id, tenant_id: TENANT, email, email_lower: email, first_name: 'Bench', last_name: '',
      name_lower: 'bench', last_name_lower: '', status: 'active', password_hash: null, default_tenant_id: null, mfa_enabled: 0,
      created_at: at, updated_at: at, last_login_at: null, deleted_at: null,
    }).execute();
    await db.insertInto('role_assignments').values({ tenant_id: TENANT, user_id: id, role_id: 'operator', assigned_by: null, assigned_at: at }).execute();
  }
  for (const team of teams) {
    await db.insertInto('teams').values({ tenant_id: TENANT, id: `team-${team}`, name: team, created_at: at, created_by: null }).execute();
    await db.insertInto('team_members').values({ tenant_id: TENANT, team_id: `team-${team}`, user_id: USER, added_by: null, added_at: at }).execute();
  }
  await db.insertInto('resource_grants').values(grantPlan().map((g, i) => ({
    tenant_id: TENANT, id: `grant-${i}`, subject: g.team ? `team:team-${g.team}` : `user:${USER}`, user_id: g.team ? null : USER,
    team_id: g.team ? `team-${g.team}` : null, entity: g.entity, path: g.path, role_id: null, level: g.level, created_by: null, created_at: at,
  }))).execute();
  return { store, cleanup: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** The rules written out plainly: every grant looked at for every question. */
function naiveDecision(principal, grants, action, entity, p) {
  let depth = -1;
  let deciding = [];
  for (const g of grants) {
    if (g.entity !== entity) continue;
    if (!(g.path === '/' || p === g.path || p.startsWith(`${g.path}/`))) continue;
    const d = g.path === '/' ? 0 : g.path.split('/').length - 1;
    if (d > depth) {
      depth = d;
      deciding = [g];
    } else if (d === depth) deciding.push(g);
  }
  if (depth < 0) return principal.access.permissions.has(`${entity}:${action}`);
  if (deciding.some((g) => g.level === 'none')) return false;
  return deciding.some((g) => g.actions.includes(action));
}

function rateSync(check, list, { ms = 400, rounds = 5 } = {}) {
  const results = [];
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(ms) * 1_000_000n;
    let now = start;
    while (now < until) {
      for (let i = 0; i < list.length; i++) if (check(list[i])) sink++;
      n += list.length;
      now = process.hrtime.bigint();
    }
    results.push(n / (Number(now - start) / 1e9));
  }
  if (sink < 0) console.log(sink);
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)];
}

async function loadTimes(db, rounds = 30, email = 'bench@bench.example') {
  const times = [];
  let principal;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    principal = await lib.loadPrincipal(db, email);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], principal };
}

async function setEdition(db, value) {
  await db.deleteFrom('tenant_settings').where('tenant_id', '=', 'main').where('key', '=', 'edition.rbac').execute();
  if (value) await db.insertInto('tenant_settings').values({ tenant_id: 'main', key: 'edition.rbac', value: JSON.stringify(value), updated_at: new Date().toISOString(), updated_by: null }).execute();
}

export async function run() {
  const { store, cleanup } = await seedStore();
  try {
    await loadTimes(store.db, 5); // warm-up
    const withGrants = await loadTimes(store.db);
    const principal = withGrants.principal;
    const grants = principal.resourceGrants?.grants ?? [];
    if (grants.length !== 50) throw new Error(`expected 50 grants on the principal, got ${grants.length}`);
    const plain = await loadTimes(store.db, 30, 'plain@bench.example');
    // Without the grant query: edition.rbac=basic loads the same roles and teams, and no grants.
    await setEdition(store.db, 'basic');
    const withoutGrants = await loadTimes(store.db);
    const plainWithout = await loadTimes(store.db, 30, 'plain@bench.example');
    await setEdition(store.db, null);

    const list = questions();
    let allowed = 0;
    let byGrant = 0;
    for (const [action, entity, p] of list) {
      const decision = lib.authorize(principal, action, entity, TENANT, p);
      const naive = naiveDecision(principal, grants, action, entity, p);
      if (decision.allowed !== naive) throw new Error(`authorize and the plain scan disagree on ${action} ${entity}:${p}: ${decision.allowed} vs ${naive}`);
      if (decision.allowed) allowed++;
      if (decision.grants) byGrant++;
    }
    const scoped = rateSync(([action, entity, p]) => lib.authorize(principal, action, entity, TENANT, p).allowed, list);
    const rolesOnly = rateSync(([action, entity]) => lib.authorize(principal, action, entity, TENANT).allowed, list);
    const naive = rateSync(([action, entity, p]) => naiveDecision(principal, grants, action, entity, p), list);
    const mix = `${list.length} questions on 6-level paths, ${byGrant} decided by a grant, ${allowed} allowed`;
    const nsPerDecision = 1e9 / scoped;
    return [
      { figure: `authorize() with a path, 50 grants (30 own, 20 via 3 teams), 5 folder levels (${mix})`, value: Math.round(scoped), unit: 'checks/s' },
      { figure: 'time per resource decision', value: Math.round(nsPerDecision), unit: 'ns', aim: 'a few µs (< 5000 ns)' },
      { figure: 'authorize() without a path (tenant-wide roles only), same user', value: Math.round(rolesOnly), unit: 'checks/s' },
      { figure: 'scanning all 50 grants per question (the rules written plainly)', value: Math.round(naive), unit: 'checks/s' },
      { figure: 'authorize() with a path vs the plain scan', value: +(scoped / naive).toFixed(1), unit: 'x', comparedTo: 'plain scan', ratio: +(scoped / naive).toFixed(1) },
      { figure: 'loading a principal with its 50 grants (user, settings, roles, teams, role graph, grants), median', value: +withGrants.median.toFixed(2), unit: 'ms' },
      { figure: 'loading the same principal without the grant query (edition.rbac=basic), median', value: +withoutGrants.median.toFixed(2), unit: 'ms', comparedTo: 'with grants', ratio: +(withGrants.median / withoutGrants.median).toFixed(2) },
      { figure: 'loading a principal that has no grants (the query finds none), median', value: +plain.median.toFixed(2), unit: 'ms' },
      { figure: 'loading that principal without the grant query, median', value: +plainWithout.median.toFixed(2), unit: 'ms', comparedTo: 'with the query', ratio: +(plain.median / plainWithout.median).toFixed(2) },
    ];
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const row of await run()) {
    const extra = row.aim ? `  (aim ${row.aim})` : '';
    console.log(`${row.figure}: ${row.value.toLocaleString('en')} ${row.unit}${extra}`);
  }
}
