import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/env.js');

export const envCommands: readonly CommandSpec[] = [
  { path: ['env'], summary: 'Environment information: version, store, schema, counts, editions and limits',
    guard: { kind: 'permission', permission: 'environment:read', in: 'main' }, load, handler: 'env' },
];
