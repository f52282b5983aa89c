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
