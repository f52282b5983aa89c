import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/sessions.js');

// Signed-in guards: one's own sessions need nothing more; the handlers authorize users:read
// (list) or users:update (revoke) in the acting tenant for anyone else's.
export const sessionAdminCommands: readonly CommandSpec[] = [
  { path: ['session', 'list'], summary: 'List live sessions: yours, or (admins) those of --user', list: true,
    options: [{ flags: '--user <user>', description: 'email or id of a user in the acting tenant' }],
    guard: { kind: 'signed-in' }, load, handler: 'list' },
  { path: ['session', 'revoke'], summary: 'End a session (yours, or as an admin anyone in the acting tenant)', args: ['<session-id>'],
    guard: { kind: 'signed-in' }, mutates: true, load, handler: 'revoke' },
];
