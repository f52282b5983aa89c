// How domain objects look in tables and detail views (JSON/YAML show the objects as they are).
import type { AuditEvent, SsoConfig, SsoGroupMapping, Tenant, User } from '../core/model.js';
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
