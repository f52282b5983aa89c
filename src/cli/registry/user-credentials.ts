import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user-credentials.js');

export const userCredentialCommands: readonly CommandSpec[] = [
  { path: ['user', 'set-password'], summary: "Set a user's password (ends all their sessions; activates an invited user)", args: ['<user>'],
    options: [{ flags: '--password-stdin', description: 'read the new password from stdin' }],
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true,
    examples: ["printf '%s\\n' \"$PW\" | iamctl user set-password ada@acme.example --password-stdin"],
    load, handler: 'setPassword' },
  { path: ['user', 'unlock'], summary: 'Clear a sign-in lockout', args: ['<user>'],
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true, load, handler: 'unlock' },
];
