import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/key.js');

// Every principal may run these for their own keys (when the key policy allows them); acting
// on another user's keys needs api-keys:create/read/update/delete in that user's tenant, which
// the handlers check (ctx.authorize) against the key or user they find.
export const keyCommands: readonly CommandSpec[] = [
  { path: ['key', 'create'], summary: 'Create an API key (yours, or --user\'s) and print it once',
    options: [
      { flags: '--user <user>', description: 'owner: an email or id in the acting tenant (default: you)' },
      { flags: '--name <name>', description: 'a label for the key' },
      { flags: '--expires-in-days <days>', description: 'lifetime in days (required when security.apiKeys.maxTtlDays is set)' },
    ],
    guard: { kind: 'signed-in' }, mutates: true,
    examples: [
      'iamctl key create --name ci --expires-in-days 90 > ci.key',
      'iamctl key create --tenant acme --user robot@acme.example -o json | jq -r .secret',
    ],
    load, handler: 'create' },
  { path: ['key', 'list'], summary: 'List API keys (masked): yours, --user\'s, or --all of the acting tenant', list: true,
    options: [
      { flags: '--user <user>', description: "another user's keys (an email or id)" },
      { flags: '--all', description: "every key of the acting tenant (paginated)" },
      { flags: '--limit <n>', description: 'keys per page with --all (default 50)', integer: true },
      { flags: '--cursor <cursor>', description: 'continue after a previous page (--all)' },
    ],
    guard: { kind: 'signed-in' }, load, handler: 'list' },
  { path: ['key', 'show'], summary: 'Show an API key (masked)', args: ['<key-id>'],
    guard: { kind: 'signed-in' }, load, handler: 'show' },
  { path: ['key', 'regenerate'], summary: 'Issue a new secret for a key; the old one stops working at once', args: ['<key-id>'],
    guard: { kind: 'signed-in' }, mutates: true, load, handler: 'regenerate' },
  { path: ['key', 'revoke'], summary: 'Revoke an API key', args: ['<key-id>'],
    guard: { kind: 'signed-in' }, mutates: true, load, handler: 'revoke' },
  { path: ['key', 'verify'], summary: 'Verify a key read from stdin: exit 0 and its principal if valid, 4 and the reason if not',
    guard: { kind: 'none' },
    examples: ['printf \'%s\\n\' "$KEY" | iamctl key verify -o json'],
    load, handler: 'verify' },
];
