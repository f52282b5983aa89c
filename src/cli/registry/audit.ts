import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/audit.js');

export const auditCommands: readonly CommandSpec[] = [
  { path: ['audit', 'list'], summary: 'List audit events, newest first', list: true,
    options: [
      { flags: '--limit <n>', description: 'events per page (default 50)', integer: true },
      { flags: '--cursor <cursor>', description: 'continue after a previous page' },
    ],
    guard: { kind: 'permission', permission: 'audit:read' }, load, handler: 'list' },
  { path: ['audit', 'verify'], summary: 'Walk the hash chain; exit 8 naming the first broken event',
    guard: { kind: 'permission', permission: 'audit:read', in: 'main' }, load, handler: 'verify' },
];
