// Effective settings: user ?? tenant ?? global ?? default (SPEC §1).
import type { StoredSettings } from '../store/settings-repo.js';
import { settingDef, settingDefs, type Scope, type SettingValue } from './settings-registry.js';

export interface EffectiveSetting {
  key: string;
  value: SettingValue;
  source: Scope | 'default';
}

export function resolveSetting(stored: StoredSettings, key: string): EffectiveSetting {
  const def = settingDef(key);
  const allows = (scope: Scope) => def.scopes.includes(scope);
  if (allows('user') && stored.user.has(key)) return { key, value: stored.user.get(key) as SettingValue, source: 'user' };
  if (allows('tenant') && stored.tenant.has(key)) return { key, value: stored.tenant.get(key) as SettingValue, source: 'tenant' };
  if (stored.global.has(key)) return { key, value: stored.global.get(key) as SettingValue, source: 'global' };
  return { key, value: def.default, source: 'default' };
}

export function resolveAllSettings(stored: StoredSettings): EffectiveSetting[] {
  return settingDefs.map((d) => resolveSetting(stored, d.key));
}

/** Typed accessors for the settings the core reads itself. */
export function settingNumber(stored: StoredSettings, key: string): number {
  return Number(resolveSetting(stored, key).value);
}

export function settingString(stored: StoredSettings, key: string): string {
  return String(resolveSetting(stored, key).value);
}

export function settingBool(stored: StoredSettings, key: string): boolean {
  return resolveSetting(stored, key).value === true;
}
