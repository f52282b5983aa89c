// Domain objects in camelCase: exactly what `-o json` emits (SPEC §10). Fields may be added,
// never renamed.

export type TenantStatus = 'active' | 'inactive';
export type UserStatus = 'invited' | 'active' | 'inactive' | 'deleted';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  email: string | null;
  color: string | null;
  status: TenantStatus;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** Tenant slug, or null for the main account. */
  tenant: string | null;
  roles: string[];
  status: UserStatus;
  mfaEnabled: boolean;
  defaultTenant: string | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  deletedAt: string | null;
}

export interface RoleAssignment {
  role: string;
  /** Email of the assigner (or their id when they are gone), null for the system. */
  assignedBy: string | null;
  assignedAt: string;
  via: string; // 'direct' | 'team:NAME'
}

export interface Role {
  /** The role's name, which is also its id. */
  id: string;
  name: string;
  displayName: string;
  description: string;
  builtin: boolean;
  /** Tenant slug, or null for the main account. */
  tenant: string | null;
  /** Roles inherited directly. */
  inherits: string[];
  /** Grants as written (`entity:action`, `entity:*`, `area:level`); built-in roles' come from the catalog. */
  grants: string[];
  /** Everything the role grants, its own grants and inherited roles expanded, in catalog order. */
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

/** A user holding a role (`role show`). */
export interface RoleHolder {
  user: string;
  userId: string;
  name: string;
  /** 'direct' or 'team:NAME'. */
  via: string;
  /** The role held: the role itself, or a role that inherits it. */
  role: string;
  assignedBy: string | null;
  assignedAt: string;
}

export interface RoleDetail extends Role {
  holders: RoleHolder[];
}

/** One entity of the permission catalog (`role permissions`). */
export interface CatalogEntry {
  area: string;
  entity: string;
  actions: string[];
  /** Only super admins hold these permissions. */
  superAdminOnly: boolean;
}

export interface Team {
  id: string;
  name: string;
  tenant: string | null;
  roles: string[];
  /** Members' emails. */
  members: string[];
  createdAt: string;
}

/** The answer of `can-i`. */
export interface CanIAnswer {
  allowed: boolean;
  action: string;
  entity: string;
  path: string | null;
  /** Email of the user the question is about. */
  user: string;
  tenant: string | null;
  reason: string;
  /** The reached roles that grant the permission: role, how it was reached, where the chain starts. */
  grantedBy: { role: string; via: string; origin: string }[];
  /** Distinct roles in grantedBy. */
  roles: string[];
  /** Teams whose roles (or resource grants) decided. */
  teams: string[];
  /** What decided: a resource grant on the path, the tenant-wide roles, or (for another user) their account's state. */
  decidedBy: 'grant' | 'roles' | 'account';
  /** The resource grants that decided (empty when the roles did). */
  grants: ResourceGrantSummary[];
}

/** A resource grant as a decision names it. */
export interface ResourceGrantSummary {
  /** `user:<email>` or `team:<name>`. */
  subject: string;
  entity: string;
  path: string;
  /** manager | operator | viewer | none, or null when the grant names a role. */
  level: string | null;
  role: string | null;
  /** What it gives on the entity now. */
  actions: string[];
}

/** A resource grant (`access list`, `access grant`). */
export interface ResourceGrant extends ResourceGrantSummary {
  id: string;
  /** The user's email for a user's grant, else null. */
  user: string | null;
  /** The team's name for a team's grant, else null. */
  team: string | null;
  tenant: string | null;
  /** Email of whoever granted it (their id once they are gone). */
  createdBy: string | null;
  createdAt: string;
  /** `access list --user`: 'direct', or 'team:NAME' when it reaches the user through a team. */
  via?: string;
  /**
   * `access list --on`: 'exact' (on that path), 'inherited' (on a folder above, so it applies
   * there) or 'nested' (on something inside it).
   */
  relation?: 'exact' | 'inherited' | 'nested';
}

/** What a user may do at one path of one entity (`access list --effective`). */
export interface EffectiveResourceAccess {
  user: string;
  entity: string;
  path: string;
  /** The actions allowed there. */
  actions: string[];
  /** 'grant' when grants decide there; 'roles' where none covers the path (tenant-wide roles). */
  decidedBy: 'grant' | 'roles';
  /** The grants that decide there. */
  grants: ResourceGrantSummary[];
}

/** A resource grant as declarative files carry it (export/apply): no ids, names not ids. */
export interface GrantSpec {
  /** `user:<email>` or `team:<name>`. */
  subject: string;
  entity: string;
  path: string;
  /** A level (manager, operator, viewer, none) or a role name. */
  grant: string;
}

export interface Session {
  id: string;
  user: string;
  tenant: string | null;
  via: 'password' | 'sso';
  restricted: boolean;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

/** `mfa enroll`: the new TOTP secret, shown once (pending until `mfa confirm`). */
export interface MfaEnrolment {
  /** Base32, for typing into an authenticator app. */
  secret: string;
  /** otpauth://totp/... (what the QR code holds). */
  uri: string;
  issuer: string;
  account: string;
  algorithm: 'SHA1';
  digits: 6;
  period: 30;
  confirmed: false;
}

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

export interface Invitation {
  id: string;
  /** The invited user's email. */
  email: string;
  /** Tenant slug, or null for the main account. */
  tenant: string | null;
  /** The invited user's direct roles. */
  roles: string[];
  /** Derived from the row at read time: accepted, revoked, expired (by the clock) or pending. */
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  /** Email of whoever issued it (null when unknown or gone). */
  invitedBy: string | null;
}

export interface AuditEvent {
  seq: number;
  at: string;
  tenant: string | null;
  /** Email of the actor when known (resolved at read time), else the id, else null. */
  actor: string | null;
  actorId: string | null;
  action: string;
  target: string | null;
  result: 'success' | 'failure';
  details: Record<string, unknown>;
  hash: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SsoKey {
  kid: string | null;
  kty: string;
  alg: string | null;
  crv: string | null;
  /** Tokens signed with it can be verified (RS256, ES256 or EdDSA, a signing key). */
  usable: boolean;
}

export interface SsoConfig {
  issuer: string;
  audience: string;
  keys: SsoKey[];
  /** The JSON Web Key Set as configured (public keys). */
  jwks: unknown;
  /** The global setting sso.syncRoles. */
  syncRoles: boolean;
  /** Number of group mappings. */
  mappings: number;
  updatedAt: string;
  /** Email of the super admin who configured it (their id once they are gone). */
  updatedBy: string | null;
}

export interface SsoGroupMapping {
  /** 1-based place in the first-match order (creation order). */
  position: number;
  group: string;
  tenant: string;
  role: string;
  createdAt: string;
  createdBy: string | null;
}

export interface SsoSignIn {
  user: User;
  /** The tenant acted in after sign-in (the user's default tenant, else their own); null = main account. */
  tenant: string | null;
  via: 'sso';
  /** The user was created by this sign-in. */
  created: boolean;
  /** Roles added by sso.syncRoles at this sign-in (or given to a new user by a mapping). */
  rolesAdded: string[];
  expiresAt: string;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** An API key as listed and shown: masked (`hint`), never its secret. */
export interface ApiKey {
  id: string;
  name: string;
  /** Owner's email (their id once purged). */
  user: string;
  userId: string;
  /** Tenant slug, or null for the main account. */
  tenant: string | null;
  /** `iak_<id>_…<last 4>`. */
  hint: string;
  status: ApiKeyStatus;
  createdAt: string;
  /** Email of whoever created (or last regenerated) it. */
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What `key create` and `key regenerate` return: the key once, with its secret. */
export interface IssuedApiKey extends ApiKey {
  secret: string;
}

/** What `key verify` prints: the principal a key stands for. */
export interface VerifiedKey {
  valid: true;
  key: string;
  user: string;
  userId: string;
  tenant: string | null;
  roles: string[];
  expiresAt: string | null;
}

export type SettingScope = 'global' | 'tenant' | 'user';

/** One setting as `settings list/get` show it (SPEC §10); secrets are masked. */
export interface SettingEntry {
  key: string;
  value: boolean | number | string | string[] | null;
  /** The scope asked about. */
  scope: SettingScope;
  /** Where the effective value comes from (with --effective, and for `get`). */
  source?: SettingScope | 'default';
}
