// Reading and changing settings at a scope (SPEC §6): global (super admins), a tenant (its
// admins) or a user (an admin of that user, never the user). Values are typed by the registry;
// secret values are encrypted by the caller's `encrypt` (the master key lives outside core)
// and are shown masked, never decrypted for display.
import { builtinRole } from '../auth/catalog.js';
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import { roleExists } from '../store/role-repo.js';
import type { Trx } from '../store/db.js';
import { loadStoredSettings, type StoredSettings } from '../store/settings-repo.js';
import { findTenantBySlug, MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { findUserRow } from '../store/user-repo.js';
import { depsOf, isoNow, type Deps, type StoreOrDeps } from './deps.js';
import { forbidden, notFound, validationError } from './errors.js';
import type { SettingEntry, SettingScope } from './model.js';
import { isSecret, parseSettingValue, settingDef, settingDefs, type SettingDef, type SettingValue } from './settings-registry.js';
import { resolveSetting, type EffectiveSetting } from './settings.js';

export type SettingsTarget =
  | { scope: 'global' }
  | { scope: 'tenant'; tenantId: string; slug: string }
  | { scope: 'user'; tenantId: string; userId: string; email: string };

/** The scope a settings command works on: --global, --user, else the acting tenant (global in the main account). */
export function settingsTarget(
  acting: { id: string; slug: string },
  options: { global?: boolean; user?: { id: string; tenant_id: string; email: string } | undefined },
): SettingsTarget {
  if (options.user) return { scope: 'user', tenantId: options.user.tenant_id, userId: options.user.id, email: options.user.email };
  if (options.global || acting.id === MAIN_TENANT_ID) return { scope: 'global' };
  return { scope: 'tenant', tenantId: acting.id, slug: acting.slug };
}

export interface RequiredPermission {
  permission: string;
  tenantId: string;
}

/** What reading or changing settings at a target needs (user-level values are part of managing that user). */
export function settingsPermission(target: SettingsTarget, mode: 'read' | 'update'): RequiredPermission {
  if (target.scope === 'global') return { permission: `global-settings:${mode}`, tenantId: MAIN_TENANT_ID };
  if (target.scope === 'tenant') return { permission: `tenant-settings:${mode}`, tenantId: target.tenantId };
  return { permission: `users:${mode}`, tenantId: target.tenantId };
}

/**
 * Every permission a write of `key` at `target` needs: the target's, and for a global-only key
 * the global one too (global keys need a super admin wherever they are written).
 */
export function writePermissions(target: SettingsTarget, key: string): RequiredPermission[] {
  const def = settingDef(key);
  const needed = [settingsPermission(target, 'update')];
  if (def.scopes.length === 1 && def.scopes[0] === 'global' && target.scope !== 'global') {
    needed.unshift(settingsPermission({ scope: 'global' }, 'update'));
  }
  return needed;
}

/** Rules of a write that are not permissions: never your own user-level value; the key's scopes. */
export function checkWrite(actor: Principal, target: SettingsTarget, def: SettingDef): void {
  if (target.scope === 'user' && target.userId === actor.userId) {
    throw forbidden(`user-level settings are set by an administrator, never by the user themselves`, 'ask an administrator of your tenant');
  }
  if (!def.scopes.includes(target.scope)) {
    const where = def.scopes.map((s) => (s === 'global' ? 'globally (--global)' : s === 'tenant' ? 'per tenant' : 'per user (--user U)')).join(' or ');
    throw validationError(`${def.key} cannot be set at the ${target.scope} level: it is set ${where}`);
  }
}

function storedScope(target: SettingsTarget): { tenantId: string; userId?: string } {
  if (target.scope === 'global') return { tenantId: MAIN_TENANT_ID };
  if (target.scope === 'tenant') return { tenantId: target.tenantId };
  return { tenantId: target.tenantId, userId: target.userId };
}

const mask = '********';

/** A value for display: secrets masked. */
export function displayValue(def: SettingDef, value: SettingValue): SettingValue {
  return isSecret(def) && value !== null ? mask : value;
}

function storedMap(stored: StoredSettings, scope: SettingScope): Map<string, unknown> {
  return scope === 'global' ? stored.global : scope === 'tenant' ? stored.tenant : stored.user;
}

function effectiveEntry(stored: StoredSettings, target: SettingsTarget, def: SettingDef): SettingEntry {
  const resolved = resolveSetting(stored, def.key);
  return { key: def.key, value: displayValue(def, resolved.value), scope: target.scope, source: resolved.source };
}

/** Values set at exactly this scope, or (effective) every key's value there and where it comes from. */
export async function listSettings(deps: Deps, target: SettingsTarget, options: { effective?: boolean } = {}): Promise<SettingEntry[]> {
  const stored = await loadStoredSettings(deps.store.db, storedScope(target));
  if (options.effective) return settingDefs.map((def) => effectiveEntry(stored, target, def));
  const here = storedMap(stored, target.scope);
  return settingDefs
    .filter((def) => here.has(def.key))
    .map((def) => ({ key: def.key, value: displayValue(def, here.get(def.key) as SettingValue), scope: target.scope }));
}

/** The effective value of one key at a scope, with its source. */
export async function getSetting(deps: Deps, target: SettingsTarget, key: string): Promise<SettingEntry> {
  const def = settingDef(key);
  const stored = await loadStoredSettings(deps.store.db, storedScope(target));
  return effectiveEntry(stored, target, def);
}

async function checkRoleValue(deps: Deps, target: SettingsTarget, role: string): Promise<void> {
  const ok =
    target.scope === 'tenant'
      ? role !== 'super-admin' && (await roleExists(deps.store.db, target.tenantId, role))
      : builtinRole(role)?.scope === 'tenant';
  if (!ok) {
    throw validationError(
      `invalid value for users.defaultRole: ${role} is not a ${target.scope === 'tenant' ? 'role of this tenant' : 'built-in tenant role'}`,
      'see `iamctl role list`',
    );
  }
}

export interface SecretBox {
  /** Encrypts a secret value for the store (AES-256-GCM under the master key). */
  encrypt(plaintext: string): string;
}

/** Sets a value at a scope (typed by the registry), audited. Returns the effective entry there. */
export async function setSetting(
  deps: Deps,
  actor: Principal,
  target: SettingsTarget,
  key: string,
  raw: string,
  secrets?: SecretBox,
): Promise<SettingEntry> {
  const def = settingDef(key);
  checkWrite(actor, target, def);
  const value = parseSettingValue(def, raw);
  if (def.type.kind === 'role' && typeof value === 'string') await checkRoleValue(deps, target, value);
  let stored: string;
  if (isSecret(def) && value !== null) {
    if (!secrets) throw new Error('setting a secret needs the master key');
    stored = JSON.stringify(secrets.encrypt(String(value)));
  } else {
    stored = JSON.stringify(value);
  }
  const at = isoNow(deps);
  await deps.store.write((trx) => writeSetting(trx, actor.userId, target, def, value, stored, at));
  return getSetting(deps, target, key);
}

/**
 * Stores a parsed value at a scope (`stored`: its JSON text, a secret already encrypted) and the
 * `settings.set` event, inside the caller's transaction. Checks nothing: callers do.
 */
export async function writeSetting(trx: Trx, actorId: string | null, target: SettingsTarget, def: SettingDef, value: SettingValue, stored: string, at: string): Promise<void> {
  const { tenantId, userId } = storedScope(target);
  const key = def.key;
  if (userId) {
    await trx
      .insertInto('user_settings')
      .values({ tenant_id: tenantId, user_id: userId, key, value: stored, updated_at: at, updated_by: actorId })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'key']).doUpdateSet({ value: stored, updated_at: at, updated_by: actorId }))
      .execute();
  } else {
    await trx
      .insertInto('tenant_settings')
      .values({ tenant_id: tenantId, key, value: stored, updated_at: at, updated_by: actorId })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: stored, updated_at: at, updated_by: actorId }))
      .execute();
  }
  await auditSetting(trx, actorId, target, def, 'settings.set', at, value);
}

/** Removes the value set at a scope (the next scope's value then applies). */
export async function unsetSetting(deps: Deps, actor: Principal, target: SettingsTarget, key: string): Promise<{ entry: SettingEntry; removed: boolean }> {
  const def = settingDef(key);
  checkWrite(actor, target, def);
  const at = isoNow(deps);
  const { tenantId, userId } = storedScope(target);
  const removed = await deps.store.write(async (trx) => {
    const result = userId
      ? await trx.deleteFrom('user_settings').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('key', '=', key).executeTakeFirst()
      : await trx.deleteFrom('tenant_settings').where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await auditSetting(trx, actor.userId, target, def, 'settings.unset', at);
    return true;
  });
  return { entry: await getSetting(deps, target, key), removed };
}

function auditSetting(trx: Trx, actorId: string | null, target: SettingsTarget, def: SettingDef, action: string, at: string, value?: SettingValue) {
  // Secrets never reach the trail, and neither do emails (personal data the chain cannot forget).
  const personal = isSecret(def) || def.type.kind === 'email' || def.type.kind === 'email[]';
  const details: Record<string, unknown> = { scope: target.scope };
  if (target.scope === 'user') details.user = `user:${target.userId}`;
  if (value !== undefined) {
    if (personal) details.redacted = true;
    else details.value = value;
  }
  return appendAudit(trx, {
    at,
    tenantId: target.scope === 'global' ? MAIN_TENANT_ID : target.tenantId,
    actorId,
    action,
    target: `setting:${def.key}`,
    details,
  });
}

export interface EffectiveSettingsScope {
  /** Tenant slug; omitted: the global values (or the user's own tenant when `user` is given). */
  tenant?: string | undefined;
  /** A user's email or id: their effective values, user overrides included. */
  user?: string | undefined;
}

/**
 * Every setting's effective value (user ?? tenant ?? global ?? default) for a tenant or a user,
 * with where it comes from. Secret values are masked.
 */
export async function getEffectiveSettings(target: StoreOrDeps, scope: EffectiveSettingsScope = {}): Promise<EffectiveSetting[]> {
  const { db } = depsOf(target).store;
  let tenantId = MAIN_TENANT_ID;
  if (scope.tenant !== undefined) {
    const tenant = await findTenantBySlug(db, scope.tenant);
    if (!tenant) throw notFound(`tenant ${scope.tenant}`);
    tenantId = tenant.id;
  }
  let userId: string | undefined;
  if (scope.user !== undefined) {
    const user = await findUserRow(db, { ref: scope.user, ...(scope.tenant !== undefined ? { tenantId } : {}) });
    if (!user) throw notFound(`user ${scope.user}`);
    tenantId = user.tenant_id;
    userId = user.id;
  }
  const stored = await loadStoredSettings(db, { tenantId, userId: userId ?? null });
  return settingDefs.map((def) => {
    const resolved = resolveSetting(stored, def.key);
    return { ...resolved, value: displayValue(def, resolved.value) };
  });
}
