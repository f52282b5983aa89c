import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/review.js');

export const reviewCommands: readonly CommandSpec[] = [
  { path: ['review'], summary: 'Access review: inactive users, expired invitations, admins and MFA, stale keys, unused roles and teams',
    options: [
      { flags: '--inactive-days <days>', description: 'a user or key unused this long is a finding (default 90)' },
      { flags: '--format <format>', description: 'table, json or md (a Markdown report); default: the -o format', choices: ['table', 'json', 'md'] },
      { flags: '--fail-on-findings', description: 'exit 8 when there is any finding (info items excepted)' },
    ],
    // users:read here; roles, teams, keys and invitations are read too, checked by the handler.
    guard: { kind: 'permission', permission: 'users:read' },
    examples: ['iamctl review --inactive-days 60', 'iamctl review --format md > access-review.md', 'iamctl review --fail-on-findings -o json'],
    load, handler: 'review' },
];
