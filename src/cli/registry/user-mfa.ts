import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user-mfa.js');

export const userMfaCommands: readonly CommandSpec[] = [
  { path: ['user', 'mfa-reset'], summary: "Clear a user's second factor and recovery codes (ends all their sessions)", args: ['<user>'],
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true,
    examples: ['iamctl user mfa-reset ada@acme.example --yes'],
    load, handler: 'mfaReset' },
];
