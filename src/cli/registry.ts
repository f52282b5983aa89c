// Every command of the tool, declared in one place (one file per noun under registry/): its
// words, arguments, options, guard and the module that implements it (loaded only when the
// command runs). Tests build their matrices (authorization, isolation, hostile input) from
// this list, so a new command without coverage fails them.
import type { CommandSpec, GroupSpec } from './registry-types.js';
import { auditCommands } from './registry/audit.js';
import { completionCommands } from './registry/completion.js';
import { dbCommands } from './registry/db.js';
import { envCommands } from './registry/env.js';
import { sessionCommands } from './registry/session.js';
import { tenantCommands } from './registry/tenant.js';
import { userCommands } from './registry/user.js';
import { userBulkCommands } from './registry/user-bulk.js';

export const groups: readonly GroupSpec[] = [
  { name: 'tenant', aliases: ['tenants'], summary: 'Manage tenants and the tenant you act in' },
  { name: 'user', aliases: ['users'], summary: 'Manage users' },
  { name: 'audit', summary: 'Read and verify the audit trail' },
  { name: 'db', summary: 'Create, migrate and inspect the store' },
];

export const commands: readonly CommandSpec[] = [
  ...sessionCommands,
  ...tenantCommands,
  ...userCommands,
  ...userBulkCommands,
  ...auditCommands,
  ...envCommands,
  ...dbCommands,
  ...completionCommands,
];
