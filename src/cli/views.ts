// How domain objects look in tables and detail views (JSON/YAML show the objects as they are).
import type { AuditEvent, Invitation, Session, Tenant, User } from '../core/model.js';
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
