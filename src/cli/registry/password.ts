import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/password.js');

export const passwordCommands: readonly CommandSpec[] = [
  { path: ['password', 'change'], summary: 'Change your own password (current, then new); your other sessions end',
    options: [{ flags: '--password-stdin', description: 'read the current password, then the new one, from stdin (one line each)' }],
    guard: { kind: 'signed-in' }, mutates: true,
    examples: ["printf '%s\\n' \"$CURRENT\" \"$NEW\" | iamctl password change --password-stdin"],
    load, handler: 'change' },
];
