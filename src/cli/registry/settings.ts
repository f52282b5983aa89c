import type { CommandSpec, OptionSpec } from '../registry-types.js';

const load = () => import('../commands/settings.js');

const scopeOptions: OptionSpec[] = [
  { flags: '--global', description: 'the global values (super admins)' },
  { flags: '--user <user>', description: "a user's own overrides (an email or id in the acting tenant)" },
];

// The permission depends on the scope (global-settings, tenant-settings, or users for a user's
// values): the handlers check it against the scope they resolve.
export const settingsCommands: readonly CommandSpec[] = [
  { path: ['settings', 'list'], summary: 'List settings set at a scope (--effective: every key, its value and where it comes from)',
    list: true,
    options: [{ flags: '--effective', description: 'every key with its effective value and source' }, ...scopeOptions],
    guard: { kind: 'permission', permission: 'tenant-settings:read', in: 'object' }, load, handler: 'list' },
  { path: ['settings', 'get'], summary: 'Print the effective value of a setting at a scope', args: ['<key>'], options: scopeOptions,
    guard: { kind: 'permission', permission: 'tenant-settings:read', in: 'object' }, load, handler: 'get' },
  { path: ['settings', 'set'], summary: 'Set a setting at a scope (secrets: --value-stdin)', args: ['<key>', '[value]'],
    options: [...scopeOptions, { flags: '--value-stdin', description: 'read the value from stdin (required for secret settings)' }],
    guard: { kind: 'permission', permission: 'tenant-settings:update', in: 'object' }, mutates: true,
    examples: [
      'iamctl settings set security.apiKeys.maxTtlDays 90 --global',
      'iamctl settings set security.apiKeys.enabled false --user robot@acme.example',
      'printf \'%s\\n\' "$OPENAI_KEY" | iamctl settings set ai.openaiApiKey --value-stdin',
    ],
    load, handler: 'set' },
  { path: ['settings', 'unset'], summary: 'Remove the value set at a scope (the next scope then applies)', args: ['<key>'], options: scopeOptions,
    guard: { kind: 'permission', permission: 'tenant-settings:update', in: 'object' }, mutates: true, load, handler: 'unset' },
];
