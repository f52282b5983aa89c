import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/can-i.js');

export const canICommands: readonly CommandSpec[] = [
  { path: ['can-i'], summary: 'May you (or --as a user) do an action on an entity? Exit 0 yes, 8 no', args: ['<action>', '<entity>'],
    options: [{ flags: '--as <user>', description: 'answer for this user of the tenant (needs users:read)' }],
    // Anyone may ask about themselves; --as is authorized by the handler against that user's tenant.
    guard: { kind: 'signed-in' },
    examples: ['iamctl can-i delete users', 'iamctl can-i operate flows:/finance/payroll --as ada@acme.example -o json'],
    load, handler: 'canI' },
];
