import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/team.js');
const enterprise = { rbac: 'enterprise' } as const;

export const teamCommands: readonly CommandSpec[] = [
  { path: ['team', 'create'], summary: 'Create a team', args: ['<name>'],
    guard: { kind: 'permission', permission: 'teams:create' }, edition: enterprise, mutates: true, load, handler: 'create' },
  { path: ['team', 'list'], summary: 'List teams with their roles and member counts', list: true,
    guard: { kind: 'permission', permission: 'teams:read' }, edition: enterprise, load, handler: 'list' },
  { path: ['team', 'show'], summary: 'Show a team: its roles and members', args: ['<name>'],
    guard: { kind: 'permission', permission: 'teams:read' }, edition: enterprise, load, handler: 'show' },
  { path: ['team', 'delete'], summary: 'Delete a team: its members lose the roles it granted', args: ['<name>'],
    guard: { kind: 'permission', permission: 'teams:delete' }, edition: enterprise, mutates: true, load, handler: 'remove' },
  { path: ['team', 'add-member'], summary: 'Add a user to a team', args: ['<team>', '<user>'],
    guard: { kind: 'permission', permission: 'teams:update' }, edition: enterprise, mutates: true, load, handler: 'addMember' },
  { path: ['team', 'remove-member'], summary: 'Remove a user from a team', args: ['<team>', '<user>'],
    guard: { kind: 'permission', permission: 'teams:update' }, edition: enterprise, mutates: true, load, handler: 'removeMember' },
  { path: ['team', 'grant'], summary: "Grant a role to a team's members", args: ['<team>', '<role>'],
    guard: { kind: 'permission', permission: 'teams:update' }, edition: enterprise, mutates: true,
    examples: ['iamctl team grant platform-eng editor'], load, handler: 'grant' },
  { path: ['team', 'revoke'], summary: 'Revoke a role from a team', args: ['<team>', '<role>'],
    guard: { kind: 'permission', permission: 'teams:update' }, edition: enterprise, mutates: true, load, handler: 'revoke' },
];
