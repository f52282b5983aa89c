import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/access.js');
const enterprise = { rbac: 'enterprise' } as const;
const on = { flags: '--on <entity:path>', description: 'the resource: <entity>:<path>, e.g. flows:/finance/payroll (a folder covers what is under it; /finance/* = /finance)' };

// Grants are administered with roles:update in the tenant, or by a manager of the resource
// (through a grant): the handler decides against the resource, hence `in: 'object'`.
export const accessCommands: readonly CommandSpec[] = [
  { path: ['access', 'grant'], summary: 'Give a user or team a level (manager, operator, viewer, none) or a role on one resource or folder',
    args: ['<user|team:NAME>', '<role|level>'], options: [on],
    guard: { kind: 'permission', permission: 'roles:update', in: 'object' }, edition: enterprise, mutates: true,
    examples: [
      'iamctl access grant ada@acme.example operator --on flows:/finance/payroll',
      'iamctl access grant team:contractors none --on flows:/finance/*',
      'iamctl access grant team:ops flow-runner --on flows:/ops',
    ],
    load, handler: 'grant' },
  { path: ['access', 'revoke'], summary: "Remove a user's or team's grant on exactly that resource or folder",
    args: ['<user|team:NAME>'], options: [on],
    guard: { kind: 'permission', permission: 'roles:update', in: 'object' }, edition: enterprise, mutates: true,
    examples: ['iamctl access revoke team:contractors --on flows:/finance --yes'],
    load, handler: 'revoke' },
  { path: ['access', 'list'], summary: 'List grants: of the tenant, on a resource (--on), reaching a user (--user), or what a user may do (--effective)',
    options: [
      { flags: '--on <entity[:path]>', description: 'grants of an entity, or those that apply to a resource (on it or a folder above) and inside it' },
      { flags: '--user <user>', description: "grants reaching this user: their own and their teams'" },
      { flags: '--effective', description: 'what the user (--user, default you) may do at each granted path, and which grant or role decides' },
    ],
    guard: { kind: 'permission', permission: 'roles:read', in: 'object' }, edition: enterprise, list: true,
    examples: ['iamctl access list --on flows:/finance/payroll', 'iamctl access list --user ada@acme.example --effective -o json'],
    load, handler: 'list' },
];
