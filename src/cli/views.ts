// How domain objects look in tables and detail views (JSON/YAML show the objects as they are).
import type {
  ApiKey, AuditEvent, CatalogEntry, EffectiveResourceAccess, Invitation, ResourceGrant, Role, RoleHolder, Session, SettingEntry, SsoConfig, SsoGroupMapping, Team, Tenant, User, VerifiedKey,
} from '../core/model.js';
import type { Column } from '../output/render.js';

export const tenantColumns: Column<Tenant>[] = [
  { key: 'slug', header: 'SLUG', get: (t) => t.slug },
  { key: 'name', header: 'NAME', get: (t) => t.name },
  { key: 'email', header: 'EMAIL', get: (t) => t.email },
  { key: 'color', header: 'COLOR', get: (t) => t.color },
  { key: 'status', header: 'STATUS', get: (t) => t.status },
  { key: 'created', header: 'CREATED', get: (t) => t.createdAt },
];

export function tenantFields(t: Tenant): [string, unknown][] {
  return [
    ['slug', t.slug],
    ['name', t.name],
    ['email', t.email],
    ['color', t.color],
    ['status', t.status],
    ['created', t.createdAt],
    ['updated', t.updatedAt],
  ];
}

export function fullName(u: Pick<User, 'firstName' | 'lastName'>): string {
  return `${u.firstName} ${u.lastName}`.trim();
}

export function userFields(u: User): [string, unknown][] {
  return [
    ['id', u.id],
    ['email', u.email],
    ['name', fullName(u)],
    ['tenant', u.tenant ?? '(main account)'],
    ['roles', u.roles],
    ['status', u.status],
    ['mfa', u.mfaEnabled ? 'on' : 'off'],
    ['created', u.createdAt],
    ['last login', u.lastLoginAt ?? 'never'],
  ];
}

export const auditColumns: Column<AuditEvent>[] = [
  { key: 'seq', header: 'SEQ', get: (e) => e.seq },
  { key: 'at', header: 'AT', get: (e) => e.at },
  { key: 'tenant', header: 'TENANT', get: (e) => e.tenant ?? '(main)' },
  { key: 'actor', header: 'ACTOR', get: (e) => e.actor ?? '-' },
  { key: 'action', header: 'ACTION', get: (e) => e.action },
  { key: 'target', header: 'TARGET', get: (e) => e.target },
  { key: 'result', header: 'RESULT', get: (e) => e.result },
  { key: 'details', header: 'DETAILS', get: (e) => (Object.keys(e.details).length ? e.details : '') },
];

export const invitationColumns: Column<Invitation>[] = [
  { key: 'id', header: 'ID', get: (i) => i.id },
  { key: 'email', header: 'EMAIL', get: (i) => i.email },
  { key: 'roles', header: 'ROLES', get: (i) => i.roles },
  { key: 'status', header: 'STATUS', get: (i) => i.status },
  { key: 'expires', header: 'EXPIRES', get: (i) => i.expiresAt },
  { key: 'created', header: 'CREATED', get: (i) => i.createdAt },
  { key: 'invitedBy', header: 'INVITED BY', get: (i) => i.invitedBy ?? '-' },
  { key: 'tenant', header: 'TENANT', get: (i) => i.tenant ?? '(main)' },
];

export function invitationFields(i: Invitation, token?: string): [string, unknown][] {
  return [
    ['id', i.id],
    ['email', i.email],
    ['tenant', i.tenant ?? '(main account)'],
    ['roles', i.roles],
    ['status', i.status],
    ['expires', i.expiresAt],
    ['created', i.createdAt],
    ...(i.acceptedAt ? ([['accepted', i.acceptedAt]] as [string, unknown][]) : []),
    ...(i.revokedAt ? ([['revoked', i.revokedAt]] as [string, unknown][]) : []),
    ...(token ? ([['token', token]] as [string, unknown][]) : []),
  ];
}

export const sessionColumns: Column<Session>[] = [
  { key: 'id', header: 'ID', get: (s) => s.id },
  { key: 'user', header: 'USER', get: (s) => s.user },
  { key: 'via', header: 'VIA', get: (s) => s.via },
  { key: 'created', header: 'CREATED', get: (s) => s.createdAt },
  { key: 'expires', header: 'EXPIRES', get: (s) => s.expiresAt },
  { key: 'current', header: 'CURRENT', get: (s) => (s.current ? 'yes' : '') },
];

export const roleColumns: Column<Role>[] = [
  { key: 'name', header: 'NAME', get: (r) => r.name },
  { key: 'displayName', header: 'DISPLAY NAME', get: (r) => r.displayName },
  { key: 'type', header: 'TYPE', get: (r) => (r.builtin ? 'built-in' : 'custom') },
  { key: 'inherits', header: 'INHERITS', get: (r) => r.inherits },
  { key: 'permissions', header: 'PERMISSIONS', get: (r) => r.permissions.length },
  { key: 'description', header: 'DESCRIPTION', get: (r) => r.description },
];

export function roleFields(r: Role): [string, unknown][] {
  return [
    ['name', r.name],
    ['display name', r.displayName],
    ['description', r.description],
    ['type', r.builtin ? 'built-in' : 'custom'],
    ['tenant', r.tenant ?? '(main account)'],
    ['inherits', r.inherits.length > 0 ? r.inherits : '(none)'],
    ['grants', r.grants.length > 0 ? r.grants : '(none)'],
  ];
}

export const permissionGroupColumns: Column<{ entity: string; actions: string[] }>[] = [
  { key: 'entity', header: 'ENTITY', get: (g) => g.entity },
  { key: 'actions', header: 'ACTIONS', get: (g) => g.actions },
];

export const holderColumns: Column<RoleHolder>[] = [
  { key: 'user', header: 'USER', get: (h) => h.user },
  { key: 'name', header: 'NAME', get: (h) => h.name },
  { key: 'via', header: 'VIA', get: (h) => h.via },
  { key: 'role', header: 'AS ROLE', get: (h) => h.role },
  { key: 'assignedAt', header: 'SINCE', get: (h) => h.assignedAt },
];

export const catalogColumns: Column<CatalogEntry>[] = [
  { key: 'area', header: 'AREA', get: (c) => c.area },
  { key: 'entity', header: 'ENTITY', get: (c) => c.entity },
  { key: 'actions', header: 'ACTIONS', get: (c) => c.actions },
  { key: 'scope', header: 'WHO', get: (c) => (c.superAdminOnly ? 'super admins only' : 'tenant roles') },
];

export const teamColumns: Column<Team>[] = [
  { key: 'name', header: 'NAME', get: (t) => t.name },
  { key: 'roles', header: 'ROLES', get: (t) => t.roles },
  { key: 'members', header: 'MEMBERS', get: (t) => t.members.length },
  { key: 'created', header: 'CREATED', get: (t) => t.createdAt },
];

export function teamFields(t: Team): [string, unknown][] {
  return [
    ['name', t.name],
    ['tenant', t.tenant ?? '(main account)'],
    ['roles', t.roles.length > 0 ? t.roles : '(none)'],
    ['members', t.members.length > 0 ? t.members : '(none)'],
    ['created', t.createdAt],
  ];
}

export function ssoFields(c: SsoConfig): [string, unknown][] {
  return [
    ['issuer', c.issuer],
    ['audience', c.audience],
    ['keys', c.keys.map((k) => `${k.kid ?? '(no kid)'} ${k.alg ?? k.kty}${k.usable ? '' : ' (not used)'}`)],
    ['group mappings', c.mappings],
    ['sync roles', c.syncRoles ? 'on (sso.syncRoles)' : 'off (sso.syncRoles)'],
    ['updated', c.updatedAt],
    ['updated by', c.updatedBy ?? '-'],
  ];
}

export const ssoMappingColumns: Column<SsoGroupMapping>[] = [
  { key: 'position', header: '#', get: (m) => m.position },
  { key: 'group', header: 'GROUP', get: (m) => m.group },
  { key: 'tenant', header: 'TENANT', get: (m) => m.tenant },
  { key: 'role', header: 'ROLE', get: (m) => m.role },
  { key: 'created', header: 'CREATED', get: (m) => m.createdAt },
  { key: 'createdBy', header: 'CREATED BY', get: (m) => m.createdBy },
];

export const keyColumns: Column<ApiKey>[] = [
  { key: 'id', header: 'ID', get: (k) => k.id },
  { key: 'name', header: 'NAME', get: (k) => k.name },
  { key: 'user', header: 'USER', get: (k) => k.user },
  { key: 'hint', header: 'KEY', get: (k) => k.hint },
  { key: 'status', header: 'STATUS', get: (k) => k.status },
  { key: 'created', header: 'CREATED', get: (k) => k.createdAt },
  { key: 'expires', header: 'EXPIRES', get: (k) => k.expiresAt ?? 'never' },
  { key: 'lastUsed', header: 'LAST USED', get: (k) => k.lastUsedAt ?? 'never' },
  { key: 'tenant', header: 'TENANT', get: (k) => k.tenant ?? '(main)' },
];

export function keyFields(k: ApiKey): [string, unknown][] {
  return [
    ['id', k.id],
    ['name', k.name],
    ['key', k.hint],
    ['user', k.user],
    ['tenant', k.tenant ?? '(main account)'],
    ['status', k.status],
    ['created', k.createdAt],
    ['created by', k.createdBy ?? '-'],
    ['expires', k.expiresAt ?? 'never'],
    ['last used', k.lastUsedAt ?? 'never'],
    ...(k.revokedAt ? ([['revoked', k.revokedAt]] as [string, unknown][]) : []),
  ];
}

/** `key verify`: also used by its fast path (src/cli/fast-verify.ts), so chalk-free. */
export function verifiedKeyFields(v: VerifiedKey): [string, unknown][] {
  return [
    ['valid', 'yes'],
    ['key', v.key],
    ['user', v.user],
    ['tenant', v.tenant ?? '(main account)'],
    ['roles', v.roles],
    ['expires', v.expiresAt ?? 'never'],
  ];
}

/** A setting's value as `settings set` takes it (lists comma-separated, null empty). */
export function settingText(value: SettingEntry['value']): string {
  if (value === null) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

export const settingColumns: Column<SettingEntry>[] = [
  { key: 'key', header: 'KEY', get: (s) => s.key },
  { key: 'value', header: 'VALUE', get: (s) => (s.value === null ? 'null' : settingText(s.value)) },
  { key: 'scope', header: 'SCOPE', get: (s) => s.scope },
];

export const effectiveSettingColumns: Column<SettingEntry>[] = [...settingColumns, { key: 'source', header: 'SOURCE', get: (s) => s.source }];

export function settingFields(s: SettingEntry): [string, unknown][] {
  return [
    ['key', s.key],
    ['value', s.value === null ? 'null' : settingText(s.value)],
    ['scope', s.scope],
    ...(s.source ? ([['source', s.source]] as [string, unknown][]) : []),
  ];
}
/** What a resource grant gives, as one word: its level, or `role NAME`. */
export const grantName = (g: Pick<ResourceGrant, 'level' | 'role'>) => g.level ?? `role ${g.role}`;

export const grantColumns: Column<ResourceGrant>[] = [
  { key: 'subject', header: 'SUBJECT', get: (g) => g.subject },
  { key: 'entity', header: 'ENTITY', get: (g) => g.entity },
  { key: 'path', header: 'PATH', get: (g) => g.path },
  { key: 'grant', header: 'GRANT', get: grantName },
  { key: 'actions', header: 'ACTIONS', get: (g) => (g.actions.length > 0 ? g.actions : '(none)') },
  { key: 'via', header: 'VIA', get: (g) => g.via ?? '' },
  { key: 'relation', header: 'APPLIES', get: (g) => (g.relation === 'inherited' ? 'from folder above' : g.relation === 'nested' ? 'inside' : (g.relation ?? '')) },
  { key: 'createdBy', header: 'GRANTED BY', get: (g) => g.createdBy ?? '-' },
  { key: 'created', header: 'GRANTED', get: (g) => g.createdAt },
];

export function grantFields(g: ResourceGrant): [string, unknown][] {
  return [
    ['subject', g.subject],
    ['resource', `${g.entity}:${g.path}`],
    ['grant', grantName(g)],
    ['actions', g.actions.length > 0 ? g.actions : '(none)'],
    ['tenant', g.tenant],
    ['granted by', g.createdBy ?? '-'],
    ['granted', g.createdAt],
  ];
}

export const effectiveAccessColumns: Column<EffectiveResourceAccess>[] = [
  { key: 'entity', header: 'ENTITY', get: (e) => e.entity },
  { key: 'path', header: 'PATH', get: (e) => e.path },
  { key: 'actions', header: 'MAY', get: (e) => (e.actions.length > 0 ? e.actions : '(nothing)') },
  { key: 'decidedBy', header: 'DECIDED BY', get: (e) => (e.decidedBy === 'roles' ? 'tenant-wide roles' : e.grants.map((g) => `${grantName(g)} on ${g.path} for ${g.subject}`)) },
  { key: 'user', header: 'USER', get: (e) => e.user },
];
