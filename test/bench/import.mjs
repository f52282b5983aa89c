// Bulk import. (1) Whole-process `iamctl user import` of 100k CSV rows beside a raw
// better-sqlite3 prepared-insert loop into the same tables (users and role_assignments, with
// the same indexes and search triggers, one transaction), both on copies of one initialized
// store, run side by side. Aim: within 2.5x. (2) Peak RSS of a 100k-row and a 1M-row import
// (maxRSS of the process): aim under 200 MB and flat in the row count.
// Rows: IAMCTL_BENCH_IMPORT_ROWS (100000), IAMCTL_BENCH_IMPORT_BIG_ROWS (1000000); rounds:
// IAMCTL_BENCH_IMPORT_ROUNDS (3).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bin, root, sideBySide, tempDir, timeProcess } from './lib.mjs';

const rows = Number(process.env.IAMCTL_BENCH_IMPORT_ROWS ?? 100_000);
const bigRows = Number(process.env.IAMCTL_BENCH_IMPORT_BIG_ROWS ?? 1_000_000);
const rounds = Number(process.env.IAMCTL_BENCH_IMPORT_ROUNDS ?? 3);
// A bcrypt hash has no comma, so the raw loop can split lines naively.
const hash = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';

async function writeCsv(file, n) {
  const out = fs.createWriteStream(file);
  out.write('email,firstName,lastName,roles,teams,tenant,passwordHash\n');
  for (let i = 0; i < n; i++) {
    const line = `user${i}@bench.example,User${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) % 26))},Lovelace,viewer,,acme,${hash}\n`;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

// The baseline: read the same file line by line, one prepared INSERT per row into each table.
const rawLoop = `
import Database from ${JSON.stringify(path.join(root, 'node_modules/better-sqlite3/lib/index.js'))};
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
const [file, csv] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma('foreign_keys = ON');
const tenants = new Map(db.prepare('select slug, id from tenants').all().map((t) => [t.slug, t.id]));
const user = db.prepare('insert into users (id, tenant_id, email, email_lower, first_name, last_name, name_lower, last_name_lower, status, password_hash, default_tenant_id, mfa_enabled, created_at, updated_at, last_login_at, deleted_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
const role = db.prepare('insert into role_assignments (tenant_id, user_id, role_id, assigned_by, assigned_at) values (?,?,?,?,?)');
const lines = [];
for await (const line of readline.createInterface({ input: fs.createReadStream(csv) })) lines.push(line);
const at = new Date().toISOString();
db.transaction(() => {
  for (const line of lines.slice(1)) {
    const [email, first, last, roles, , tenant, hash] = line.split(',');
    const id = randomBytes(10).toString('hex');
    const tenantId = tenants.get(tenant);
    user.run(id, tenantId, email, email.toLowerCase(), first, last, (first + ' ' + last).toLowerCase(), last.toLowerCase(), 'active', hash, null, 0, at, at, null, null);
    role.run(tenantId, id, roles, null, at);
  }
})();
db.close();
`;

// Runs iamctl and reports the process's peak resident set (KiB) when it exits.
const rssWrapper = `
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
const [out, bin, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], bin, ...args];
process.on('exit', () => fs.writeFileSync(out, String(process.resourceUsage().maxRSS)));
await import(pathToFileURL(bin).href);
`;

export async function run() {
  const dir = tempDir('iamctl-bench-import-');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  const env = { ...process.env, IAMCTL_HOME: home, NO_COLOR: '1' };
  const init = spawnSync(process.execPath, [bin, 'init', '--admin-email', 'root@example.com', '--admin-first-name', 'Root', '--admin-password-stdin'], { input: 'Bench-Root-Pass1\n', env });
  if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
  if (spawnSync(process.execPath, [bin, 'tenant', 'create', 'acme', '--name', 'Acme'], { env }).status !== 0) throw new Error('tenant create failed');
  const store = path.join(home, 'iamctl.db');
  const template = path.join(dir, 'template.db');
  fs.copyFileSync(store, template);
  const rawStore = path.join(dir, 'raw.db');
  const rawScript = path.join(dir, 'raw-loop.mjs');
  const wrapper = path.join(dir, 'rss.mjs');
  fs.writeFileSync(rawScript, rawLoop);
  fs.writeFileSync(wrapper, rssWrapper);
  const csv = path.join(dir, 'users.csv');
  await writeCsv(csv, rows);

  // The same path each time, so the signed-in session in the context file stays valid.
  const reset = (file) => {
    for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    fs.copyFileSync(template, file);
  };
  const medians = sideBySide(
    {
      raw: () => (reset(rawStore), timeProcess(process.execPath, [rawScript, rawStore, csv])),
      iamctl: () => (reset(store), timeProcess(process.execPath, [bin, 'user', 'import', csv], { env })),
    },
    rounds,
    0,
  );

  const peakRss = (file, n) => {
    reset(store);
    const out = path.join(dir, `rss-${n}`);
    const result = spawnSync(process.execPath, [wrapper, out, bin, 'user', 'import', file], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`import of ${n} rows failed: ${result.stderr}`);
    return Number(fs.readFileSync(out, 'utf8')) / 1024;
  };
  const rssSmall = peakRss(csv, rows);
  const big = path.join(dir, 'big.csv');
  await writeCsv(big, bigRows);
  const bigStart = performance.now();
  const rssBig = peakRss(big, bigRows);
  const bigMs = performance.now() - bigStart;
  fs.rmSync(dir, { recursive: true, force: true });

  const k = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  return [
    { figure: `raw better-sqlite3 insert loop, ${k(rows)} rows (whole process)`, value: medians.raw, unit: 'ms' },
    { figure: `\`iamctl user import\` ${k(rows)} CSV rows (whole process)`, value: medians.iamctl, unit: 'ms', comparedTo: 'raw insert loop', ratio: medians.iamctl / medians.raw, aim: '<= 2.5x' },
    { figure: `\`iamctl user import\` rate`, value: (rows * 1000) / medians.iamctl, unit: 'rows/s' },
    { figure: `peak RSS, import of ${k(rows)} rows`, value: rssSmall, unit: 'MB', aim: '< 200 MB' },
    { figure: `peak RSS, import of ${k(bigRows)} rows`, value: rssBig, unit: 'MB', comparedTo: `${k(rows)} rows`, ratio: rssBig / rssSmall, aim: '< 200 MB, flat' },
    { figure: `\`iamctl user import\` ${k(bigRows)} rows (once)`, value: bigMs, unit: 'ms' },
  ];
}

if (import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  console.table(await run());
}
