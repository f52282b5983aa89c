// How domain objects look in tables and detail views (JSON/YAML show the objects as they are).
import type { ApiKey, AuditEvent, Invitation, Session, SettingEntry, Tenant, User, VerifiedKey } from '../core/model.js';
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
