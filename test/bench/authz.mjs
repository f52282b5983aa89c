// Permission checks per second, in-process: our authorize() on a principal loaded once from a
// real store, beside node-casbin's enforce() for the same RBAC model (same roles, grants,
// inheritance and team memberships). Both must give the same answer to every question.
//
// The user: 3 roles held directly, 2 teams (each granting one more role), and inheritance two
// levels deep (flow-runner -> reader -> viewer). Run after `npm run build`:
//   node test/bench/authz.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lib = await import(pathToFileURL(path.join(root, 'dist/lib.js')).href);

const TENANT = 'bench-tenant';
const customRoles = {
  'flow-runner': { grants: ['flows:operate', 'schedules:operate'], inherits: ['reader'] },
  reader: { grants: ['webhooks:read', 'listeners:read'], inherits: ['viewer'] },
  auditor: { grants: ['audit:read', 'stats:read'], inherits: [] },
  'conn-operator': { grants: ['integrations:operator'], inherits: [] },
  'data-reader': { grants: ['data:viewer'], inherits: [] },
};
const directRoles = ['flow-runner', 'auditor', 'api-user'];
const teams = { ops: 'conn-operator', analytics: 'data-reader' };
const builtinIds = ['admin', 'editor', 'operator', 'viewer', 'api-user'];
const entities = ['connections', 'formats', 'flows', 'schedules', 'listeners', 'webhooks', 'data', 'messages',
  'users', 'invitations', 'roles', 'teams', 'api-keys', 'identity-providers', 'tenant-settings', 'audit', 'stats'];
const actions = ['create', 'read', 'update', 'delete', 'operate'];

/** A temp SQLite store holding the tenant, roles, teams and the user, written as iamctl stores them. */
async function seedStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamctl-bench-authz-'));
  const store = await lib.openStore(path.join(dir, 'bench.db'), { create: true });
  await lib.migrateToLatest(store);
  const at = new Date().toISOString();
  const db = store.db;
  await db.insertInto('tenants').values({ id: TENANT, slug: 'bench', name: 'Bench', email: null, color: null, status: 'active', kind: 'tenant', created_at: at, updated_at: at }).execute();
  const role = (id, builtin) => ({ tenant_id: TENANT, id, display_name: id, description: '', builtin, created_at: at, updated_at: at });
  await db.insertInto('roles').values([...builtinIds.map((id) => role(id, 1)), ...Object.keys(customRoles).map((id) => role(id, 0))]).execute();
  for (const [id, r] of Object.entries(customRoles)) {
    if (r.grants.length) await db.insertInto('role_permissions').values(r.grants.map((permission) => ({ tenant_id: TENANT, role_id: id, permission }))).execute();
    if (r.inherits.length) await db.insertInto('role_inherits').values(r.inherits.map((p) => ({ tenant_id: TENANT, role_id: id, inherits_role_id: p }))).execute();
  }
  await db.insertInto('users').values({
    id: 'bench-user', tenant_id: TENANT, email: 'bench@bench.example', email_lower: 'bench@bench.example', first_name: 'Bench', last_name: '',
    name_lower: 'bench', last_name_lower: '', status: 'active', password_hash: null, default_tenant_id: null, mfa_enabled: 0,
    created_at: at, updated_at: at, last_login_at: null, deleted_at: null,
  }).execute();
  await db.insertInto('role_assignments').values(directRoles.map((role_id) => ({ tenant_id: TENANT, user_id: 'bench-user', role_id, assigned_by: null, assigned_at: at }))).execute();
  for (const [name, roleId] of Object.entries(teams)) {
    await db.insertInto('teams').values({ tenant_id: TENANT, id: `team-${name}`, name, created_at: at, created_by: null }).execute();
    await db.insertInto('team_members').values({ tenant_id: TENANT, team_id: `team-${name}`, user_id: 'bench-user', added_by: null, added_at: at }).execute();
    await db.insertInto('team_roles').values({ tenant_id: TENANT, team_id: `team-${name}`, role_id: roleId, granted_by: null, granted_at: at }).execute();
  }
  return { store, cleanup: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** The same model in casbin: users and teams are subjects, g links user->role, user->team, team->role, role->parent. */
async function casbinEnforcer({ cached = false } = {}) {
  const { newCachedEnforcer, newEnforcer, newModelFromString } = await import('casbin');
  const model = newModelFromString(`
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = r.obj == p.obj && r.act == p.act && g(r.sub, p.sub)
`);
  // Cheap comparisons before g(): the order casbin's performance notes recommend.
  const enforcer = await (cached ? newCachedEnforcer : newEnforcer)(model);
  const own = (id) => (customRoles[id] ? customRoles[id].grants.flatMap((g) => lib.expandGrant(g)) : [...lib.builtinPermissions(id)]);
  for (const id of [...builtinIds, ...Object.keys(customRoles)]) {
    for (const permission of own(id)) {
      const [obj, act] = permission.split(':');
      await enforcer.addPolicy(`role:${id}`, obj, act);
    }
    for (const parent of customRoles[id]?.inherits ?? []) await enforcer.addGroupingPolicy(`role:${id}`, `role:${parent}`);
  }
  for (const id of directRoles) await enforcer.addGroupingPolicy('user:bench', `role:${id}`);
  for (const [name, roleId] of Object.entries(teams)) {
    await enforcer.addGroupingPolicy('user:bench', `team:${name}`);
    await enforcer.addGroupingPolicy(`team:${name}`, `role:${roleId}`);
  }
  return enforcer;
}

/** Checks per second: `check` over the question list for about `ms`, best of `rounds` medians. */
async function rate(check, questions, { ms = 400, rounds = 5 } = {}) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(ms) * 1_000_000n;
    let now = start;
    while (now < until) {
      for (let i = 0; i < questions.length; i++) await check(questions[i]);
      n += questions.length;
      now = process.hrtime.bigint();
    }
    results.push(n / (Number(now - start) / 1e9));
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)];
}

/** The same loop for synchronous checks (no await per call). */
function rateSync(check, questions, { ms = 400, rounds = 5 } = {}) {
  const results = [];
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(ms) * 1_000_000n;
    let now = start;
    while (now < until) {
      for (let i = 0; i < questions.length; i++) if (check(questions[i])) sink++;
      n += questions.length;
      now = process.hrtime.bigint();
    }
    results.push(n / (Number(now - start) / 1e9));
  }
  if (sink < 0) console.log(sink);
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)];
}

export async function run() {
  const { store, cleanup } = await seedStore();
  try {
    const loads = [];
    let principal;
    for (let i = 0; i < 20; i++) {
      const start = process.hrtime.bigint();
      principal = await lib.loadPrincipal(store.db, 'bench@bench.example');
      loads.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    loads.sort((a, b) => a - b);
    const enforcer = await casbinEnforcer();
    const questions = entities.flatMap((obj) => actions.map((act) => [obj, act]));
    // Both must agree on every question before their speed means anything.
    let allowed = 0;
    for (const [obj, act] of questions) {
      const ours = lib.authorize(principal, act, obj, TENANT).allowed;
      const theirs = await enforcer.enforce('user:bench', obj, act);
      if (ours !== theirs) throw new Error(`authorize and casbin disagree on ${obj}:${act}: ${ours} vs ${theirs}`);
      if (ours) allowed++;
    }
    const ours = rateSync(([obj, act]) => lib.authorize(principal, act, obj, TENANT).allowed, questions);
    const casbin = await rate(([obj, act]) => enforcer.enforce('user:bench', obj, act), questions);
    const casbinSync = rateSync(([obj, act]) => enforcer.enforceSync('user:bench', obj, act), questions);
    const cachedEnforcer = await casbinEnforcer({ cached: true });
    const casbinCached = await rate(([obj, act]) => cachedEnforcer.enforce('user:bench', obj, act), questions);
    const mix = `${questions.length} questions, ${allowed} allowed`;
    return [
      { figure: `authorize() checks/s (3 roles, 2 teams, 2 inheritance levels; ${mix})`, value: Math.round(ours), unit: 'checks/s' },
      { figure: 'node-casbin enforce() checks/s, same RBAC model', value: Math.round(casbin), unit: 'checks/s' },
      { figure: 'authorize() vs node-casbin enforce()', value: +(ours / casbin).toFixed(1), unit: 'x', comparedTo: 'node-casbin enforce()', ratio: +(ours / casbin).toFixed(1), aim: '>= 10x' },
      { figure: 'node-casbin enforceSync() checks/s (no promise per check)', value: Math.round(casbinSync), unit: 'checks/s' },
      { figure: 'authorize() vs node-casbin enforceSync()', value: +(ours / casbinSync).toFixed(1), unit: 'x', comparedTo: 'node-casbin enforceSync()', ratio: +(ours / casbinSync).toFixed(1) },
      { figure: 'node-casbin CachedEnforcer enforce() checks/s (answers memoized per request)', value: Math.round(casbinCached), unit: 'checks/s' },
      { figure: 'authorize() vs node-casbin CachedEnforcer enforce()', value: +(ours / casbinCached).toFixed(1), unit: 'x', comparedTo: 'node-casbin CachedEnforcer', ratio: +(ours / casbinCached).toFixed(1) },
      { figure: 'loading a principal (user, settings, roles, teams, role graph), median', value: +loads[Math.floor(loads.length / 2)].toFixed(2), unit: 'ms' },
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
