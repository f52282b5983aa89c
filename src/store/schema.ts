// Table types for Kysely. Column names are the store's (snake_case); repositories map rows to
// the camelCase domain objects of src/core/model.ts in one place each.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** ISO 8601 UTC text. */
type Time = string;
/** 0 or 1. */
type Flag = number;
/** bigint columns come back as strings from pg and numbers from SQLite. */
type BigIntColumn = ColumnType<number | string, number, number>;

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  email: string | null;
  color: string | null;
  status: 'active' | 'inactive';
  kind: 'main' | 'system' | 'tenant';
  created_at: Time;
  updated_at: Time;
}

export interface UsersTable {
  rid: Generated<number>;
  id: string;
  tenant_id: string;
  email: string;
  email_lower: string;
  first_name: string;
  last_name: string;
  name_lower: string;
  last_name_lower: string;
  status: 'invited' | 'active' | 'inactive' | 'deleted';
  password_hash: string | null;
  default_tenant_id: string | null;
  mfa_enabled: Flag;
  created_at: Time;
  updated_at: Time;
  last_login_at: Time | null;
  deleted_at: Time | null;
}

export interface RolesTable {
  tenant_id: string;
  id: string;
  display_name: string;
  description: string;
  builtin: Flag;
  created_at: Time;
  updated_at: Time;
}

export interface RolePermissionsTable {
  tenant_id: string;
  role_id: string;
  permission: string;
}

export interface RoleInheritsTable {
  tenant_id: string;
  role_id: string;
  inherits_role_id: string;
}

export interface RoleAssignmentsTable {
  tenant_id: string;
  user_id: string;
  role_id: string;
  assigned_by: string | null;
  assigned_at: Time;
}

export interface TeamsTable {
  tenant_id: string;
  id: string;
  name: string;
  created_at: Time;
  created_by: string | null;
}

export interface TeamMembersTable {
  tenant_id: string;
  team_id: string;
  user_id: string;
  added_by: string | null;
  added_at: Time;
}

export interface TeamRolesTable {
  tenant_id: string;
  team_id: string;
  role_id: string;
  granted_by: string | null;
  granted_at: Time;
}

export interface ResourceGrantsTable {
  tenant_id: string;
  id: string;
  subject: string;
  user_id: string | null;
  team_id: string | null;
  entity: string;
  path: string;
  role_id: string | null;
  level: string | null;
  created_by: string | null;
  created_at: Time;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  hint: string;
  created_by: string | null;
  created_at: Time;
  expires_at: Time | null;
  revoked_at: Time | null;
  revoked_by: string | null;
  last_used_at: Time | null;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  via: 'password' | 'sso';
  restricted: Flag;
  created_at: Time;
  expires_at: Time;
  last_seen_at: Time | null;
  revoked_at: Time | null;
}

export interface InvitationsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: Time;
  expires_at: Time;
  accepted_at: Time | null;
  revoked_at: Time | null;
  superseded_at: Time | null;
}

export interface SignInAttemptsTable {
  id: string;
  email_lower: string;
  at: Time;
  succeeded: Flag;
}

export interface LockoutsTable {
  tenant_id: string;
  user_id: string;
  locked_at: Time;
  locked_until: Time;
}

export interface MfaFactorsTable {
  tenant_id: string;
  user_id: string;
  secret_enc: string;
  created_at: Time;
  confirmed_at: Time | null;
  last_used_step: BigIntColumn | null;
}

export interface MfaRecoveryCodesTable {
  tenant_id: string;
  user_id: string;
  code_hash: string;
  created_at: Time;
  used_at: Time | null;
}

export interface TenantSettingsTable {
  tenant_id: string;
  key: string;
  value: string;
  updated_at: Time;
  updated_by: string | null;
}

export interface UserSettingsTable {
  tenant_id: string;
  user_id: string;
  key: string;
  value: string;
  updated_at: Time;
  updated_by: string | null;
}

export interface SsoConfigTable {
  id: string;
  issuer: string;
  audience: string;
  jwks: string;
  updated_at: Time;
  updated_by: string | null;
}

export interface SsoGroupMappingsTable {
  id: string;
  group_name: string;
  tenant_id: string;
  role_id: string;
  position: number;
  created_at: Time;
  created_by: string | null;
}

export interface AuditEventsTable {
  seq: BigIntColumn;
  at: Time;
  tenant_id: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  result: 'success' | 'failure';
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: BigIntColumn;
  hash: string;
  anchor_seq: BigIntColumn;
  anchor_hash: string;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  role_inherits: RoleInheritsTable;
  role_assignments: RoleAssignmentsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  team_roles: TeamRolesTable;
  resource_grants: ResourceGrantsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  sign_in_attempts: SignInAttemptsTable;
  lockouts: LockoutsTable;
  mfa_factors: MfaFactorsTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  tenant_settings: TenantSettingsTable;
  user_settings: UserSettingsTable;
  sso_config: SsoConfigTable;
  sso_group_mappings: SsoGroupMappingsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type RoleRow = Selectable<RolesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type InvitationRow = Selectable<InvitationsTable>;
