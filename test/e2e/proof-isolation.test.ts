// Proof of tenant isolation: a tenant admin of acme uses globex's identifiers with every command
// that takes a user, key, team, role, invitation, session, grant or tenant. Each attempt must get
// exactly the answer a missing object gets (6, same message), and change nothing; lists and
// exports from acme never show globex's markers.
//
// The matrix is checked against the command registry: a command whose arguments or options name
// such an object (see `referenceKinds`) needs an entry in `matrix` — cases for each kind it
// takes, or an exemption with the reason — or the first test fails. To add a command:
//   1. add `'<noun> <verb>': { cases: [{ kind: 'user-email', args: (x) => ['<noun>', '<verb>', x] }] }`
//      (one case per kind of identifier it takes: `x` is globex's identifier, then a missing one);
//   2. or, if it cannot reach another tenant's objects by design, `{ exempt: 'why' }`;
//   3. a kind it takes but that no case covers goes in `exemptKinds: { role: 'why' }`.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/registry.js';
import type { CommandSpec } from '../../src/cli/registry-types.js';
import { runBatch, type BatchLine } from '../helpers/cli-batch.js';
import { cli, initializedCli, login, type Cli } from '../helpers/cli.js';
import { dumpDiff, dumpStore } from '../helpers/dump.js';

type Kind = 'user' | 'role' | 'team' | 'key' | 'invitation' | 'session' | 'tenant';
/** The identifier used: each has globex's value and a missing one of the same shape. */
type IdKind = 'user-email' | 'user-id' | 'role' | 'team' | 'key' | 'invitation-email' | 'invitation-id' | 'session' | 'tenant';

interface IsoCase {
  kind: IdKind;
  args: (x: string) => string[];
  input?: string;
  /** A file written before the run; `{file}` in args is replaced by its path. */
  file?: (x: string) => string;
  /** The answer for a missing object, when it is not 6 (e.g. an empty list). */
  code?: number;
}

type Entry = { cases: IsoCase[]; exemptKinds?: Partial<Record<Kind, string>> } | { exempt: string };

const kindOf = (k: IdKind): Kind => k.replace(/-(email|id)$/, '') as Kind;

/** The kinds of objects a command's arguments and options name (from the registry). */
function referenceKinds(spec: CommandSpec): Kind[] {
  const kinds = new Set<Kind>();
  const placeholders = [...(spec.args ?? []), ...(spec.options ?? []).map((o) => o.flags)].flatMap((text) =>
    [...text.matchAll(/[<[]([^>\]]+)[>\]]/g)].map((m) => m[1]!),
  );
  const byName: Record<string, Kind[]> = {
    user: ['user'], role: ['role'], team: ['team'], 'key-id': ['key'], 'email|id': ['invitation'], 'session-id': ['session'],
    'user|team:NAME': ['user', 'team'], 'role|level': ['role'], slug: ['tenant'], tenant: ['tenant'], invitation: ['invitation'],
  };
  for (const p of placeholders) for (const k of byName[p] ?? []) kinds.add(k);
  if (placeholders.includes('name') && (spec.path[0] === 'role' || spec.path[0] === 'team') && spec.args?.includes('<name>')) kinds.add(spec.path[0] as Kind);
  return [...kinds];
}

const pw = 'Isolation-Pass-123';
const superOnly = 'super admins only: refused (5) before any object is looked up';

const matrix: Record<string, Entry> = {
  'tenant create': { exempt: `${superOnly}; names a new tenant` },
  'tenant show': { cases: [{ kind: 'tenant', args: (x) => ['tenant', 'show', x] }] },
  'tenant update': { cases: [{ kind: 'tenant', args: (x) => ['tenant', 'update', x, '--name', 'Taken Over'] }] },
  'tenant deactivate': { exempt: superOnly },
  'tenant activate': { exempt: superOnly },
  'tenant switch': { exempt: superOnly },
  'switch-tenant': { exempt: superOnly },
  'tenant default': { exempt: superOnly },
  'user create': {
    cases: [
      { kind: 'role', args: (x) => ['user', 'create', '--email', 'new1@acme.example', '--first-name', 'New', '--invite', '--role', x] },
      { kind: 'team', args: (x) => ['user', 'create', '--email', 'new1@acme.example', '--first-name', 'New', '--invite', '--team', x] },
    ],
  },
  'user set-password': {
    cases: [
      { kind: 'user-email', args: (x) => ['user', 'set-password', x, '--password-stdin'], input: `New-${pw}\n` },
      { kind: 'user-id', args: (x) => ['user', 'set-password', x, '--password-stdin'], input: `New-${pw}\n` },
    ],
  },
  'user list': { cases: [{ kind: 'role', args: (x) => ['user', 'list', '--role', x] }] },
  'user show': { cases: [{ kind: 'user-email', args: (x) => ['user', 'show', x] }, { kind: 'user-id', args: (x) => ['user', 'show', x] }] },
  'user update': {
    cases: [
      { kind: 'user-email', args: (x) => ['user', 'update', x, '--first-name', 'Taken'] },
      { kind: 'user-id', args: (x) => ['user', 'update', x, '--first-name', 'Taken'] },
    ],
  },
  'user move': { exempt: `${superOnly} (moving users between tenants)` },
  'user deactivate': { cases: [{ kind: 'user-email', args: (x) => ['user', 'deactivate', x, '--yes'] }, { kind: 'user-id', args: (x) => ['user', 'deactivate', x, '--yes'] }] },
  'user activate': { cases: [{ kind: 'user-email', args: (x) => ['user', 'activate', x] }, { kind: 'user-id', args: (x) => ['user', 'activate', x] }] },
  'user delete': { cases: [{ kind: 'user-email', args: (x) => ['user', 'delete', x, '--yes'] }, { kind: 'user-id', args: (x) => ['user', 'delete', x, '--yes'] }] },
  'user restore': { cases: [{ kind: 'user-email', args: (x) => ['user', 'restore', x] }, { kind: 'user-id', args: (x) => ['user', 'restore', x] }] },
  'user purge': { cases: [{ kind: 'user-email', args: (x) => ['user', 'purge', x, '--yes'] }, { kind: 'user-id', args: (x) => ['user', 'purge', x, '--yes'] }] },
  'user diagnose': { cases: [{ kind: 'user-email', args: (x) => ['user', 'diagnose', x] }, { kind: 'user-id', args: (x) => ['user', 'diagnose', x] }] },
  'user offboard': { cases: [{ kind: 'user-email', args: (x) => ['user', 'offboard', x, '--yes'] }, { kind: 'user-id', args: (x) => ['user', 'offboard', x, '--yes'] }] },
  'user unlock': { cases: [{ kind: 'user-email', args: (x) => ['user', 'unlock', x] }, { kind: 'user-id', args: (x) => ['user', 'unlock', x] }] },
  'user mfa-reset': { cases: [{ kind: 'user-email', args: (x) => ['user', 'mfa-reset', x, '--yes'] }, { kind: 'user-id', args: (x) => ['user', 'mfa-reset', x, '--yes'] }] },
  'invite create': {
    cases: [
      { kind: 'role', args: (x) => ['invite', 'create', '--email', 'new2@acme.example', '--role', x] },
      { kind: 'team', args: (x) => ['invite', 'create', '--email', 'new2@acme.example', '--team', x] },
    ],
  },
  'invite resend': {
    cases: [{ kind: 'invitation-email', args: (x) => ['invite', 'resend', x] }, { kind: 'invitation-id', args: (x) => ['invite', 'resend', x] }],
  },
  'invite revoke': {
    cases: [{ kind: 'invitation-email', args: (x) => ['invite', 'revoke', x, '--yes'] }, { kind: 'invitation-id', args: (x) => ['invite', 'revoke', x, '--yes'] }],
  },
  'session list': { cases: [{ kind: 'user-email', args: (x) => ['session', 'list', '--user', x] }, { kind: 'user-id', args: (x) => ['session', 'list', '--user', x] }] },
  'session revoke': { cases: [{ kind: 'session', args: (x) => ['session', 'revoke', x, '--yes'] }] },
  'role show': { cases: [{ kind: 'role', args: (x) => ['role', 'show', x] }] },
  'role create': {
    cases: [{ kind: 'role', args: (x) => ['role', 'create', 'newrole', '--inherits', x] }],
    exemptKinds: { role: 'the <name> names a new role: role names are per tenant, so globex-role may be created in acme too (covered by --inherits)' },
  },
  'role update': {
    cases: [
      { kind: 'role', args: (x) => ['role', 'update', x, '--description', 'taken over'] },
      { kind: 'role', args: (x) => ['role', 'update', 'acme-role', '--add-inherits', x] },
      { kind: 'role', args: (x) => ['role', 'update', 'acme-role', '--inherits', x] },
      // Removing what the role does not inherit is a validation error (3), for any name.
      { kind: 'role', args: (x) => ['role', 'update', 'acme-role', '--remove-inherits', x], code: 3 },
    ],
  },
  'role delete': { cases: [{ kind: 'role', args: (x) => ['role', 'delete', x, '--force', '--yes'] }] },
  'role assign': {
    cases: [
      { kind: 'user-email', args: (x) => ['role', 'assign', x, 'viewer'] },
      { kind: 'user-id', args: (x) => ['role', 'assign', x, 'viewer'] },
      { kind: 'role', args: (x) => ['role', 'assign', 'amy@acme.example', x] },
    ],
  },
  'role unassign': {
    cases: [
      { kind: 'user-email', args: (x) => ['role', 'unassign', x, 'editor'] },
      { kind: 'role', args: (x) => ['role', 'unassign', 'amy@acme.example', x] },
    ],
  },
  'team create': { exempt: 'names a new team: team names are per tenant, so globex-team may be created in acme too' },
  'team show': { cases: [{ kind: 'team', args: (x) => ['team', 'show', x] }] },
  'team delete': { cases: [{ kind: 'team', args: (x) => ['team', 'delete', x, '--yes'] }] },
  'team add-member': {
    cases: [
      { kind: 'team', args: (x) => ['team', 'add-member', x, 'amy@acme.example'] },
      { kind: 'user-email', args: (x) => ['team', 'add-member', 'acme-team', x] },
      { kind: 'user-id', args: (x) => ['team', 'add-member', 'acme-team', x] },
    ],
  },
  'team remove-member': {
    cases: [
      { kind: 'team', args: (x) => ['team', 'remove-member', x, 'bob@globex.example'] },
      { kind: 'user-email', args: (x) => ['team', 'remove-member', 'acme-team', x] },
    ],
  },
  'team grant': {
    cases: [
      { kind: 'team', args: (x) => ['team', 'grant', x, 'viewer'] },
      { kind: 'role', args: (x) => ['team', 'grant', 'acme-team', x] },
    ],
  },
  'team revoke': {
    cases: [
      { kind: 'team', args: (x) => ['team', 'revoke', x, 'editor', '--yes'] },
      { kind: 'role', args: (x) => ['team', 'revoke', 'acme-team', x, '--yes'] },
    ],
  },
  'access grant': {
    cases: [
      { kind: 'user-email', args: (x) => ['access', 'grant', x, 'viewer', '--on', 'flows:/shared'] },
      { kind: 'user-id', args: (x) => ['access', 'grant', x, 'viewer', '--on', 'flows:/shared'] },
      { kind: 'team', args: (x) => ['access', 'grant', `team:${x}`, 'viewer', '--on', 'flows:/shared'] },
      { kind: 'role', args: (x) => ['access', 'grant', 'amy@acme.example', x, '--on', 'flows:/shared'], code: 3 },
    ],
  },
  'access revoke': {
    cases: [
      { kind: 'user-email', args: (x) => ['access', 'revoke', x, '--on', 'flows:/shared', '--yes'] },
      { kind: 'team', args: (x) => ['access', 'revoke', `team:${x}`, '--on', 'flows:/shared', '--yes'] },
    ],
  },
  'access list': { cases: [{ kind: 'user-email', args: (x) => ['access', 'list', '--user', x] }, { kind: 'user-id', args: (x) => ['access', 'list', '--user', x, '--effective'] }] },
  'can-i': { cases: [{ kind: 'user-email', args: (x) => ['can-i', 'read', 'users', '--as', x] }, { kind: 'user-id', args: (x) => ['can-i', 'read', 'users', '--as', x] }] },
  'sso map-group': { exempt: superOnly },
  'sso unmap-group': { exempt: superOnly },
  'key create': { cases: [{ kind: 'user-email', args: (x) => ['key', 'create', '--user', x] }, { kind: 'user-id', args: (x) => ['key', 'create', '--user', x] }] },
  'key list': { cases: [{ kind: 'user-email', args: (x) => ['key', 'list', '--user', x] }, { kind: 'user-id', args: (x) => ['key', 'list', '--user', x] }] },
  'key show': { cases: [{ kind: 'key', args: (x) => ['key', 'show', x] }] },
  'key regenerate': { cases: [{ kind: 'key', args: (x) => ['key', 'regenerate', x] }] },
  'key revoke': { cases: [{ kind: 'key', args: (x) => ['key', 'revoke', x, '--yes'] }] },
  'settings list': { cases: [{ kind: 'user-email', args: (x) => ['settings', 'list', '--user', x] }, { kind: 'user-id', args: (x) => ['settings', 'list', '--effective', '--user', x] }] },
  'settings get': { cases: [{ kind: 'user-email', args: (x) => ['settings', 'get', 'security.apiKeys.enabled', '--user', x] }] },
  'settings set': { cases: [{ kind: 'user-email', args: (x) => ['settings', 'set', 'security.apiKeys.enabled', 'false', '--user', x] }] },
  'settings unset': { cases: [{ kind: 'user-email', args: (x) => ['settings', 'unset', 'security.apiKeys.enabled', '--user', x] }] },
  'user import': {
    cases: [
      { kind: 'role', args: () => ['user', 'import', '{file}'], file: (x) => `email,firstName,roles\nnew3@acme.example,New,${x}\n`, code: 3 },
      { kind: 'team', args: () => ['user', 'import', '{file}'], file: (x) => `email,firstName,teams\nnew3@acme.example,New,${x}\n`, code: 3 },
      { kind: 'tenant', args: () => ['user', 'import', '{file}'], file: (x) => `email,firstName,tenant\nnew3@acme.example,New,${x}\n`, code: 3 },
    ],
    exemptKinds: {
      user: 'emails are unique in the whole store (sign-in is by email alone): importing or creating a user whose email another tenant holds is refused (7) without naming the tenant',
    },
  },
  'audit list': {
    cases: [
      { kind: 'user-email', args: (x) => ['audit', 'list', '--user', x] },
      // An id that resolves to no user may be a purged user's (their events keep it): an empty list.
      { kind: 'user-id', args: (x) => ['audit', 'list', '--user', x], code: 0 },
    ],
  },
  'audit export': {
    cases: [
      { kind: 'user-email', args: (x) => ['audit', 'export', '--user', x] },
      { kind: 'user-id', args: (x) => ['audit', 'export', '--user', x], code: 0 },
    ],
  },
};

const commandName = (spec: CommandSpec) => spec.path.join(' ');

/** What the matrix lacks for these commands (empty when every one is covered or exempt). */
function coverageProblems(specs: readonly CommandSpec[], entries: Record<string, Entry>): string[] {
  const problems: string[] = [];
  const names = new Set(specs.map(commandName));
  for (const spec of specs) {
    const kinds = referenceKinds(spec);
    const entry = entries[commandName(spec)];
    if (kinds.length === 0) continue;
    if (!entry) {
      problems.push(`${commandName(spec)} takes ${kinds.join(', ')} but has no entry in the isolation matrix`);
      continue;
    }
    if ('exempt' in entry) continue;
    const covered = new Set(entry.cases.map((c) => kindOf(c.kind)));
    for (const kind of kinds) if (!covered.has(kind) && !entry.exemptKinds?.[kind]) problems.push(`${commandName(spec)}: no case with a ${kind} of another tenant`);
  }
  for (const name of Object.keys(entries)) if (!names.has(name)) problems.push(`matrix entry ${name} is not a registered command`);
  return problems;
}

describe('tenant isolation (proof)', () => {
  let root: Cli;
  let ann: Cli;
  const ids = {} as Record<IdKind, { globex: string; missing: string }>;
  const markers: string[] = [];

  beforeAll(async () => {
    root = await initializedCli();
    // The set-up in one batch process (many commands, one process start: see cli-batch.ts).
    const g = ['--tenant', 'globex'];
    const a = ['--tenant', 'acme'];
    const setup: BatchLine[] = [
      { argv: ['tenant', 'create', 'acme', '--name', 'Acme'] },
      { argv: ['tenant', 'create', 'globex', '--name', 'Globex Corp'] },
      // globex: a user with a password, a session, a key, a team, a custom role, grants, settings, an invitation.
      { argv: ['role', 'create', 'globex-role', '--grant', 'flows:read', ...g] },
      { argv: ['team', 'create', 'globex-team', ...g] },
      { argv: ['user', 'create', '--email', 'bob@globex.example', '--first-name', 'Bobby', '--last-name', 'Globexian', '--role', 'editor', '--team', 'globex-team', '--password-stdin', ...g], input: `${pw}\n` },
      { argv: ['team', 'grant', 'globex-team', 'globex-role', ...g] },
      { argv: ['access', 'grant', 'bob@globex.example', 'viewer', '--on', 'flows:/shared', ...g] },
      { argv: ['access', 'grant', 'team:globex-team', 'viewer', '--on', 'flows:/shared', ...g] },
      { argv: ['settings', 'set', 'security.apiKeys.enabled', 'true', '--user', 'bob@globex.example', ...g] },
      { argv: ['key', 'create', '--user', 'bob@globex.example', '--name', 'globex-key', '-o', 'json', ...g] },
      { argv: ['invite', 'create', '--email', 'ivy@globex.example', '--first-name', 'Ivy', '-o', 'json', ...g] },
      // acme: its admin (who tries everything), another user, a team and a custom role of its own.
      { argv: ['user', 'create', '--email', 'ann@acme.example', '--first-name', 'Ann', '--role', 'admin', '--password-stdin', ...a], input: `${pw}\n` },
      { argv: ['user', 'create', '--email', 'amy@acme.example', '--first-name', 'Amy', '--role', 'editor', '--password-stdin', ...a], input: `${pw}\n` },
      { argv: ['team', 'create', 'acme-team', ...a] },
      { argv: ['role', 'create', 'acme-role', '--grant', 'flows:read', ...a] },
    ];
    const done = await runBatch(root, setup);
    done.forEach((r, i) => {
      if (r.exitCode !== 0) throw new Error(`${setup[i]!.argv.join(' ')}: ${r.stderr}`);
    });
    const key = JSON.parse(done[9]!.stdout);
    const invite = JSON.parse(done[10]!.stdout);
    const bob = cli({ db: root.db });
    await login(bob, 'bob@globex.example', pw);
    const [session] = (await bob.json(['session', 'list'])) as { id: string }[];
    ann = cli({ db: root.db });
    expect((await login(ann, 'ann@acme.example', pw)).exitCode).toBe(0);

    const [bobRow] = await root.sql<{ id: string }>("select id from users where email = 'bob@globex.example'");
    const [globexRow] = await root.sql<{ id: string }>("select id from tenants where slug = 'globex'");
    const sameShape = (id: string) => id.replace(/[0-9]/g, '7').replace(/[a-z]/g, 'q').replace(/[A-Z]/g, 'Q');
    Object.assign(ids, {
      'user-email': { globex: 'bob@globex.example', missing: 'nobody@nowhere.example' },
      'user-id': { globex: bobRow!.id, missing: sameShape(bobRow!.id) },
      role: { globex: 'globex-role', missing: 'missing-role' },
      team: { globex: 'globex-team', missing: 'missing-team' },
      key: { globex: key.id, missing: sameShape(key.id) },
      'invitation-email': { globex: 'ivy@globex.example', missing: 'nobody2@nowhere.example' },
      'invitation-id': { globex: invite.id, missing: sameShape(invite.id) },
      session: { globex: session!.id, missing: sameShape(session!.id) },
      tenant: { globex: 'globex', missing: 'nowhere' },
    } satisfies Record<IdKind, { globex: string; missing: string }>);
    markers.push('globex', 'Globex', 'bob@globex.example', 'Bobby', 'Globexian', 'ivy@globex.example', 'globex-role', 'globex-team', 'globex-key', bobRow!.id, globexRow!.id, key.id, invite.id, session!.id);
  }, 180_000);

  it('covers every registered command that takes a user, key, team, role, invitation, session, grant or tenant', () => {
    expect(coverageProblems(commands, matrix)).toEqual([]);
  });

  it('would fail for a new command without a case (a synthetic registry)', () => {
    const spec = (path: string[], args: string[], flags: string[] = []) =>
      ({ path, args, options: flags.map((f) => ({ flags: f, description: '' })), guard: { kind: 'signed-in' }, summary: '', handler: 'x', load: async () => ({}) }) as CommandSpec;
    const added = [spec(['user', 'frob'], ['<user>']), spec(['user', 'relocate'], ['<user>'], ['--to <tenant>']), spec(['survey'], [], ['--team <team>'])];
    expect(coverageProblems([...commands, ...added], matrix)).toEqual([
      'user frob takes user but has no entry in the isolation matrix',
      'user relocate takes user, tenant but has no entry in the isolation matrix',
      'survey takes team but has no entry in the isolation matrix',
    ]);
    const partial = { ...matrix, 'user relocate': { cases: [{ kind: 'user-email', args: (x: string) => ['user', 'relocate', x, '--to', 'acme'] }] } } as Record<string, Entry>;
    expect(coverageProblems([...commands, added[1]!], partial)).toEqual(['user relocate: no case with a tenant of another tenant']);
    expect(coverageProblems(commands, { ...matrix, 'user frobnicate': { exempt: 'x' } })).toEqual(['matrix entry user frobnicate is not a registered command']);
  });

  it("lists, exports and views from acme never contain globex's markers", async () => {
    const views = [
      ['whoami'], ['tenant', 'current'], ['tenant', 'show', 'acme'], ['role', 'list'], ['role', 'show', 'admin'], ['team', 'list'], ['invite', 'list'],
      ['key', 'list', '--all'], ['session', 'list'], ['settings', 'list', '--effective'], ['access', 'list'], ['access', 'list', '--on', 'flows'],
      ['access', 'list', '--on', 'flows:/shared'], ['audit', 'list', '--limit', '1000'], ['audit', 'export'], ['audit', 'export', '--format', 'csv'],
      ['user', 'export'], ['user', 'export', '--format', 'json'], ['can-i', 'read', 'flows:/shared'],
      ['user', 'list', '--include-deleted'], ['user', 'list', '--search', 'globex'], ['user', 'stats'], ['review'], ['export'],
    ];
    const results = await runBatch(ann, views.flatMap((argv) => [{ argv }, { argv: [...argv, '-o', 'json'] }]));
    const leaks: string[] = [];
    results.forEach((r, i) => {
      const argv = i % 2 === 0 ? views[i / 2]! : [...views[(i - 1) / 2]!, '-o', 'json'];
      if (![0, 8].includes(r.exitCode)) leaks.push(`${argv.join(' ')} failed: ${r.stderr}`);
      for (const m of markers) if (`${r.stdout}${r.stderr}`.includes(m)) leaks.push(`${argv.join(' ')} shows ${m}`);
    });
    expect(leaks).toEqual([]);
    // The same through whole processes for the exports.
    for (const argv of [['user', 'export'], ['audit', 'export']]) {
      const r = await ann.run(argv);
      expect(r.exitCode).toBe(0);
      for (const m of markers) expect(r.stdout + r.stderr).not.toContain(m);
    }
  });

  it("every use of globex's identifiers by acme's admin gets the missing-object answer and changes nothing", async () => {
    const before = await dumpStore(root);
    const runs: { name: string; c: IsoCase; which: 'globex' | 'missing'; x: string; argv: string[]; input?: string }[] = [];
    for (const [name, entry] of Object.entries(matrix)) {
      if ('exempt' in entry) continue;
      entry.cases.forEach((c, i) => {
        for (const which of ['globex', 'missing'] as const) {
          const x = ids[c.kind][which];
          let argv = c.args(x);
          if (c.file) {
            const file = path.join(ann.home, `iso-${name.replace(/ /g, '-')}-${i}-${which}.csv`);
            fs.writeFileSync(file, c.file(x));
            argv = argv.map((a) => (a === '{file}' ? file : a));
          }
          runs.push({ name: `${name} #${i} (${c.kind})`, c, which, x, argv, ...(c.input ? { input: c.input } : {}) });
        }
      });
    }
    // Through the CLI's own run() in one process (test/helpers/cli-batch.ts), as acme's admin.
    const results = await runBatch(ann, runs.map((r) => ({ argv: r.argv, ...(r.input ? { input: r.input } : {}) })));
    const problems: string[] = [];
    const normalize = (text: string, x: string) => text.split(x).join('<X>').replace(/iso-[a-z-]+-\d+-(globex|missing)\.csv/g, '<file>');
    for (let i = 0; i < runs.length; i += 2) {
      const [g, m] = [runs[i]!, runs[i + 1]!];
      const [rg, rm] = [results[i]!, results[i + 1]!];
      const code = g.c.code ?? 6;
      if (rm.exitCode !== code) problems.push(`${g.name}: a missing ${g.c.kind} exits ${rm.exitCode}, expected ${code}: ${rm.stderr.trim()}`);
      if (rg.exitCode !== rm.exitCode || normalize(rg.stderr, g.x) !== normalize(rm.stderr, m.x) || normalize(rg.stdout, g.x) !== normalize(rm.stdout, m.x)) {
        problems.push(`${g.name}: globex's ${g.c.kind} answered ${rg.exitCode} ${JSON.stringify(rg.stderr.trim())}, a missing one ${rm.exitCode} ${JSON.stringify(rm.stderr.trim())}`);
      }
    }
    expect(problems).toEqual([]);
    // Nothing of globex changed. Exports are audited whatever they select (the id typed is in the
    // event's details, for globex's id as for a missing one): those events are not globex's data.
    const diff = dumpDiff(before, await dumpStore(root));
    const recordedExport = (row: string) => /"action":"audit\.export"/.test(row);
    const touched = Object.entries(diff).filter(([, d]) => [...d.removed, ...d.added].some((row) => !recordedExport(row) && markers.some((m) => row.includes(m))));
    expect(touched).toEqual([]);
  }, 180_000);

});
