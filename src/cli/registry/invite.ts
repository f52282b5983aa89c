import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/invite.js');
const invitationStatus = ['pending', 'accepted', 'expired', 'revoked', 'all'] as const;

export const inviteCommands: readonly CommandSpec[] = [
  { path: ['invite', 'create'], summary: 'Invite someone: creates the invited user and delivers a single-use token',
    options: [
      { flags: '--email <email>', description: 'email of the person to invite' },
      { flags: '--first-name <name>', description: 'first name (else given when accepting)' },
      { flags: '--role <role>', description: 'role (repeatable; default: the setting users.defaultRole)', repeatable: true },
      { flags: '--team <team>', description: 'team to join (repeatable)', repeatable: true },
    ],
    guard: { kind: 'permission', permission: 'invitations:create' }, mutates: true,
    examples: ['iamctl invite create --tenant acme --email ada@acme.example --first-name Ada --role editor'],
    load, handler: 'create' },
  { path: ['invite', 'list'], summary: "List the acting tenant's invitations, newest first", list: true,
    options: [
      { flags: '--status <status>', description: 'pending, accepted, expired, revoked or all', choices: invitationStatus, default: 'all' },
      { flags: '--limit <n>', description: 'invitations per page (default 50)', integer: true },
      { flags: '--cursor <cursor>', description: 'continue after a previous page' },
    ],
    guard: { kind: 'permission', permission: 'invitations:read' }, load, handler: 'list' },
  { path: ['invite', 'resend'], summary: 'Deliver a new token (fresh expiry); the previous token stops working', args: ['<email|id>'],
    guard: { kind: 'permission', permission: 'invitations:update' }, mutates: true, load, handler: 'resend' },
  { path: ['invite', 'revoke'], summary: 'Revoke an invitation: its token can no longer be accepted', args: ['<email|id>'],
    guard: { kind: 'permission', permission: 'invitations:delete' }, mutates: true, load, handler: 'revoke' },
  { path: ['invite', 'accept'], summary: 'Accept an invitation: set your password (token, then password)',
    options: [
      { flags: '--token-stdin', description: 'read the invitation token from stdin (first line)' },
      { flags: '--password-stdin', description: 'read the new password from stdin (next line)' },
      { flags: '--first-name <name>', description: 'your first name (required when the invitation has none)' },
      { flags: '--last-name <name>', description: 'your last name' },
    ],
    guard: { kind: 'none' }, mutates: true,
    examples: ["printf '%s\\n' \"$TOKEN\" \"$PASSWORD\" | iamctl invite accept --token-stdin --password-stdin --first-name Ada"],
    load, handler: 'accept' },
];
