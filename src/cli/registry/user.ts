import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user.js');

export const userCommands: readonly CommandSpec[] = [
  { path: ['user', 'create'], summary: 'Create a user: active with --password-stdin, otherwise invited',
    options: [
      { flags: '--email <email>', description: 'email (unique, cannot change later)' },
      { flags: '--first-name <name>', description: 'first name (2-100 characters)' },
      { flags: '--last-name <name>', description: 'last name' },
      { flags: '--role <role>', description: 'role (repeatable; default: the setting users.defaultRole)', repeatable: true },
      { flags: '--team <team>', description: 'team to join (repeatable)', repeatable: true },
      { flags: '--password-stdin', description: 'read the password from stdin: the user is active' },
      { flags: '--invite', description: 'invite the user to set a password (the default off a terminal)' },
    ],
    guard: { kind: 'permission', permission: 'users:create' }, mutates: true,
    examples: [
      'iamctl user create --tenant acme --email ada@acme.example --first-name Ada --role admin --invite',
      "printf '%s\\n' \"$PW\" | iamctl user create --email ops@acme.example --first-name Ops --password-stdin",
    ],
    load, handler: 'create' },
];
