// The library entry: what the platform embeds to verify keys, check permissions and read
// settings in-process. The CLI runs these same functions. No top-level await, no process-wide
// side effects (no umask, no environment reads): the caller passes everything.
//
//   import { openStore, authenticateApiKey, authorize } from 'iamctl';
//   const store = await openStore(process.env.IAMCTL_DB!);
//   const principal = await authenticateApiKey(store, request.headers['x-api-key']);
//   if (!authorize(principal, 'operate', 'listeners', principal.tenantId).allowed) { ... }

export { openStore, type Store, type OpenOptions, type Dialect } from './store/db.js';
export { migrateToLatest, schemaStatus, assertSchemaCurrent, type SchemaStatus } from './store/migrate.js';
export { authorize, type Decision } from './auth/authorize.js';
export { verifyApiKey, authenticateApiKey, parseKey, type KeyVerification, type KeyFailure } from './auth/api-keys.js';
export type { ResourceGrantRef, GrantLevel } from './auth/resource-access.js';
export { loadPrincipal, type Principal } from './auth/principal.js';
export { computeAccess, loadAccess, type EffectiveAccess, type RoleSource } from './auth/access.js';
export { builtinPermissions, expandGrant, type Action } from './auth/catalog.js';
export { getEffectiveSettings, type EffectiveSettingsScope } from './core/settings-admin.js';
export type { EffectiveSetting } from './core/settings.js';
export type { Scope, SettingValue } from './core/settings-registry.js';
export type { Deps, StoreOrDeps } from './core/deps.js';
export { AppError, type ErrorCode } from './core/errors.js';
