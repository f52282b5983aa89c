import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user-query.js');

export const userQueryCommands: readonly CommandSpec[] = [
  { path: ['user', 'list'], summary: 'List users of the acting tenant: search, filter, sort, page', list: true,
    options: [
      { flags: '--search <term>', description: 'name or email containing the term (1-2 characters: starting with it)' },
      { flags: '--status <status>', description: 'only this status', choices: ['active', 'invited', 'inactive', 'deleted'] },
      { flags: '--role <role>', description: 'only users holding this role directly' },
      { flags: '--include-deleted', description: 'list soft-deleted users too' },
      { flags: '--sort <key>', description: 'sort by name (default), email, created or last-login', choices: ['name', 'email', 'created', 'last-login'] },
      { flags: '--desc', description: 'descending order' },
      { flags: '--limit <n>', description: 'users per page (default 50, at most 1000)', integer: true },
      { flags: '--cursor <cursor>', description: 'continue after a previous page (its nextCursor)' },
      { flags: '--all-tenants', description: 'users of every tenant and the main account (super admins)' },
    ],
    guard: { kind: 'permission', permission: 'users:read' },
    examples: [
      'iamctl user list --search lovelace',
      'iamctl user list --status inactive --sort last-login --desc -o json',
      'iamctl user list --all-tenants --role admin --columns tenant,email,roles',
    ],
    load, handler: 'list' },
  { path: ['user', 'show'], summary: 'Show a user with their role assignments (role, by, at, via)', args: ['<user>'],
    guard: { kind: 'permission', permission: 'users:read' },
    examples: ['iamctl user show ada@acme.example', 'iamctl user show ada@acme.example -o json | jq .roleAssignments'],
    load, handler: 'show' },
  { path: ['user', 'stats'], summary: 'Count the acting tenant\'s users: total, administrators, active, new this week',
    guard: { kind: 'permission', permission: 'users:read' },
    load, handler: 'stats' },
];
