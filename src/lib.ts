// The library entry: what the platform embeds to verify keys and check permissions in-process.
// No top-level await, no process-wide side effects.
export { openStore, type Store, type OpenOptions } from './store/db.js';
export { migrateToLatest, schemaStatus, assertSchemaCurrent } from './store/migrate.js';
export { authorize, type Decision } from './auth/authorize.js';
export type { ResourceGrantRef, GrantLevel } from './auth/resource-access.js';
export { verifyApiKey, parseKey, type KeyVerification, type KeyFailure } from './auth/api-keys.js';
export { loadPrincipal, type Principal } from './auth/principal.js';
export { computeAccess, loadAccess, type EffectiveAccess, type RoleSource } from './auth/access.js';
export { builtinPermissions, expandGrant } from './auth/catalog.js';
export { AppError, type ErrorCode } from './core/errors.js';
