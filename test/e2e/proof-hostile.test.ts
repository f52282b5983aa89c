// Proof under hostile input: a table-driven corpus of bad inputs across the commands (SQL-looking
// strings, very long values, unusual Unicode, NUL bytes through stdin and files, broken files).
// Each case must exit with its code, print one error line (and a hint) on stderr and nothing on
// stdout, and leave a logical dump of the whole store identical to the one taken before.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, initializedCli, type Cli, type CliResult } from '../helpers/cli.js';
import { runBatch } from '../helpers/cli-batch.js';
import { dumpDiff, dumpStore, type Dump } from '../helpers/dump.js';

interface Case {
  name: string;
  args: string[];
  input?: string | Buffer;
  /** Written to $IAMCTL_HOME/<name> before the run; `{file}` in args is replaced by its path. */
  file?: { name: string; content: string | Buffer };
  code: number;
  /** Runs with no one signed in (a home without a context), as a process of its own. */
  anonymous?: boolean;
  /** Environment variables for the run (a whole process, signed in unless anonymous). */
  env?: Record<string, string>;
  /** A refused sign-in is recorded by design: this one failed audit event may be appended. */
  records?: string;
}

const pw = 'Hostile-Input-Pass1';

// Strings that look like SQL, long values, and Unicode that is easy to get wrong.
const sqlish = ["' OR '1'='1", "x'); DROP TABLE users; --", '" OR ""="', '1 UNION SELECT hash FROM audit_events', '%', '_%_', '\\', "bob@acme.example' --"];
const long = 'a'.repeat(100_000);
const longEmail = `${'a'.repeat(5000)}@acme.example`;
const unicode = ['\u202eelpmaxe.emca@bob', 'bob\u200b@acme.example', 'BOB@ACME.EXAMPLE\u0301', '🙂🙂🙂', 'bоb@acme.example' /* Cyrillic o */, 'ＢＯＢ＠ＡＣＭＥ．ＥＸＡＭＰＬＥ', '\u001b[31mbob', 'bob\n@acme.example', '\uFEFFbob@acme.example', 'İ'];
const hostileRefs = [...sqlish, long, ...unicode];

let refOffset = 0;
/** Half of the hostile identifiers for each command, alternating, so every one meets many commands. */
function refCases(label: string, build: (x: string) => string[], code: number | ((x: string) => number), input?: string): Case[] {
  const offset = refOffset++;
  return hostileRefs.flatMap((x, i) => ((i + offset) % 2 === 0 ? [{ x, i }] : [])).map(({ x, i }) => ({ name: `${label} #${i} ${JSON.stringify(x.slice(0, 24))}`, args: build(x), input, code: typeof code === 'number' ? code : code(x) }));
}

const argon2Hash = '$argon2id$v=19$m=19456,t=2,p=1$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0';

const cases: Case[] = [
  // Identifiers of users, keys, roles, teams, tenants, invitations, sessions.
  ...refCases('user set-password', (x) => ['user', 'set-password', x, '--password-stdin'], 6, `${pw}\n`),
  ...refCases('user unlock', (x) => ['user', 'unlock', x], 6),
  ...refCases('role assign', (x) => ['role', 'assign', x, 'viewer'], 6),
  ...refCases('team add-member', (x) => ['team', 'add-member', 'ops', x], 6),
  ...refCases('key show', (x) => ['key', 'show', x], 6),
  ...refCases('invite revoke', (x) => ['invite', 'revoke', x, '--yes'], 6),
  ...refCases('role show', (x) => ['role', 'show', x], 6),
  ...refCases('team show', (x) => ['team', 'show', x], 6),
  ...refCases('tenant show', (x) => ['tenant', 'show', x], 6),
  ...refCases('session revoke', (x) => ['session', 'revoke', x, '--yes'], 6),
  ...refCases('access grant', (x) => ['access', 'grant', x, 'viewer', '--on', 'flows:/ops'], 6),
  ...refCases('settings list --user', (x) => ['settings', 'list', '--user', x], 6),
  ...refCases('can-i --as', (x) => ['can-i', 'read', 'users', '--as', x], 6),
  ...refCases('key regenerate', (x) => ['key', 'regenerate', x], 6),
  ...refCases('invite resend', (x) => ['invite', 'resend', x], 6),

  // Values that break rules.
  ...[...sqlish, long, '', 'no-at-sign', 'a@b', '@acme.example', 'bob@', 'bob@@acme.example', 'bob @acme.example', longEmail, 'bob@acme.example\u0000'.replace('\u0000', '\u0007')].map((email, i) => ({
    name: `user create --email #${i} ${JSON.stringify(email.slice(0, 24))}`,
    args: ['user', 'create', '--email', email, '--first-name', 'Eve', '--invite'],
    code: 3,
  })),
  ...["Robert'); DROP TABLE users;--", long, '\u202eevE', 'E\u0000ve'.replace('\u0000', '\u001b'), '🙂', '', ' ', '1234', 'x'.repeat(300)].map((name, i) => ({
    name: `user create --first-name #${i} ${JSON.stringify(name.slice(0, 24))}`,
    args: ['user', 'create', '--email', `eve${i}@acme.example`, '--first-name', name, '--invite'],
    code: 3,
  })),
  ...["acme'; --", 'ACME', '-main', long, 'ac me', 'acmé', '', 'a'.repeat(100)].map((slug, i) => ({
    name: `tenant create slug #${i} ${JSON.stringify(slug.slice(0, 24))}`,
    args: ['tenant', 'create', slug, '--name', 'New'],
    code: slug.startsWith('-') ? 2 : 3, // read as an option
  })),
  ...['red', '#12345', '#GGGGGG', "#000000'; --", long].map((color, i) => ({ name: `tenant update --color #${i}`, args: ['tenant', 'update', 'acme', '--color', color], code: 3 })),
  { name: 'tenant update --name long', args: ['tenant', 'update', 'acme', '--name', long], code: 3 },
  { name: 'tenant update --name control', args: ['tenant', 'update', 'acme', '--name', 'Acme\u0007'], code: 3 },
  ...["flow-runner'; --", 'Admin', 'a', long, 'rôle', '1role'].map((name, i) => ({ name: `role create #${i}`, args: ['role', 'create', name], code: 3 })),
  { name: 'role create --grant sqlish', args: ['role', 'create', 'newrole', '--grant', "users:read'; --"], code: 3 },
  { name: 'role create --grant long', args: ['role', 'create', 'newrole', '--grant', long], code: 3 },
  { name: 'role create --description long', args: ['role', 'create', 'newrole', '--description', long], code: 3 },
  ...["ops'; --", 'OPS', long, 'op s', '🙂'].map((name, i) => ({ name: `team create #${i}`, args: ['team', 'create', name], code: 3 })),
  ...['flows:../x', 'flows:/a//b', 'flows:relative', `flows:/${long}`, "flows:/ x' OR '1'='1", 'users:/x', 'nothing:/x', 'flows:/a/*/b', 'flows:/\u0007'].map((on, i) => ({
    name: `access grant --on #${i}`,
    args: ['access', 'grant', 'bob@acme.example', 'viewer', '--on', on],
    code: 3,
  })),
  { name: 'access grant unknown level', args: ['access', 'grant', 'bob@acme.example', "viewer' --", '--on', 'flows:/x'], code: 3 },
  ...[["drop'; --", 'users'], ['read', "users'; --"], ['read', long], ['operate', 'users']].map(([action, entity], i) => ({ name: `can-i #${i}`, args: ['can-i', action!, entity!], code: 3 })),
  ...['0', '-1', 'abc', '1e3', '99999999999999999999', "1'; --"].map((days, i) => ({ name: `key create --expires-in-days #${i}`, args: ['key', 'create', '--user', 'bob@acme.example', '--expires-in-days', days], code: 3 })),
  { name: 'key create --name long', args: ['key', 'create', '--user', 'bob@acme.example', '--name', long], code: 3 },
  { name: 'key show of a whole key', args: ['key', 'show', `iak_AAAAAAAAAAAA_${'a'.repeat(49)}`], code: 2 },
  ...["' OR 1=1", long, 'security.apiKeys.enabled\u0000'.replace('\u0000', '\u0007')].map((key, i) => ({ name: `settings get unknown #${i}`, args: ['settings', 'get', key], code: 3 })),
  ...[["invitations.ttlHours", "48'; --"], ['invitations.ttlHours', long], ['invitations.ttlHours', '-5'], ['security.apiKeys.enabled', 'yes please'], ['mail.from', "x'@y"]].map(([key, value], i) => ({ name: `settings set bad value #${i}`, args: ['settings', 'set', key!, value!], code: 3 })),
  ...[['--since', "2026-01-01'; --"], ['--until', long], ['--since', '9999999d'], ['--cursor', "' OR 1=1"], ['--cursor', long]].map(([flag, value], i) => ({ name: `audit list ${flag} #${i}`, args: ['audit', 'list', flag!, value!], code: 3 })),
  ...['0', '-1', 'abc', '1e3', "5'; --"].map((n, i) => ({ name: `invite list --limit #${i}`, args: ['invite', 'list', '--limit', n], code: 2 })),
  { name: 'invite list --status bogus', args: ['invite', 'list', '--status', "pending' --"], code: 2 },
  { name: 'sso map-group long group', args: ['sso', 'map-group', long, '--role', 'viewer'], code: 3 },

  // Usage: unknown commands and flags, missing values, bad choices.
  { name: 'unknown command', args: ['frobnicate'], code: 2 },
  { name: 'unknown subcommand', args: ['user', "drop'; --"], code: 2 },
  { name: 'unknown flag', args: ['user', 'create', '--email', 'x@acme.example', '--first-name', 'Xavier', '--admin'], code: 2 },
  { name: 'missing option value', args: ['user', 'create', '--email'], code: 2 },
  { name: 'bad output format', args: ['tenant', 'list', '-o', 'xml'], code: 2 },
  { name: 'long unknown command', args: [long], code: 2 },
  { name: 'csv for one object', args: ['tenant', 'show', 'acme', '-o', 'csv'], code: 2 },

  // NUL bytes and other trouble on stdin (NUL cannot be passed in argv).
  { name: 'login password with NUL', args: ['login', '--email', 'root@example.com', '--password-stdin'], input: 'Sup3r-Secret-Root\u0000x\n', code: 2, anonymous: true },
  { name: 'login no password line', args: ['login', '--email', 'root@example.com', '--password-stdin'], input: '', code: 2, anonymous: true },
  { name: 'user create password with NUL', args: ['user', 'create', '--email', 'nul@acme.example', '--first-name', 'Nul', '--password-stdin'], input: `${pw}\u0000\n`, code: 2 },
  { name: 'user create password too long', args: ['user', 'create', '--email', 'nul@acme.example', '--first-name', 'Nul', '--password-stdin'], input: `${'P4ss-'.repeat(2000)}\n`, code: 3 },
  { name: 'user create stdin over 1 MiB', args: ['user', 'create', '--email', 'nul@acme.example', '--first-name', 'Nul', '--password-stdin'], input: `${'x'.repeat(1_100_000)}\n`, code: 2 },
  { name: 'set-password with NUL', args: ['user', 'set-password', 'bob@acme.example', '--password-stdin'], input: `New-${pw}\u0000\n`, code: 2 },
  { name: 'key verify with NUL', args: ['key', 'verify'], input: 'iak_\u0000\n', code: 2, anonymous: true },
  { name: 'key verify SQL', args: ['key', 'verify'], input: "iak_' OR '1'='1_x\n", code: 4, anonymous: true },
  { name: 'key verify long', args: ['key', 'verify'], input: `iak_${long}\n`, code: 4, anonymous: true },
  { name: 'invite accept token with NUL', args: ['invite', 'accept', '--token-stdin', '--password-stdin', '--first-name', 'Carl'], input: `tok\u0000en\n${pw}\n`, code: 2, anonymous: true },
  { name: 'invite accept SQL token', args: ['invite', 'accept', '--token-stdin', '--password-stdin', '--first-name', 'Carl'], input: `' OR '1'='1\n${pw}\n`, code: 4, anonymous: true },
  { name: 'settings set --value-stdin NUL', args: ['settings', 'set', 'ai.openaiApiKey', '--value-stdin', '--global'], input: 'sk-\u0000abc\n', code: 2 },
  { name: 'sso provision garbage token', args: ['sso', 'provision', '--id-token-stdin'], input: "eyJ' OR 1=1\n", code: 4, anonymous: true, records: 'auth.sso-login' },
  { name: 'sso provision NUL token', args: ['sso', 'provision', '--id-token-stdin'], input: 'a.b\u0000.c\n', code: 2, anonymous: true },
  { name: 'api key stdin NUL', args: ['whoami', '--api-key-stdin'], input: 'iak_\u0000\n', code: 2, anonymous: true },

  // Hostile environment variables.
  { name: 'IAMCTL_TENANT SQL', args: ['user', 'create', '--email', 'env@acme.example', '--first-name', 'Env', '--invite'], env: { IAMCTL_TENANT: "acme' OR '1'='1" }, code: 6 },
  { name: 'IAMCTL_TENANT long', args: ['tenant', 'current'], env: { IAMCTL_TENANT: long }, code: 6 },
  { name: 'IAMCTL_TENANT escape', args: ['tenant', 'current'], env: { IAMCTL_TENANT: '\u001b]0;x\u0007' }, code: 6 },
  { name: 'IAMCTL_API_KEY SQL', args: ['whoami'], env: { IAMCTL_API_KEY: "iak_' OR '1'='1" }, code: 4, anonymous: true },
  { name: 'IAMCTL_API_KEY long', args: ['whoami'], env: { IAMCTL_API_KEY: `iak_${long}` }, code: 4, anonymous: true },
  { name: 'IAMCTL_MASTER_KEY garbage', args: ['settings', 'set', 'ai.openaiApiKey', '--value-stdin', '--global'], input: 'sk-abc\n', env: { IAMCTL_MASTER_KEY: "' OR 1=1" }, code: 3 },
  { name: 'IAMCTL_DB not a store', args: ['tenant', 'list'], env: { IAMCTL_DB: '/etc/passwd' }, code: 1 },
  { name: 'IAMCTL_DB bad URL', args: ['tenant', 'list'], env: { IAMCTL_DB: "postgres://x:y@256.0.0.1:1/db'--" }, code: 1 },

  // Broken files.
  ...([
    ['empty.csv', ''],
    ['nul.csv', 'email,firstName\nn\u0000ul@acme.example,Nul\n'],
    ['sql.csv', "email,firstName\n\"x'); DROP TABLE users; --\",Eve\n"],
    ['quote.csv', 'email,firstName\n"eve@acme.example,Eve\n'],
    ['columns.csv', 'email,firstName\neve@acme.example,Eve,extra,more\n'],
    ['no-header.csv', 'eve@acme.example,Eve\n'],
    ['long.csv', `email,firstName\neve@acme.example,${long}\n`],
    ['binary.csv', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0xfe])],
    ['utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,firstName\neve@acme.example,Eve\n', 'utf16le')])],
    ['invalid-utf8.csv', Buffer.concat([Buffer.from('email,firstName\neve@acme.example,Ev'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])],
    ['broken.json', '[{"email":"eve@acme.example","firstName":"Eve"'],
    ['not-array.json', '{"email":"eve@acme.example"}'],
    ['nul.json', '[{"email":"eve@acme.example","firstName":"E\u0000ve"}]'],
    ['proto.json', '[{"__proto__":{"admin":true},"email":"eve@acme.example","firstName":"Eve","roles":"super-admin"}]'],
    ['deep.json', `[${'['.repeat(5000)}${']'.repeat(5000)}]`],
    ['broken.ndjson', '{"email":"eve@acme.example","firstName":"Eve"}\n{"email":\n'],
    ['dup.csv', 'email,firstName\neve@acme.example,Eve\nEVE@acme.example,Eve\n'],
    ['hash.csv', 'email,firstName,passwordHash\neve@acme.example,Eve,plaintext-password\n'],
    ['tenant.csv', "email,firstName,tenant\neve@acme.example,Eve,globex' OR '1'='1\n"],
  ] as [string, string | Buffer][]).map(([name, content]) => ({ name: `user import ${name}`, args: ['user', 'import', '{file}', '-o', 'json'], file: { name, content }, code: 3 })),
  { name: 'user import missing file', args: ['user', 'import', '/nonexistent/users.csv'], code: 2 },
  { name: 'user import a folder', args: ['user', 'import', '/tmp'], code: 2 },
  { name: 'user import stdin with NUL', args: ['user', 'import', '-', '--format', 'csv', '-o', 'json'], input: 'email,firstName\nn\u0000ul@acme.example,Nul\n', code: 3 },
  ...([
    ['jwks-broken.json', '{"keys":['],
    ['jwks-nul.json', '{"keys":[]}\u0000'],
    ['jwks-hmac.json', '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}'],
    ['jwks-not-set.json', '["not","a","key","set"]'],
    ['jwks-huge.json', `{"keys":[],"pad":"${'x'.repeat(300_000)}"}`],
    ['jwks-binary.json', Buffer.from([0x00, 0x01, 0x02, 0xff])],
  ] as [string, string | Buffer][]).map(([name, content]) => ({
    name: `sso configure ${name}`,
    args: ['sso', 'configure', '--issuer', 'https://login.example.com', '--audience', 'iamctl', '--jwks-file', '{file}'],
    file: { name, content },
    code: 3,
  })),
  { name: 'sso configure http issuer', args: ['sso', 'configure', '--issuer', "http://evil.example.com/' OR 1=1", '--audience', 'iamctl', '--jwks', '{"keys":[]}'], code: 3 },
  { name: 'db backup onto the store', args: ['db', 'backup', '{store}'], code: 7 },
];

function expectOneLineFailure(c: Case, r: CliResult): string[] {
  const problems: string[] = [];
  if (r.exitCode !== c.code) problems.push(`exit ${r.exitCode}, expected ${c.code}`);
  if (r.stdout !== '') problems.push(`stdout not empty: ${r.stdout.slice(0, 200)}`);
  const lines = r.stderr.trimEnd().split('\n');
  if (c.args.includes('json')) {
    if (lines.length !== 1) problems.push(`${lines.length} stderr lines with -o json`);
    else {
      try {
        const error = JSON.parse(lines[0]!).error;
        if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || error.message.includes('\n')) problems.push('not a JSON error');
      } catch {
        problems.push('stderr is not JSON');
      }
    }
  } else {
    if (!/^error: [^\n]+ \([a-z_]+\)$/.test(lines[0] ?? '')) problems.push(`first stderr line is not an error line: ${lines[0]?.slice(0, 200)}`);
    if (lines.length > 2 || (lines[1] !== undefined && !lines[1].startsWith('hint: '))) problems.push(`more than an error and a hint line:\n${r.stderr.slice(0, 500)}`);
  }
  if (r.stderr.length > 2000) problems.push(`stderr is ${r.stderr.length} characters long (a value echoed whole?)`);
  return problems;
}

describe('hostile input (proof)', () => {
  let root: Cli;
  let anonymous: Cli;
  let baseline: Dump;

  beforeAll(async () => {
    root = await initializedCli();
    const steps: [string[], string?][] = [
      [['tenant', 'create', 'acme', '--name', 'Acme']],
      [['tenant', 'create', 'globex', '--name', 'Globex']],
      [['tenant', 'switch', 'acme']],
      [['user', 'create', '--email', 'bob@acme.example', '--first-name', 'Bob', '--role', 'editor', '--password-stdin'], `${pw}\n`],
      [['user', 'create', '--email', 'carl@acme.example', '--first-name', 'Carl', '--invite']],
      [['team', 'create', 'ops']],
      [['team', 'add-member', 'ops', 'bob@acme.example']],
      [['role', 'create', 'flow-runner', '--grant', 'flows:operate']],
      [['key', 'create', '--user', 'bob@acme.example', '--name', 'ci']],
      [['access', 'grant', 'bob@acme.example', 'viewer', '--on', 'flows:/ops']],
      [['settings', 'set', 'invitations.ttlHours', '48']],
    ];
    // In one batch process (one process start for the whole set-up: see cli-batch.ts).
    const done = await runBatch(root, steps.map(([argv, input]) => ({ argv, ...(input === undefined ? {} : { input }) })));
    done.forEach((r, i) => {
      if (r.exitCode !== 0) throw new Error(`${steps[i]![0].join(' ')}: ${r.stderr}`);
    });
    anonymous = cli({ db: root.db });
    baseline = await dumpStore(root);
  }, 180_000);

  it(`has at least 150 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  function prepare(c: Case, shell: Cli): string[] {
    let args = c.args;
    if (c.file) {
      const target = path.join(shell.home, c.file.name);
      fs.writeFileSync(target, c.file.content);
      args = args.map((a) => (a === '{file}' ? target : a));
    }
    return args.map((a) => (a === '{store}' ? root.dbPath : a));
  }

  /** The store is unchanged, but for the failed events `records` allows. */
  async function storeProblems(records?: string): Promise<string[]> {
    const after = await dumpStore(root);
    const diff = dumpDiff(baseline, after);
    if (records && diff.audit_events) {
      const { removed, added } = diff.audit_events;
      const allowed = removed.length === 0 && added.length === 1 && JSON.parse(added[0]!).action === records && JSON.parse(added[0]!).result === 'failure';
      if (allowed) {
        delete diff.audit_events;
        delete diff.audit_head;
      }
    }
    baseline = after; // each change is reported once
    return Object.keys(diff).length > 0 ? [`store changed: ${JSON.stringify(diff).slice(0, 800)}`] : [];
  }

  it('every case fails with its code, one error line, empty stdout, and the store unchanged', async () => {
    const failures: string[] = [];
    const report = (c: Case, r: CliResult, problems: string[]) => {
      if (problems.length > 0) failures.push(`${c.name} [${r.stderr.split('\n')[0]?.slice(0, 160)}]: ${problems.join('; ')}`);
    };
    // Signed-in cases: through the CLI's own run() in one process (test/helpers/cli-batch.ts),
    // then the whole store compared once (a change names its table and rows).
    const inBatch = cases.filter((c) => !c.anonymous && !c.env);
    const results = await runBatch(root, inBatch.map((c) => ({ argv: prepare(c, root), ...(c.input === undefined ? {} : { input: String(c.input) }) })));
    inBatch.forEach((c, i) => report(c, results[i]!, expectOneLineFailure(c, results[i]!)));
    failures.push(...(await storeProblems()));
    // Anonymous cases (sign-in, key verify's fast path, SSO, invitations) and environment
    // variables: whole processes, the store compared after each.
    for (const c of cases.filter((x) => x.anonymous || x.env)) {
      const shell = c.anonymous ? anonymous : root;
      const r = await shell.run(prepare(c, shell), { ...(c.input === undefined ? {} : { input: String(c.input) }), ...(c.env ? { env: c.env } : {}) });
      report(c, r, [...expectOneLineFailure(c, r), ...(await storeProblems(c.records))]);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('takes an empty IAMCTL_DB or IAMCTL_TENANT as unset, like IAMCTL_HOME', async () => {
    // On PostgreSQL the store is named by IAMCTL_DB, so only the SQLite run can empty it.
    const env = root.dialect === 'sqlite' ? { IAMCTL_DB: '', IAMCTL_TENANT: '' } : { IAMCTL_TENANT: '' };
    const r = await root.run(['tenant', 'current', '-o', 'json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tenant: 'acme', source: 'context' });
  });

  it('a sample of the signed-in cases fails the same way as whole processes', async () => {
    const failures: string[] = [];
    const sample = cases.filter((c, i) => !c.anonymous && !c.env && i % 15 === 0);
    for (const c of sample) {
      const r = await root.run(prepare(c, root), c.input === undefined ? {} : { input: String(c.input) });
      const problems = [...expectOneLineFailure(c, r), ...(await storeProblems())];
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}`);
    }
    expect(sample.length).toBeGreaterThanOrEqual(15);
    expect(failures).toEqual([]);
  }, 300_000);
});
