import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/session.js');

export const sessionCommands: readonly CommandSpec[] = [
  {
    path: ['init'],
    summary: 'Create the store, the built-in roles and the first super admin, and sign in',
    options: [
      { flags: '--admin-email <email>', description: 'email of the first super admin' },
      { flags: '--admin-first-name <name>', description: 'first name of the first super admin' },
      { flags: '--admin-last-name <name>', description: 'last name of the first super admin' },
      { flags: '--admin-password-stdin', description: 'read the password from stdin' },
    ],
    guard: { kind: 'none' },
    mutates: true,
    examples: ["printf '%s\\n' \"$PASSWORD\" | iamctl init --admin-email root@example.com --admin-first-name Root --admin-password-stdin"],
    load,
    handler: 'init',
  },
  {
    path: ['login'],
    summary: 'Sign in with email and password (and an authentication code when MFA is on)',
    options: [
      { flags: '--email <email>', description: 'your email' },
      { flags: '--password-stdin', description: 'read the password from stdin' },
      { flags: '--code-stdin', description: 'read the authentication code (or a recovery code) from stdin, the line after the password' },
    ],
    guard: { kind: 'none' },
    examples: [
      "printf '%s\\n' \"$PASSWORD\" | iamctl login --email ada@acme.example --password-stdin",
      "printf '%s\\n' \"$PASSWORD\" \"$CODE\" | iamctl login --email ada@acme.example --password-stdin --code-stdin",
    ],
    load,
    handler: 'login',
  },
  {
    path: ['logout'],
    summary: 'Sign out (--all: end every session of your account)',
    options: [{ flags: '--all', description: 'end every session of your account, on every machine' }],
    // Works with an expired session too: it then only clears the context file.
    guard: { kind: 'none' },
    load,
    handler: 'logout',
  },
  {
    path: ['whoami'],
    summary: 'Show who you are signed in as, where you act and what you may do',
    guard: { kind: 'signed-in', restrictedOk: true },
    load,
    handler: 'whoami',
  },
];
