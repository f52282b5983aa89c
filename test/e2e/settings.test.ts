// `iamctl settings …` end to end: scopes, typed values, secrets, and who may write what.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { startSmtp } from '../helpers/smtp.js';

let c: Cli;
const keys: Record<string, string> = {};
const as = (who: string) => ({ env: { IAMCTL_API_KEY: keys[who]! } });

async function ok(args: string[], options?: Parameters<Cli['run']>[1]) {
  const result = await c.run(args, options);
  if (result.exitCode !== 0) throw new Error(`iamctl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return result;
}

const storedSettings = () =>
  c.sql<{ tenant_id: string; key: string; value: string }>(
    'select tenant_id, key, value from tenant_settings union all select tenant_id, key, value from user_settings order by 1, 2',
  );

beforeAll(async () => {
  c = await initializedCli();
  for (const slug of ['acme', 'globex']) await ok(['tenant', 'create', slug, '--name', slug]);
  for (const [tenant, email, role] of [['acme', 'ada@acme.example', 'admin'], ['acme', 'vic@acme.example', 'viewer'], ['globex', 'gus@globex.example', 'admin']]) {
    await ok(['user', 'create', '--tenant', tenant!, '--email', email!, '--first-name', 'Test', '--role', role!, '--password-stdin'], { input: 'Corr3ct-Horse-Battery\n' });
    keys[email!.split('@')[0]!] = (await c.json(['key', 'create', '--tenant', tenant!, '--user', email!])).secret;
  }
}, 120_000);

describe('settings', () => {
  it('set, get, list and unset at the acting tenant; JSON is { key, value, scope } (+ source)', async () => {
    expect(await c.json(['settings', 'set', 'security.apiKeys.maxTtlDays', '90'], as('ada'))).toEqual({
      key: 'security.apiKeys.maxTtlDays', value: 90, scope: 'tenant', source: 'tenant',
    });
    expect((await ok(['settings', 'get', 'security.apiKeys.maxTtlDays'], as('ada'))).stdout).toBe('90\n');
    expect(await c.json(['settings', 'list'], as('ada'))).toEqual([{ key: 'security.apiKeys.maxTtlDays', value: 90, scope: 'tenant' }]);
    const effective = await c.json(['settings', 'list', '--effective'], as('ada'));
    expect(effective).toContainEqual({ key: 'security.apiKeys.maxTtlDays', value: 90, scope: 'tenant', source: 'tenant' });
    expect(effective).toContainEqual({ key: 'sessions.ttlHours', value: 12, scope: 'tenant', source: 'default' });
    expect(await c.json(['settings', 'unset', 'security.apiKeys.maxTtlDays'], as('ada'))).toEqual({
      key: 'security.apiKeys.maxTtlDays', value: null, scope: 'tenant', source: 'default',
    });
    const empty = await ok(['settings', 'list'], as('ada'));
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/no values are set in tenant acme/);
  });

  it('global values apply everywhere until a tenant or a user overrides them', async () => {
    await ok(['settings', 'set', 'invitations.ttlHours', '24', '--global']);
    expect(await c.json(['settings', 'get', 'invitations.ttlHours'], as('gus'))).toEqual({ key: 'invitations.ttlHours', value: 24, scope: 'tenant', source: 'global' });
    // In the main account the default scope is global.
    expect(await c.json(['settings', 'get', 'invitations.ttlHours'])).toMatchObject({ scope: 'global', source: 'global' });
    await ok(['settings', 'set', 'security.apiKeys.enabled', 'false', '--global']);
    await ok(['settings', 'set', 'security.apiKeys.enabled', 'true', '--tenant', 'acme']);
    await ok(['settings', 'set', 'security.apiKeys.enabled', 'false', '--user', 'vic@acme.example'], as('ada'));
    const get = (who: string[]) => c.json(['settings', 'get', 'security.apiKeys.enabled', ...who]);
    expect(await get(['--tenant', 'acme', '--user', 'vic@acme.example'])).toMatchObject({ value: false, scope: 'user', source: 'user' });
    expect(await get(['--tenant', 'acme', '--user', 'ada@acme.example'])).toMatchObject({ value: true, source: 'tenant' });
    expect(await get(['--tenant', 'globex'])).toMatchObject({ value: false, source: 'global' });
    // A user reads their own effective values.
    expect(await c.json(['settings', 'get', 'security.apiKeys.enabled', '--user', 'ada@acme.example'], as('ada'))).toMatchObject({ value: true });
    await ok(['settings', 'unset', 'security.apiKeys.enabled', '--global']);
    await ok(['settings', 'unset', 'security.apiKeys.enabled', '--tenant', 'acme']);
    await ok(['settings', 'unset', 'security.apiKeys.enabled', '--user', 'vic@acme.example'], as('ada'));
  });

  it('typed values: lists, nullable numbers, roles', async () => {
    expect(await c.json(['settings', 'set', 'notifications.defaultEmails', 'ops@acme.example,oncall@acme.example'], as('ada'))).toMatchObject({
      value: ['ops@acme.example', 'oncall@acme.example'],
    });
    expect((await ok(['settings', 'get', 'notifications.defaultEmails'], as('ada'))).stdout).toBe('ops@acme.example,oncall@acme.example\n');
    expect(await c.json(['settings', 'set', 'users.defaultRole', 'operator'], as('ada'))).toMatchObject({ value: 'operator' });
    expect(await c.json(['settings', 'set', 'security.apiKeys.maxTtlDays', 'null'], as('ada'))).toMatchObject({ value: null, source: 'tenant' });
  });

  it('secrets: from stdin only, encrypted with the master key, shown masked', async () => {
    const secret = 'sk-live-0123456789abcdef';
    expectFailure(await c.run(['settings', 'set', 'ai.openaiApiKey', secret], as('ada')), 2, /never taken as an argument/);
    expect(await c.json(['settings', 'set', 'ai.openaiApiKey', '--value-stdin'], { ...as('ada'), input: `${secret}\n` })).toEqual({
      key: 'ai.openaiApiKey', value: '********', scope: 'tenant', source: 'tenant',
    });
    expect((await ok(['settings', 'get', 'ai.openaiApiKey'], as('ada'))).stdout).toBe('********\n');
    const setGlobal = await ok(['settings', 'set', 'mail.smtpUrl', '--value-stdin', '--global'], { input: 'smtp://u:pw@mail.example:587\n' });
    expect(setGlobal.stdout).toMatch(/value\t\*{8}/);
    const everything = JSON.stringify(await storedSettings());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('pw@mail');
    const audit = (await ok(['audit', 'list', '--limit', '200', '-o', 'json', '--tenant', 'acme'])).stdout;
    expect(audit).not.toContain(secret);
    // Without the master key a secret cannot be written.
    fs.renameSync(path.join(c.home, 'master.key'), path.join(c.home, 'master.key.away'));
    try {
      expectFailure(await c.run(['settings', 'set', 'ai.openaiApiKey', '--value-stdin'], { ...as('ada'), input: 'sk-other\n' }), 3, /no master key/);
    } finally {
      fs.renameSync(path.join(c.home, 'master.key.away'), path.join(c.home, 'master.key'));
    }
    await ok(['settings', 'unset', 'mail.smtpUrl', '--global']);
  });

  it('a secret set here is what the mailer decrypts: invitations go out through mail.smtpUrl', async () => {
    const smtp = await startSmtp({ user: 'mailer', pass: 'pw-of-the-relay' });
    try {
      await ok(['settings', 'set', 'mail.smtpUrl', '--value-stdin', '--global'], { input: `${smtp.url}\n` });
      await ok(['settings', 'set', 'mail.from', 'iam@acme.example', '--global']);
      await ok(['invite', 'create', '--tenant', 'acme', '--email', 'newbie@acme.example', '--role', 'viewer']);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatchObject({ from: 'iam@acme.example', to: ['newbie@acme.example'], user: 'mailer' });
    } finally {
      await ok(['settings', 'unset', 'mail.smtpUrl', '--global']);
      await smtp.close();
    }
  });

  const refused: [string, string, string[], number, RegExp][] = [
    ['an unknown key', 'ada', ['settings', 'set', 'no.such.key', '1'], 3, /unknown setting "no\.such\.key"/],
    ['an unknown key (get)', 'ada', ['settings', 'get', 'no.such.key'], 3, /unknown setting/],
    ['a wrong type (bool)', 'ada', ['settings', 'set', 'security.apiKeys.enabled', 'maybe'], 3, /expected true or false/],
    ['a wrong type (int)', 'ada', ['settings', 'set', 'security.apiKeys.maxTtlDays', 'ninety'], 3, /expected an integer or null/],
    ['an out-of-range int', 'ada', ['settings', 'set', 'security.apiKeys.maxTtlDays', '0'], 3, /between 1 and 3650/],
    ['a wrong type (email)', 'ada', ['settings', 'set', 'billing.owner', 'nobody'], 3, /an email address/],
    ['an unknown role', 'ada', ['settings', 'set', 'users.defaultRole', 'wizard'], 3, /not a role of this tenant/],
    ['a tenant key at the user level', 'ada', ['settings', 'set', 'security.apiKeys.maxTtlDays', '5', '--user', 'vic@acme.example'], 3, /cannot be set at the user level/],
    ['a tenant admin writing a global-only key', 'ada', ['settings', 'set', 'sessions.ttlHours', '5'], 5, /global-settings:update is reserved to super admins/],
    ['a tenant admin writing --global', 'ada', ['settings', 'set', 'ai.enabled', 'false', '--global'], 5, /global-settings:update/],
    ['a tenant admin unsetting --global', 'ada', ['settings', 'unset', 'ai.enabled', '--global'], 5, /global-settings:update/],
    ['a tenant admin reading --global', 'ada', ['settings', 'list', '--global'], 5, /global-settings:read/],
    ['a user writing their own user-level value', 'ada', ['settings', 'set', 'security.apiKeys.enabled', 'true', '--user', 'ada@acme.example'], 5, /never by the user themselves/],
    ['a viewer writing their own user-level value', 'vic', ['settings', 'set', 'security.apiKeys.enabled', 'true', '--user', 'vic@acme.example'], 5, /not allowed/],
    ['a viewer writing a tenant value', 'vic', ['settings', 'set', 'ai.enabled', 'false'], 5, /tenant-settings:update/],
    ['a viewer reading tenant values', 'vic', ['settings', 'list'], 5, /tenant-settings:read/],
    ['a viewer reading another user\'s values', 'vic', ['settings', 'get', 'security.apiKeys.enabled', '--user', 'ada@acme.example'], 5, /users:read/],
    ['another tenant\'s user', 'ada', ['settings', 'set', 'security.apiKeys.enabled', 'false', '--user', 'gus@globex.example'], 6, /user gus@globex\.example not found/],
    ['another tenant', 'ada', ['settings', 'list', '--tenant', 'globex'], 6, /tenant globex not found/],
    ['--global with --user', 'ada', ['settings', 'list', '--global', '--user', 'vic@acme.example'], 2, /not both/],
    ['no value', 'ada', ['settings', 'set', 'ai.enabled'], 2, /missing value/],
    ['a value and --value-stdin', 'ada', ['settings', 'set', 'ai.enabled', 'true', '--value-stdin'], 2, /not both/],
  ];
  it.each(refused)('refuses %s (exit %#), changing nothing', async (_name, who, args, code, pattern) => {
    const before = await storedSettings();
    expectFailure(await c.run(args, { ...as(who), input: 'false\n' }), code, pattern);
    expect(await storedSettings()).toEqual(before);
  });

  it('a super admin writing a global-only key in a tenant scope gets a validation error naming where it goes', async () => {
    expectFailure(await c.run(['settings', 'set', 'sessions.ttlHours', '5', '--tenant', 'acme']), 3, /set globally \(--global\)/);
  });

  it('settings changes are audited without secret or personal values', async () => {
    await ok(['settings', 'set', 'billing.owner', 'money@acme.example'], as('ada'));
    const events = await c.json(['audit', 'list', '--tenant', 'acme', '--limit', '200']);
    const billing = events.items.find((e: { target: string }) => e.target === 'setting:billing.owner');
    expect(billing).toMatchObject({ action: 'settings.set', actor: 'ada@acme.example', details: { scope: 'tenant', redacted: true } });
    expect(JSON.stringify(events)).not.toContain('money@acme.example');
  });
});
