// user import | export: users in bulk (part of the `user` group).
import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user-bulk.js');

export const userBulkCommands: readonly CommandSpec[] = [
  { path: ['user', 'import'], summary: 'Create users from a CSV, JSON or NDJSON file (- for stdin); every row is checked before any is written',
    args: ['<file>'],
    options: [
      { flags: '--format <format>', description: 'csv, json or ndjson (default: by extension, else by content)', choices: ['csv', 'json', 'ndjson'] },
      { flags: '--on-conflict <action>', description: 'a user with the email exists: fail, skip, or update it', choices: ['fail', 'skip', 'update'], default: 'fail' },
      { flags: '--dry-run', description: 'check the whole file and count what would change; write nothing' },
      { flags: '--batch <n>', description: 'commit every N rows (default: all in one transaction; a failure then keeps the earlier batches)', integer: true },
    ],
    guard: { kind: 'permission', permission: 'users:create' }, mutates: true,
    examples: [
      'iamctl user import users.csv --dry-run',
      'iamctl user import users.csv --tenant acme --on-conflict skip',
      'iamctl user export --with-hashes --all-tenants --format ndjson | iamctl --db new.db user import - --format ndjson',
    ],
    load, handler: 'importUsers' },
  { path: ['user', 'export'], summary: 'Write the users of the acting tenant as CSV, JSON or NDJSON (what `user import` reads)',
    options: [
      { flags: '--format <format>', description: 'csv (default; json with -o json) or ndjson', choices: ['csv', 'json', 'ndjson'] },
      { flags: '--with-hashes', description: 'include password hashes, to move users to another store (super admins; audited)' },
      { flags: '--all-tenants', description: 'every tenant and the main account (super admins)' },
    ],
    guard: { kind: 'permission', permission: 'users:read' },
    examples: ['iamctl user export --tenant acme > acme-users.csv'],
    load, handler: 'exportUsers' },
];
