// `npm run bench`: runs every benchmark module in this folder (each exports `run()` returning
// rows), prints one table of medians and ratios measured in this run, and writes RESULTS.md
// with the machine and the date. Select modules with: npm run bench -- startup keys
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt } from './lib.mjs';

const here = import.meta.dirname;
const order = ['startup', 'users', 'import', 'keys', 'authz', 'access', 'postgres'];
const available = fs.readdirSync(here).filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(f)).map((f) => f.slice(0, -4));
const wanted = process.argv.slice(2);
const modules = [...order.filter((m) => available.includes(m)), ...available.filter((m) => !order.includes(m))].filter((m) => wanted.length === 0 || wanted.includes(m));

const rows = [];
for (const name of modules) {
  process.stderr.write(`bench: ${name}...\n`);
  const { run } = await import(path.join(here, `${name}.mjs`));
  for (const row of await run()) rows.push({ bench: name, ...row });
}

const resultsFile = path.join(here, 'RESULTS.md');
const line = (r) => `| ${r.bench} | ${r.figure} | ${fmt(r.value, r.unit === 'ms' ? 2 : 0)} ${r.unit} | ${r.comparedTo ?? ''} | ${r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}x`} | ${r.aim ?? ''} |`;
const header = ['| bench | figure | value | compared to | ratio | aim |', '|---|---|---|---|---|---|'];
const table = [...header, ...rows.map(line)].join('\n');
const cpus = os.cpus();
const machine = `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
process.stdout.write(`${table}\n\n${machine}\n`);
const when = new Date().toISOString();
if (wanted.length === 0) {
  const results = `# Benchmark results\n\nMeasured ${when} on ${machine}.\n\nEvery ratio compares two figures measured side by side in the same run. Regenerate with \`npm run bench\`.\n\n${table}\n`;
  fs.writeFileSync(resultsFile, results);
  process.stderr.write('bench: wrote test/bench/RESULTS.md\n');
} else if (process.env.IAMCTL_BENCH_UPDATE === '1' && fs.existsSync(resultsFile)) {
  // Re-measure some modules and replace only their rows (their ratios are still side by side).
  const old = fs.readFileSync(resultsFile, 'utf8');
  const kept = old.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| bench ') && !modules.some((m) => l.startsWith(`| ${m} |`)));
  const byOrder = (l) => order.indexOf(l.slice(2, l.indexOf(' |', 2)));
  const merged = [...kept, ...rows.map(line)].sort((a, b) => byOrder(a) - byOrder(b));
  const note = `\n\nModules ${modules.join(', ')} re-measured ${when} (IAMCTL_BENCH_UPDATE=1).`;
  const text = old.replace(/\| bench \|[\s\S]*$/, `${[...header, ...merged].join('\n')}\n`).replace(/(Regenerate with `npm run bench`\.)(\n\nModules [^\n]*)?/, `$1${note}`);
  fs.writeFileSync(resultsFile, text);
  process.stderr.write(`bench: updated the rows of ${modules.join(', ')} in test/bench/RESULTS.md\n`);
}
