// user update | move | deactivate | activate | delete | restore | purge (part of the `user` group).
import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user-lifecycle.js');
const userArg = ['<user>'] as const;

export const userLifecycleCommands: readonly CommandSpec[] = [
  { path: ['user', 'update'], summary: "Change a user's first or last name (the email cannot change)", args: userArg,
    options: [
      { flags: '--first-name <name>', description: 'first name (2-100 characters)' },
      { flags: '--last-name <name>', description: "last name ('' clears it)" },
      { flags: '--email <email>', description: 'refused: emails are immutable (create a new user instead)' },
    ],
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true,
    examples: ["iamctl user update ada@acme.example --first-name Ada --last-name 'King'"],
    load, handler: 'update' },
  { path: ['user', 'move'], summary: 'Move a tenant user to another tenant (ends sessions; revokes keys and invitations; removes teams, grants and custom roles)', args: userArg,
    options: [{ flags: '--to <tenant>', description: 'the destination tenant (or the global --tenant)' }],
    guard: { kind: 'permission', permission: 'users:update', in: 'main' }, mutates: true,
    examples: ['iamctl user move ada@acme.example --to globex --yes'],
    load, handler: 'move' },
  { path: ['user', 'deactivate'], summary: 'Deactivate a user: their sessions end and their keys stop working', args: userArg,
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true,
    examples: ['iamctl user deactivate ada@acme.example --yes'],
    load, handler: 'deactivate' },
  { path: ['user', 'activate'], summary: 'Activate an inactive user again', args: userArg,
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true, load, handler: 'activate' },
  { path: ['user', 'delete'], summary: 'Delete a user (soft: hidden, sessions end, keys stop working; `user restore` undoes it)', args: userArg,
    guard: { kind: 'permission', permission: 'users:delete' }, mutates: true,
    examples: ['iamctl user delete ada@acme.example --yes'],
    load, handler: 'remove' },
  { path: ['user', 'restore'], summary: 'Restore a deleted user: active again, with everything they had', args: userArg,
    guard: { kind: 'permission', permission: 'users:delete' }, mutates: true, load, handler: 'restore' },
  { path: ['user', 'purge'], summary: "Erase a deleted user for good (personal data and rows; audit events keep the id)", args: userArg,
    guard: { kind: 'permission', permission: 'users:delete' }, mutates: true,
    examples: ['iamctl user purge ada@acme.example --yes'],
    load, handler: 'purge' },
];
