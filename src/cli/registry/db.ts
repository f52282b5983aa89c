import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/db.js');

export const dbCommands: readonly CommandSpec[] = [
  { path: ['db', 'migrate'], summary: 'Create or upgrade the schema of the store', guard: { kind: 'none' }, mutates: true,
    load, handler: 'migrate' },
  { path: ['db', 'status'], summary: 'Show the schema version, applied and pending migrations', guard: { kind: 'none' },
    load, handler: 'status' },
  { path: ['db', 'backup'], summary: 'Copy an SQLite store consistently while others write (owner-only file); PostgreSQL: use pg_dump',
    args: ['<file>'],
    // The copy holds every tenant's data and every password hash: super admins only.
    guard: { kind: 'permission', permission: 'environment:read', in: 'main' },
    examples: ['iamctl db backup ~/backups/iamctl-$(date +%F).db'],
    load, handler: 'backup' },
];
