// Every command of the tool, declared in one place (one file per noun under registry/): its
// words, arguments, options, guard and the module that implements it (loaded only when the
// command runs). Tests build their matrices (authorization, isolation, hostile input) from
// this list, so a new command without coverage fails them.
import type { CommandSpec, GroupSpec } from './registry-types.js';
import { accessCommands } from './registry/access.js';
import { applyCommands } from './registry/apply.js';
import { auditCommands } from './registry/audit.js';
import { canICommands } from './registry/can-i.js';
import { completionCommands } from './registry/completion.js';
import { dbCommands } from './registry/db.js';
import { envCommands } from './registry/env.js';
import { inviteCommands } from './registry/invite.js';
import { keyCommands } from './registry/key.js';
import { mfaCommands } from './registry/mfa.js';
import { passwordCommands } from './registry/password.js';
import { reviewCommands } from './registry/review.js';
import { roleCommands } from './registry/role.js';
import { sessionCommands } from './registry/session.js';
import { sessionAdminCommands } from './registry/sessions.js';
import { settingsCommands } from './registry/settings.js';
import { ssoCommands } from './registry/sso.js';
import { teamCommands } from './registry/team.js';
import { tenantCommands } from './registry/tenant.js';
import { userCredentialCommands } from './registry/user-credentials.js';
import { userCommands } from './registry/user.js';
import { userLifecycleCommands } from './registry/user-lifecycle.js';
import { userMfaCommands } from './registry/user-mfa.js';
import { userOffboardCommands, userReviewCommands } from './registry/user-review.js';
import { userBulkCommands } from './registry/user-bulk.js';
import { userQueryCommands } from './registry/user-query.js';

export const groups: readonly GroupSpec[] = [
  { name: 'tenant', aliases: ['tenants'], summary: 'Manage tenants and the tenant you act in' },
  { name: 'user', aliases: ['users'], summary: 'Manage users' },
  { name: 'invite', aliases: ['invites', 'invitation', 'invitations'], summary: 'Invite users and accept invitations' },
  { name: 'password', summary: 'Change your own password' },
  { name: 'mfa', summary: 'Your second factor: TOTP enrolment and recovery codes' },
  { name: 'session', aliases: ['sessions'], summary: 'List and revoke sign-in sessions' },
  { name: 'role', aliases: ['roles'], summary: 'Roles, permissions and role assignments' },
  { name: 'team', aliases: ['teams'], summary: 'Teams: groups of users that share roles' },
  { name: 'access', summary: 'Resource-scoped access: grants on one flow, connection or folder' },
  { name: 'sso', summary: 'Single sign-on with an OpenID Connect identity provider' },
  { name: 'key', aliases: ['keys'], summary: 'Manage API keys and verify them' },
  { name: 'settings', aliases: ['setting'], summary: 'Read and change settings (global, tenant, user)' },
  { name: 'audit', summary: 'Read and verify the audit trail' },
  { name: 'db', summary: 'Create, migrate and inspect the store' },
];

export const commands: readonly CommandSpec[] = [
  ...sessionCommands,
  ...tenantCommands,
  ...userCommands,
  ...userQueryCommands,
  ...userLifecycleCommands,
  ...userCredentialCommands,
  ...userMfaCommands,
  ...userReviewCommands,
  ...userOffboardCommands,
  ...inviteCommands,
  ...passwordCommands,
  ...mfaCommands,
  ...sessionAdminCommands,
  ...roleCommands,
  ...teamCommands,
  ...accessCommands,
  ...canICommands,
  ...ssoCommands,
  ...keyCommands,
  ...settingsCommands,
  ...userBulkCommands,
  ...applyCommands,
  ...auditCommands,
  ...reviewCommands,
  ...envCommands,
  ...dbCommands,
  ...completionCommands,
];
