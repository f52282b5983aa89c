import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/role.js');

const definition = [
  { flags: '--display-name <name>', description: 'name shown to people (default: from the role name)' },
  { flags: '--description <text>', description: 'what the role is for' },
] as const;

export const roleCommands: readonly CommandSpec[] = [
  { path: ['role', 'list'], summary: 'List the roles of the tenant: built-in and custom', list: true,
    guard: { kind: 'permission', permission: 'roles:read' }, edition: { rbac: 'basic' }, load, handler: 'list' },
  { path: ['role', 'show'], summary: 'Show a role: its permissions by entity and the users holding it', args: ['<role>'],
    guard: { kind: 'permission', permission: 'roles:read' }, edition: { rbac: 'basic' }, load, handler: 'show' },
  { path: ['role', 'permissions'], summary: 'Print the permission catalog: areas, entities and their actions', list: true,
    guard: { kind: 'signed-in' }, load, handler: 'permissions' },
  { path: ['role', 'create'], summary: 'Create a custom role from grants and inherited roles', args: ['<name>'],
    options: [
      ...definition,
      { flags: '--grant <grant>', description: 'entity:action, entity:* or area:level (repeatable)', repeatable: true },
      { flags: '--inherits <role>', description: 'role to inherit (repeatable)', repeatable: true },
    ],
    guard: { kind: 'permission', permission: 'roles:create' }, edition: { rbac: 'enterprise' }, mutates: true,
    examples: [
      'iamctl role create flow-runner --inherits viewer --grant flows:operate --grant schedules:operate',
      'iamctl role create automation-operator --display-name "Automation Operator" --grant automation:operator',
    ],
    load, handler: 'create' },
  { path: ['role', 'update'], summary: "Change a custom role's names, grants or inherited roles", args: ['<name>'],
    options: [
      ...definition,
      { flags: '--grant <grant>', description: 'replace every grant with these (repeatable; "" for none)', repeatable: true },
      { flags: '--add-grant <grant>', description: 'add a grant (repeatable)', repeatable: true },
      { flags: '--remove-grant <grant>', description: 'remove a grant (repeatable)', repeatable: true },
      { flags: '--inherits <role>', description: 'replace every inherited role with these (repeatable; "" for none)', repeatable: true },
      { flags: '--add-inherits <role>', description: 'inherit another role (repeatable)', repeatable: true },
      { flags: '--remove-inherits <role>', description: 'stop inheriting a role (repeatable)', repeatable: true },
    ],
    guard: { kind: 'permission', permission: 'roles:update' }, edition: { rbac: 'enterprise' }, mutates: true,
    examples: ['iamctl role update flow-runner --add-grant webhooks:read --remove-inherits viewer'],
    load, handler: 'update' },
  { path: ['role', 'delete'], summary: 'Delete a custom role (--force: also while assigned, removing the assignments)', args: ['<name>'],
    options: [{ flags: '--force', description: 'remove its assignments, team grants and inheritance links with it' }],
    guard: { kind: 'permission', permission: 'roles:delete' }, edition: { rbac: 'enterprise' }, mutates: true, load, handler: 'remove' },
  { path: ['role', 'assign'], summary: 'Give a user a role', args: ['<user>', '<role>'],
    guard: { kind: 'permission', permission: 'roles:update' }, edition: { rbac: 'basic' }, mutates: true,
    examples: ['iamctl role assign ada@acme.example editor'], load, handler: 'assign' },
  { path: ['role', 'unassign'], summary: 'Take a role from a user (a user keeps at least one)', args: ['<user>', '<role>'],
    guard: { kind: 'permission', permission: 'roles:update' }, edition: { rbac: 'basic' }, mutates: true, load, handler: 'unassign' },
];
