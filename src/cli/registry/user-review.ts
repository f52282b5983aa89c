import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/user-review.js');

// Access reviews on one user: why can or can't they, and off-boarding.
export const userReviewCommands: readonly CommandSpec[] = [
  { path: ['user', 'diagnose'], summary: "Why can or can't a user act: account, tenant, roles, teams, grants, MFA and key checks", args: ['<user>'],
    options: [
      { flags: '--action <action>', description: 'with --on: the action to decide (create, read, update, delete, operate)' },
      { flags: '--on <entity>', description: 'with --action: the entity, optionally a resource path (flows:/finance/payroll)' },
    ],
    // users:read here; roles:read too (checked by the handler): a diagnosis shows roles and grants.
    guard: { kind: 'permission', permission: 'users:read' },
    examples: ['iamctl user diagnose ada@acme.example', 'iamctl user diagnose ada@acme.example --action update --on flows:/finance/payroll -o json'],
    load, handler: 'diagnose' },
];

export const userOffboardCommands: readonly CommandSpec[] = [
  { path: ['user', 'offboard'], summary: 'Off-board a user in one step: deactivate, end sessions, revoke keys (also those they made for others), leave teams, drop grants and invitations', args: ['<user>'],
    options: [{ flags: '--dry-run', description: 'show what would change, change nothing' }],
    // users:update here; api-keys:delete, teams:update, roles:update and invitations:delete too (the handler).
    guard: { kind: 'permission', permission: 'users:update' }, mutates: true,
    examples: ['iamctl user offboard ada@acme.example --dry-run', 'iamctl user offboard ada@acme.example --yes -o json'],
    load, handler: 'offboard' },
];
