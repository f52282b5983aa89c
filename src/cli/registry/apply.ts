// apply | export: the declarative files of SPEC §7.
import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/apply.js');

export const applyCommands: readonly CommandSpec[] = [
  { path: ['apply'], summary: 'Make the store match a declarative file (YAML or JSON): plan, then one transaction',
    options: [
      { flags: '-f, --file <path>', description: 'a file, a folder of *.yaml/*.yml/*.json files, or - for stdin' },
      { flags: '--dry-run', description: 'print the plan and write nothing' },
      { flags: '--prune', description: 'in the tenants the file names, delete custom roles, teams, memberships and grants it does not list, and soft-delete unlisted users' },
      { flags: '--detailed-exitcode', description: 'exit 10 when there are changes (applied, or pending with --dry-run), 0 when none' },
    ],
    // Per-object permissions are checked against each tenant the file names (see README).
    guard: { kind: 'permission', permission: 'tenant-settings:update' }, mutates: true,
    examples: [
      'iamctl apply -f env.yaml --dry-run',
      'iamctl apply -f env/ --prune --yes',
      'iamctl export | iamctl --db other.db apply -f -',
    ],
    load, handler: 'apply' },
  { path: ['export'], summary: 'Write the store (or the acting tenant) as the file `apply` reads: YAML, or JSON with -o json',
    guard: { kind: 'permission', permission: 'tenant-settings:read' },
    examples: ['iamctl export > env.yaml', 'iamctl export --tenant acme -o json'],
    load, handler: 'exportFile' },
];
