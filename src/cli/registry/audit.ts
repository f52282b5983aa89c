import type { CommandSpec, OptionSpec } from '../registry-types.js';

const load = () => import('../commands/audit.js');

const filters: OptionSpec[] = [
  { flags: '--user <user>', description: 'events by or about this user (email or id)' },
  { flags: '--action <action>', description: 'this action (user.create), or a family (user.*)' },
  { flags: '--since <time>', description: 'at or after: ISO 8601 (2026-01-31) or back from now (12h, 7d)' },
  { flags: '--until <time>', description: 'before: ISO 8601 or back from now' },
  { flags: '--all-tenants', description: 'every tenant and the main account (super admins)' },
];

export const auditCommands: readonly CommandSpec[] = [
  { path: ['audit', 'list'], summary: 'List audit events, newest first', list: true,
    options: [
      ...filters,
      { flags: '--limit <n>', description: 'events per page (default 50)', integer: true },
      { flags: '--cursor <cursor>', description: 'continue after a previous page' },
    ],
    guard: { kind: 'permission', permission: 'audit:read' },
    examples: ['iamctl audit list --action user.* --since 7d', 'iamctl audit list --user ada@acme.example -o json'],
    load, handler: 'list' },
  { path: ['audit', 'export'], summary: 'Write audit events, oldest first, as CSV, JSON or NDJSON (the export is audited)',
    options: [
      { flags: '--format <format>', description: 'ndjson (default; json with -o json), json or csv', choices: ['csv', 'json', 'ndjson'] },
      ...filters,
    ],
    guard: { kind: 'permission', permission: 'audit:read' },
    examples: ['iamctl audit export --since 2026-01-01 --until 2026-02-01 > january.ndjson'],
    load, handler: 'exportEvents' },
  { path: ['audit', 'verify'], summary: 'Walk the hash chain; exit 8 naming the first broken event',
    guard: { kind: 'permission', permission: 'audit:read', in: 'main' }, load, handler: 'verify' },
  { path: ['audit', 'prune'], summary: 'Delete events older than N days (default: the setting audit.retentionDays); the chain stays verifiable',
    options: [{ flags: '--older-than <days>', description: 'delete events older than this many days', integer: true }],
    guard: { kind: 'permission', permission: 'audit:delete', in: 'main' }, mutates: true,
    examples: ['iamctl audit prune --older-than 365 --yes'],
    load, handler: 'prune' },
];
