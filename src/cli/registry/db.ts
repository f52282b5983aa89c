import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/db.js');

export const dbCommands: readonly CommandSpec[] = [
  { path: ['db', 'migrate'], summary: 'Create or upgrade the schema of the store', guard: { kind: 'none' }, mutates: true,
    load, handler: 'migrate' },
  { path: ['db', 'status'], summary: 'Show the schema version, applied and pending migrations', guard: { kind: 'none' },
    load, handler: 'status' },
];
