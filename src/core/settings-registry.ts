// The settings registry (SPEC §6): every key, its type, default and the scopes it may be set
// in. Effective value = user ?? tenant ?? global ?? default. Global values are stored as the
// main account's tenant settings.
import { validationError } from './errors.js';

export type Scope = 'global' | 'tenant' | 'user';

export type SettingType =
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number; nullable?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'email'; nullable?: boolean }
  | { kind: 'email[]' }
  | { kind: 'role' }
  | { kind: 'secret' };

export type SettingValue = boolean | number | string | string[] | null;

export interface SettingDef {
  key: string;
  type: SettingType;
  default: SettingValue;
  scopes: readonly Scope[];
  description: string;
}

const g: readonly Scope[] = ['global'];
const gt: readonly Scope[] = ['global', 'tenant'];
const gtu: readonly Scope[] = ['global', 'tenant', 'user'];
const bool = { kind: 'bool' } as const;
const int = (min: number, max: number, nullable = false) => ({ kind: 'int', min, max, nullable }) as const;

export const settingDefs: readonly SettingDef[] = [
  { key: 'security.apiKeys.enabled', type: bool, default: true, scopes: gtu, description: 'API key authentication allowed' },
  { key: 'security.apiKeys.apiUserOnly', type: bool, default: false, scopes: gt, description: 'keys only for API-user principals' },
  { key: 'security.apiKeys.maxTtlDays', type: int(1, 3650, true), default: null, scopes: gt, description: 'when set, keys must expire within this many days' },
  { key: 'security.gravatars', type: bool, default: false, scopes: gt, description: 'load avatars from Gravatar' },
  { key: 'security.mfaRequiredForAdmins', type: bool, default: false, scopes: gt, description: 'admins must enrol a second factor' },
  { key: 'security.lockout.maxAttempts', type: int(1, 100), default: 5, scopes: gt, description: 'failed sign-ins before a lockout' },
  { key: 'security.lockout.windowMinutes', type: int(1, 1440), default: 15, scopes: gt, description: 'lockout window and duration' },
  { key: 'inspection.enabled', type: bool, default: true, scopes: gt, description: 'flow inspection service reporting' },
  { key: 'inspection.minSeverity', type: { kind: 'enum', values: ['info', 'warning', 'error', 'critical'] }, default: 'warning', scopes: gt, description: 'minimum severity reported' },
  { key: 'notifications.requireEmailOnFailure', type: bool, default: false, scopes: gt, description: 'new schedules must email on failure' },
  { key: 'notifications.defaultEmails', type: { kind: 'email[]' }, default: [], scopes: gt, description: 'default notification emails for new schedules' },
  { key: 'ai.enabled', type: bool, default: true, scopes: gt, description: 'AI-assisted features' },
  { key: 'ai.openaiApiKey', type: { kind: 'secret' }, default: null, scopes: gt, description: 'OpenAI API key (write-only)' },
  { key: 'billing.owner', type: { kind: 'email', nullable: true }, default: null, scopes: gt, description: 'billing account owner' },
  { key: 'users.defaultRole', type: { kind: 'role' }, default: 'viewer', scopes: gt, description: 'role of users created without --role' },
  { key: 'invitations.ttlHours', type: int(1, 8760), default: 72, scopes: gt, description: 'invitation lifetime' },
  { key: 'sessions.ttlHours', type: int(1, 8760), default: 12, scopes: g, description: 'session lifetime (absolute)' },
  { key: 'audit.retentionDays', type: int(1, 36500, true), default: null, scopes: g, description: 'retention applied by `audit prune` when --older-than is omitted' },
  { key: 'edition.tenants', type: bool, default: true, scopes: g, description: 'tenant management available (false: shared environment)' },
  { key: 'edition.rbac', type: { kind: 'enum', values: ['none', 'basic', 'enterprise'] }, default: 'enterprise', scopes: g, description: 'RBAC edition' },
  { key: 'mail.smtpUrl', type: { kind: 'secret' }, default: null, scopes: g, description: 'SMTP URL for invitations (write-only)' },
  { key: 'mail.from', type: { kind: 'email' }, default: 'iamctl@localhost', scopes: g, description: 'sender of invitation emails' },
  { key: 'sso.syncRoles', type: bool, default: false, scopes: g, description: 're-apply mapped roles at each SSO sign-in' },
];

const byKey = new Map(settingDefs.map((d) => [d.key, d]));

export function settingDef(key: string): SettingDef {
  const def = byKey.get(key);
  if (!def) throw validationError(`unknown setting "${key}"`, 'see `iamctl settings list` for the keys');
  return def;
}

export function isSecret(def: SettingDef): boolean {
  return def.type.kind === 'secret';
}

const emailPattern = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

/** Parses a value given on the command line (or in a file) into the key's type. */
export function parseSettingValue(def: SettingDef, raw: unknown): SettingValue {
  const t = def.type;
  const bad = (expected: string) =>
    validationError(`invalid value for ${def.key}: expected ${expected}, got ${JSON.stringify(raw)}`);
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (t.kind) {
    case 'bool':
      if (text === true || text === 'true') return true;
      if (text === false || text === 'false') return false;
      throw bad('true or false');
    case 'int': {
      if (t.nullable && (text === null || text === 'null' || text === '')) return null;
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) throw bad(`an integer${t.nullable ? ' or null' : ''}`);
      if (n < t.min || n > t.max) throw validationError(`invalid value for ${def.key}: must be between ${t.min} and ${t.max}`);
      return n;
    }
    case 'enum':
      if (typeof text === 'string' && t.values.includes(text)) return text;
      throw bad(t.values.join(' | '));
    case 'email':
      if (t.nullable && (text === null || text === 'null' || text === '')) return null;
      if (typeof text === 'string' && text.length <= 254 && emailPattern.test(text)) return text;
      throw bad('an email address');
    case 'email[]': {
      const list = Array.isArray(text) ? text : typeof text === 'string' ? (text === '' ? [] : text.split(',')) : null;
      if (!list) throw bad('a comma-separated list of emails');
      return list.map((item) => {
        const e = String(item).trim();
        if (e.length > 254 || !emailPattern.test(e)) throw bad('a comma-separated list of emails');
        return e;
      });
    }
    case 'role':
      if (typeof text === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(text)) return text;
      throw bad('a role id');
    case 'secret':
      if (text === null) return null;
      if (typeof text === 'string' && text.length > 0 && text.length <= 4096) return text;
      throw bad('a non-empty secret');
  }
}
