// env: environment information for super admins (seed 001), read-only.
import { loadStoredSettings } from '../../store/settings-repo.js';
import { resolveSetting } from '../../core/settings.js';
import { schemaStatus } from '../../store/migrate.js';
import { MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import type { CommandContext } from '../context.js';
import { version } from '../run.js';

export async function env(ctx: CommandContext): Promise<void> {
  const { store } = await ctx.deps();
  const { db } = store;
  const count = async (table: 'tenants' | 'users' | 'api_keys', where?: (q: any) => any) => {
    let q: any = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = where(q);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const settings = await loadStoredSettings(db, { tenantId: MAIN_TENANT_ID });
  const setting = (key: string) => resolveSetting(settings, key).value;
  const status = await schemaStatus(store);
  const value = {
    version,
    node: process.version,
    store: { dialect: store.dialect, location: store.location, schemaVersion: status.version },
    counts: {
      tenants: await count('tenants', (q) => q.where('kind', '!=', 'main')),
      users: await count('users', (q) => q.where('status', '!=', 'deleted')),
      apiKeys: await count('api_keys', (q) => q.where('revoked_at', 'is', null)),
    },
    editions: { tenants: setting('edition.tenants'), rbac: setting('edition.rbac') },
    limits: {
      sessionTtlHours: setting('sessions.ttlHours'),
      invitationTtlHours: setting('invitations.ttlHours'),
      apiKeyMaxTtlDays: setting('security.apiKeys.maxTtlDays'),
      lockoutMaxAttempts: setting('security.lockout.maxAttempts'),
      lockoutWindowMinutes: setting('security.lockout.windowMinutes'),
    },
  };
  await ctx.out.object(value, [
    ['iamctl', value.version],
    ['node', value.node],
    ['store', `${store.location} (${store.dialect}, schema ${status.version})`],
    ['tenants', value.counts.tenants],
    ['users', value.counts.users],
    ['api keys', value.counts.apiKeys],
    ['edition.tenants', value.editions.tenants],
    ['edition.rbac', value.editions.rbac],
    ['session ttl (h)', value.limits.sessionTtlHours],
    ['invitation ttl (h)', value.limits.invitationTtlHours],
    ['key max ttl (d)', value.limits.apiKeyMaxTtlDays ?? 'none'],
    ['lockout', `${value.limits.lockoutMaxAttempts} failures / ${value.limits.lockoutWindowMinutes} min`],
  ]);
}
