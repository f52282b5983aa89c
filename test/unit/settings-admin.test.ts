import { afterEach, describe, expect, it } from 'vitest';
import { newMasterKey, parseMasterKey, encryptSecret, secretSettingValue } from '../../src/auth/secrets.js';
import {
  getEffectiveSettings,
  getSetting,
  listSettings,
  setSetting,
  settingsPermission,
  settingsTarget,
  unsetSetting,
  writePermissions,
  type SettingsTarget,
} from '../../src/core/settings-admin.js';
import { loadStoredSettings } from '../../src/store/settings-repo.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { principalOf, seedMain, seedTenant, seedUser } from '../helpers/rows.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

describe('settings scopes and the permissions they need', () => {
  const acme = { id: 't-acme', slug: 'acme' };
  const main = { id: MAIN_TENANT_ID, slug: '-main' };
  const bob = { id: 'u-bob', tenant_id: 't-acme', email: 'bob@acme.example' };

  it.each([
    ['the acting tenant by default', acme, {}, { scope: 'tenant', tenantId: 't-acme', slug: 'acme' }],
    ['global in the main account', main, {}, { scope: 'global' }],
    ['--global anywhere', acme, { global: true }, { scope: 'global' }],
    ['--user', acme, { user: bob }, { scope: 'user', tenantId: 't-acme', userId: 'u-bob', email: 'bob@acme.example' }],
  ])('%s', (_name, acting, options, expected) => {
    expect(settingsTarget(acting, options)).toEqual(expected);
  });

  const tenant: SettingsTarget = { scope: 'tenant', tenantId: 't-acme', slug: 'acme' };
  const user: SettingsTarget = { scope: 'user', tenantId: 't-acme', userId: 'u-bob', email: 'bob@acme.example' };
  it.each([
    [{ scope: 'global' } as SettingsTarget, 'update', 'global-settings:update', MAIN_TENANT_ID],
    [tenant, 'read', 'tenant-settings:read', 't-acme'],
    [user, 'update', 'users:update', 't-acme'],
  ] as const)('%o %s needs %s', (target, mode, permission, tenantId) => {
    expect(settingsPermission(target, mode)).toEqual({ permission, tenantId });
  });

  it('a global-only key needs a super admin whatever scope it is written at', () => {
    expect(writePermissions(tenant, 'sessions.ttlHours').map((p) => p.permission)).toEqual(['global-settings:update', 'tenant-settings:update']);
    expect(writePermissions(tenant, 'ai.enabled').map((p) => p.permission)).toEqual(['tenant-settings:update']);
    expect(() => writePermissions(tenant, 'no.such.key')).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});

describe.each(dialects)('settings (core) on %s', (dialect) => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    await seedMain(t.deps);
    const acme = await seedTenant(t.deps, 'acme');
    const root = await seedUser(t.deps, MAIN_TENANT_ID, 'root@example.com', ['super-admin']);
    const ada = await seedUser(t.deps, acme.id, 'ada@acme.example', ['admin']);
    const bob = await seedUser(t.deps, acme.id, 'bob@acme.example', ['viewer']);
    const global: SettingsTarget = { scope: 'global' };
    const tenant: SettingsTarget = { scope: 'tenant', tenantId: acme.id, slug: 'acme' };
    const user: SettingsTarget = { scope: 'user', tenantId: acme.id, userId: bob.id, email: bob.email };
    return { acme, root, ada, bob, global, tenant, user, asRoot: await principalOf(t.deps, root), asAda: await principalOf(t.deps, ada) };
  }

  it('resolves user ?? tenant ?? global ?? default and says where each value comes from', async () => {
    const f = await setup();
    expect(await getSetting(t.deps, f.user, 'security.apiKeys.enabled')).toEqual({ key: 'security.apiKeys.enabled', value: true, scope: 'user', source: 'default' });
    await setSetting(t.deps, f.asRoot, f.global, 'security.apiKeys.enabled', 'false');
    expect(await getSetting(t.deps, f.user, 'security.apiKeys.enabled')).toMatchObject({ value: false, source: 'global' });
    await setSetting(t.deps, f.asAda, f.tenant, 'security.apiKeys.enabled', 'true');
    expect(await getSetting(t.deps, f.user, 'security.apiKeys.enabled')).toMatchObject({ value: true, source: 'tenant' });
    await setSetting(t.deps, f.asAda, f.user, 'security.apiKeys.enabled', 'false');
    expect(await getSetting(t.deps, f.user, 'security.apiKeys.enabled')).toMatchObject({ value: false, source: 'user', scope: 'user' });
    expect(await getSetting(t.deps, f.tenant, 'security.apiKeys.enabled')).toMatchObject({ value: true, source: 'tenant', scope: 'tenant' });
    const unset = await unsetSetting(t.deps, f.asAda, f.user, 'security.apiKeys.enabled');
    expect(unset).toEqual({ removed: true, entry: { key: 'security.apiKeys.enabled', value: true, scope: 'user', source: 'tenant' } });
    expect(await unsetSetting(t.deps, f.asAda, f.user, 'security.apiKeys.enabled')).toMatchObject({ removed: false });
    const events = await t.store.db.selectFrom('audit_events').select(['action', 'tenant_id', 'target', 'details']).where('action', 'like', 'settings.%').orderBy('seq').execute();
    expect(events.map((e) => [e.action, e.tenant_id, JSON.parse(e.details)])).toEqual([
      ['settings.set', MAIN_TENANT_ID, { scope: 'global', value: false }],
      ['settings.set', f.acme.id, { scope: 'tenant', value: true }],
      ['settings.set', f.acme.id, { scope: 'user', user: `user:${f.bob.id}`, value: false }],
      ['settings.unset', f.acme.id, { scope: 'user', user: `user:${f.bob.id}` }],
    ]);
  });

  it('lists what is set at a scope, or every key effectively', async () => {
    const f = await setup();
    expect(await listSettings(t.deps, f.tenant)).toEqual([]);
    await setSetting(t.deps, f.asRoot, f.global, 'invitations.ttlHours', '24');
    await setSetting(t.deps, f.asAda, f.tenant, 'security.apiKeys.maxTtlDays', '30');
    expect(await listSettings(t.deps, f.tenant)).toEqual([{ key: 'security.apiKeys.maxTtlDays', value: 30, scope: 'tenant' }]);
    const effective = await listSettings(t.deps, f.tenant, { effective: true });
    expect(effective.find((e) => e.key === 'invitations.ttlHours')).toEqual({ key: 'invitations.ttlHours', value: 24, scope: 'tenant', source: 'global' });
    expect(effective.find((e) => e.key === 'sessions.ttlHours')).toEqual({ key: 'sessions.ttlHours', value: 12, scope: 'tenant', source: 'default' });
    expect(effective.length).toBeGreaterThan(20);
  });

  it.each([
    ['security.apiKeys.enabled', 'yes', /expected true or false/],
    ['security.apiKeys.maxTtlDays', 'ten', /expected an integer or null/],
    ['security.apiKeys.maxTtlDays', '0', /between 1 and 3650/],
    ['security.apiKeys.maxTtlDays', '1.5', /expected an integer/],
    ['inspection.minSeverity', 'loud', /info \| warning \| error \| critical/],
    ['billing.owner', 'not-an-email', /an email address/],
    ['notifications.defaultEmails', 'a@b.example,nope', /comma-separated list of emails/],
    ['users.defaultRole', 'no-such-role', /not a role of this tenant/],
    ['users.defaultRole', 'super-admin', /not a role of this tenant/],
    ['no.such.key', '1', /unknown setting "no\.such\.key"/],
  ])('refuses %s = %j (validation), changing nothing', async (key, value, message) => {
    const f = await setup();
    await expect(setSetting(t.deps, f.asAda, f.tenant, key, value)).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(message) });
    expect(await t.store.db.selectFrom('tenant_settings').select('key').execute()).toEqual([]);
  });

  it.each([
    ['a global-only key in a tenant', 'sessions.ttlHours', 'tenant', 'validation'],
    ['a tenant key at the user level', 'security.apiKeys.maxTtlDays', 'user', 'validation'],
    ['a user writing their own user-level value', 'security.apiKeys.enabled', 'self', 'forbidden'],
  ])('refuses %s', async (_name, key, where, code) => {
    const f = await setup();
    const self: SettingsTarget = { scope: 'user', tenantId: f.acme.id, userId: f.ada.id, email: f.ada.email };
    const target = where === 'tenant' ? f.tenant : where === 'user' ? f.user : self;
    await expect(setSetting(t.deps, f.asAda, target, key, '5')).rejects.toMatchObject({ code });
    await expect(unsetSetting(t.deps, f.asAda, target, key)).rejects.toMatchObject({ code });
  });

  it('accepts typed values: lists, nullable numbers, existing roles', async () => {
    const f = await setup();
    expect(await setSetting(t.deps, f.asAda, f.tenant, 'notifications.defaultEmails', 'a@x.example, b@x.example')).toMatchObject({ value: ['a@x.example', 'b@x.example'] });
    expect(await setSetting(t.deps, f.asAda, f.tenant, 'security.apiKeys.maxTtlDays', 'null')).toMatchObject({ value: null, source: 'tenant' });
    expect(await setSetting(t.deps, f.asAda, f.tenant, 'users.defaultRole', 'operator')).toMatchObject({ value: 'operator' });
    expect(await setSetting(t.deps, f.asRoot, f.global, 'users.defaultRole', 'api-user')).toMatchObject({ value: 'api-user' });
    const emails = await t.store.db.selectFrom('audit_events').select('details').where('action', '=', 'settings.set').orderBy('seq').executeTakeFirstOrThrow();
    expect(JSON.parse(emails.details)).toEqual({ scope: 'tenant', redacted: true });
  });

  it('stores secrets encrypted, shows them masked, keeps them out of the audit trail', async () => {
    const f = await setup();
    const masterKey = parseMasterKey(newMasterKey());
    const box = { encrypt: (plain: string) => encryptSecret(masterKey, plain) };
    const entry = await setSetting(t.deps, f.asAda, f.tenant, 'ai.openaiApiKey', 'sk-very-secret', box);
    expect(entry).toEqual({ key: 'ai.openaiApiKey', value: '********', scope: 'tenant', source: 'tenant' });
    const rows = await t.store.db.selectFrom('tenant_settings').select('value').execute();
    expect(JSON.stringify(rows)).not.toContain('sk-very-secret');
    const audit = await t.store.db.selectFrom('audit_events').select('details').execute();
    expect(JSON.stringify(audit)).not.toContain('sk-very-secret');
    expect(await listSettings(t.deps, f.tenant)).toEqual([{ key: 'ai.openaiApiKey', value: '********', scope: 'tenant' }]);
    const stored = await loadStoredSettings(t.store.db, { tenantId: f.acme.id });
    expect(secretSettingValue(stored, 'ai.openaiApiKey', masterKey)).toBe('sk-very-secret');
    expect(secretSettingValue(stored, 'mail.smtpUrl', masterKey)).toBeNull();
    await expect(setSetting(t.deps, f.asAda, f.tenant, 'ai.openaiApiKey', 'x')).rejects.toThrow(/master key/);
  });

  it('gives embedders every effective value for a tenant or a user, secrets masked', async () => {
    const f = await setup();
    await setSetting(t.deps, f.asAda, f.user, 'security.apiKeys.enabled', 'false');
    await setSetting(t.deps, f.asAda, f.tenant, 'ai.openaiApiKey', 'sk-x', { encrypt: () => 'v1:a:b:c' });
    const forUser = await getEffectiveSettings(t.store, { user: 'BOB@acme.example' });
    expect(forUser.find((s) => s.key === 'security.apiKeys.enabled')).toEqual({ key: 'security.apiKeys.enabled', value: false, source: 'user' });
    const forTenant = await getEffectiveSettings(t.deps, { tenant: 'acme' });
    expect(forTenant.find((s) => s.key === 'security.apiKeys.enabled')).toEqual({ key: 'security.apiKeys.enabled', value: true, source: 'default' });
    expect(forTenant.find((s) => s.key === 'ai.openaiApiKey')).toEqual({ key: 'ai.openaiApiKey', value: '********', source: 'tenant' });
    expect((await getEffectiveSettings(t.store)).find((s) => s.key === 'ai.openaiApiKey')).toMatchObject({ value: null, source: 'default' });
    await expect(getEffectiveSettings(t.store, { tenant: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(getEffectiveSettings(t.store, { tenant: 'acme', user: 'root@example.com' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
