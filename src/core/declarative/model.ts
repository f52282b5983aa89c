// The declarative file (SPEC §7) as typed data, each object with where it was written, and the
// plan `apply` prints: one entry per object.

/** Where something was written: the file (as given) and its 1-based line. */
export interface Where {
  file: string;
  line: number;
  /** The field path, e.g. `tenants[0].users[1].email`. */
  field: string;
}

/** One mistake in the input, reported as `file:line field: reason`. */
export interface Problem {
  file: string;
  line: number;
  field: string;
  reason: string;
}

export interface DeclSetting {
  key: string;
  value: unknown;
  where: Where;
}

export interface DeclRole {
  name: string;
  displayName?: string | undefined;
  description?: string | undefined;
  inherits?: string[] | undefined;
  grants?: string[] | undefined;
  where: Where;
}

export interface DeclTeam {
  name: string;
  roles?: string[] | undefined;
  members?: string[] | undefined;
  where: Where;
}

export interface DeclUser {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  roles?: string[] | undefined;
  /** Used only when the user is created (then active instead of invited). */
  password?: string | undefined;
  where: Where;
}

export interface DeclGrant {
  /** `user:<email>` or `team:<name>`. */
  subject: string;
  /** `<entity>:<path>`. */
  on: string;
  /** A level or a role name. */
  grant: string;
  where: Where;
}

export interface DeclTenant {
  slug: string;
  name?: string | undefined;
  email?: string | undefined;
  color?: string | undefined;
  settings: DeclSetting[];
  roles: DeclRole[];
  teams: DeclTeam[];
  users: DeclUser[];
  access: DeclGrant[];
  where: Where;
}

/** Every file given, merged. */
export interface Declaration {
  settings: DeclSetting[];
  tenants: DeclTenant[];
  /** The line of every field written, by `fieldKey(file, field)`, for problems found later. */
  lines: Map<string, number>;
}

export const fieldKey = (file: string, field: string) => `${file}\u0000${field}`;

export type PlanAction = 'created' | 'updated' | 'unchanged' | 'deleted';
export type PlanKind = 'setting' | 'tenant' | 'role' | 'team' | 'user' | 'grant';

export interface PlanEntry {
  action: PlanAction;
  kind: PlanKind;
  /** Tenant slug; null for global settings and tenants themselves. */
  tenant: string | null;
  name: string;
  /** What changes (fields, added or removed roles and members). */
  changes: string[];
}

export interface ApplyResult {
  dryRun: boolean;
  prune: boolean;
  changed: boolean;
  counts: Record<PlanAction, number>;
  plan: PlanEntry[];
  /** Users created as invited whose invitation was delivered. */
  invited: string[];
}

/** The version of the format this tool reads and writes. */
export const declarationVersion = 1;
