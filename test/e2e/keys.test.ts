// `iamctl key …` end to end: the built CLI in a temp home, principals by API key
// (IAMCTL_API_KEY), every rule and bad input of the API keys issue.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';

let c: Cli;
const keys: Record<string, { id: string; secret: string }> = {};
const as = (who: string) => ({ env: { IAMCTL_API_KEY: keys[who]!.secret } });

async function ok(args: string[], options?: Parameters<Cli['run']>[1]) {
  const result = await c.run(args, options);
  if (result.exitCode !== 0) throw new Error(`iamctl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return result;
}

async function addUser(tenant: string, email: string, role: string) {
  await ok(['user', 'create', '--tenant', tenant, '--email', email, '--first-name', 'Test', '--role', role, '--password-stdin'], { input: 'Corr3ct-Horse-Battery\n' });
}

/** A key made by the super admin for a user (tenant slug, or null for root's own). */
async function issue(name: string, tenant: string | null, user?: string, extra: string[] = []) {
  const args = ['key', 'create', ...(tenant ? ['--tenant', tenant] : []), ...(user ? ['--user', user] : []), '--name', name, ...extra];
  const key = await c.json(args);
  keys[name] = { id: key.id, secret: key.secret };
  return key;
}

const sql = <T = Record<string, unknown>>(query: string, ...params: unknown[]) => c.sql<T>(query, params);
const auditEvents = async () => Number((await sql<{ n: number }>('select count(*) as n from audit_events'))[0]!.n);

beforeAll(async () => {
  c = await initializedCli();
  for (const slug of ['acme', 'globex', 'initech']) await ok(['tenant', 'create', slug, '--name', slug]);
  await addUser('acme', 'ada@acme.example', 'admin');
  await addUser('acme', 'vic@acme.example', 'viewer');
  await addUser('acme', 'eddie@acme.example', 'editor');
  await addUser('acme', 'robot@acme.example', 'api-user');
  await addUser('acme', 'ina@acme.example', 'viewer');
  await addUser('acme', 'dis@acme.example', 'viewer');
  await addUser('globex', 'gus@globex.example', 'viewer');
  await addUser('initech', 'ian@initech.example', 'viewer');
  await issue('root', null);
  for (const [name, email] of [['ada', 'ada'], ['vic', 'vic'], ['eddie', 'eddie'], ['robot', 'robot'], ['ina', 'ina'], ['dis', 'dis']]) {
    await issue(name!, 'acme', `${email}@acme.example`);
  }
  await issue('gus', 'globex', 'gus@globex.example');
  await issue('ian', 'initech', 'ian@initech.example');
}, 240_000);

describe('key create', () => {
  it('prints the key once on stdout, warns on stderr, and the key works', async () => {
    const result = await ok(['key', 'create', '--name', 'laptop'], as('vic'));
    expect(result.stdout).toMatch(/^iak_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}\n$/);
    expect(result.stderr).toMatch(/warning: this is the only time the key is shown/);
    expect(result.stderr).not.toContain(result.stdout.trim());
    const verified = await c.json(['key', 'verify'], { input: result.stdout });
    expect(verified).toMatchObject({ valid: true, user: 'vic@acme.example', tenant: 'acme', roles: ['viewer'] });
  });

  it('-o json is the key object (SPEC §10) plus its secret', async () => {
    const key = await c.json(['key', 'create', '--expires-in-days', '7'], as('eddie'));
    expect(Object.keys(key)).toEqual(expect.arrayContaining(['id', 'name', 'user', 'tenant', 'hint', 'status', 'createdAt', 'expiresAt', 'lastUsedAt', 'secret']));
    expect(key).toMatchObject({ user: 'eddie@acme.example', tenant: 'acme', status: 'active', lastUsedAt: null });
    expect(Date.parse(key.expiresAt) - Date.parse(key.createdAt)).toBe(7 * 86_400_000);
    const listed = await c.json(['key', 'show', key.id], as('eddie'));
    expect(listed).not.toHaveProperty('secret');
    expect(JSON.stringify(listed)).not.toContain(key.secret.slice(17, 60));
  });

  it('an admin creates keys for users of their tenant', async () => {
    const key = await c.json(['key', 'create', '--user', 'robot@acme.example', '--name', 'from ada'], as('ada'));
    expect(key).toMatchObject({ user: 'robot@acme.example', createdBy: 'ada@acme.example' });
  });

  it.each([
    ['0', /use a whole number of days, 1 or more/],
    ['-1', /use a whole number of days, 1 or more/],
    ['abc', /use a whole number of days, 1 or more/],
    ['2.5', /use a whole number of days, 1 or more/],
    ['99999', /over the limit of 3650 days/],
  ])('refuses --expires-in-days %s (3), creating nothing', async (days, pattern) => {
    const before = (await sql('select id from api_keys')).length;
    expectFailure(await c.run(['key', 'create', '--expires-in-days', days], as('vic')), 3, pattern);
    expect(await sql('select id from api_keys')).toHaveLength(before);
  });

  it('under security.apiKeys.maxTtlDays an expiry is required and capped, naming the cap', async () => {
    await ok(['settings', 'set', 'security.apiKeys.maxTtlDays', '30', '--tenant', 'globex']);
    expectFailure(await c.run(['key', 'create'], as('gus')), 3, /an expiry is required: keys here must expire within 30 days/);
    expectFailure(await c.run(['key', 'create', '--expires-in-days', '31'], as('gus')), 3, /over the limit of 30 days \(security\.apiKeys\.maxTtlDays\)/);
    expect((await c.json(['key', 'create', '--expires-in-days', '30'], as('gus'))).status).toBe('active');
  });
});

describe('who may act on whose keys', () => {
  const cases: [string, string, () => string[], number, RegExp][] = [
    ['a viewer lists the tenant\'s keys', 'vic', () => ['key', 'list', '--all'], 5, /api-keys:read/],
    ['a viewer creates a key for someone else', 'vic', () => ['key', 'create', '--user', 'robot@acme.example'], 5, /api-keys:create/],
    ['a viewer lists someone else\'s keys', 'vic', () => ['key', 'list', '--user', 'robot@acme.example'], 5, /api-keys:read/],
    ['a viewer shows someone else\'s key', 'vic', () => ['key', 'show', keys.robot!.id], 5, /api-keys:read/],
    ['a viewer regenerates someone else\'s key', 'vic', () => ['key', 'regenerate', keys.robot!.id], 5, /api-keys:update/],
    ['a viewer revokes someone else\'s key', 'vic', () => ['key', 'revoke', keys.robot!.id, '--yes'], 5, /api-keys:delete/],
    ['an editor creates a key for someone else', 'eddie', () => ['key', 'create', '--user', 'vic@acme.example'], 5, /api-keys:create/],
    ['a viewer names a user of another tenant', 'vic', () => ['key', 'create', '--user', 'gus@globex.example'], 5, /api-keys:create/],
    ['an admin creates a key for another tenant\'s user', 'ada', () => ['key', 'create', '--user', 'gus@globex.example'], 6, /user gus@globex\.example not found/],
    ['an admin lists another tenant\'s user\'s keys', 'ada', () => ['key', 'list', '--user', 'gus@globex.example'], 6, /not found/],
    ['an admin shows another tenant\'s key', 'ada', () => ['key', 'show', keys.gus!.id], 6, /not found/],
    ['an admin revokes another tenant\'s key', 'ada', () => ['key', 'revoke', keys.gus!.id, '--yes'], 6, /not found/],
    ['a tenant user shows another tenant\'s key', 'gus', () => ['key', 'show', keys.robot!.id], 6, /not found/],
    ['a tenant user acts in another tenant', 'vic', () => ['key', 'list', '--tenant', 'globex'], 6, /tenant globex not found/],
    ['an unknown key id', 'ada', () => ['key', 'show', 'ZZZZZZZZZZZZ'], 6, /not found/],
    ['--user and --all together', 'ada', () => ['key', 'list', '--all', '--user', 'vic@acme.example'], 2, /not both/],
    ['--limit without --all', 'ada', () => ['key', 'list', '--limit', '2'], 2, /--all/],
    ['revoking without --yes off a terminal', 'ada', () => ['key', 'revoke', keys.robot!.id], 2, /--yes/],
  ];
  it.each(cases)('%s: exit %#', async (_name, who, args, code, pattern) => {
    const before = await sql('select id, secret_hash, revoked_at from api_keys order by id');
    expectFailure(await c.run(args(), as(who)), code, pattern);
    expect(await sql('select id, secret_hash, revoked_at from api_keys order by id')).toEqual(before);
  });

  it('a whole key given as an argument is refused without being echoed', async () => {
    const result = await c.run(['key', 'show', keys.vic!.secret], as('vic'));
    expectFailure(result, 2, /whole API key/);
    expect(result.stderr).not.toContain(keys.vic!.secret);
  });

  it('everyone lists and shows their own keys; the hint works as an id', async () => {
    const mine = await c.json(['key', 'list'], as('vic'));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((k: { user: string }) => k.user === 'vic@acme.example')).toBe(true);
    const hint = mine[0].hint as string;
    expect(await c.json(['key', 'show', hint], as('vic'))).toMatchObject({ id: mine[0].id });
    expect(mine.find((k: { id: string }) => k.id === keys.vic!.id)).toMatchObject({ lastUsedAt: expect.any(String) });
  });

  it('admins list a user\'s keys and the whole tenant\'s, paginated', async () => {
    const robots = await c.json(['key', 'list', '--user', 'robot@acme.example'], as('ada'));
    expect(robots.map((k: { user: string }) => k.user)).toEqual(robots.map(() => 'robot@acme.example'));
    const first = await c.json(['key', 'list', '--all', '--limit', '3'], as('ada'));
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all: string[] = first.items.map((k: { id: string }) => k.id);
    let cursor: string | null = first.nextCursor;
    while (cursor) {
      const page = await c.json(['key', 'list', '--all', '--limit', '3', '--cursor', cursor], as('ada'));
      all.push(...page.items.map((k: { id: string }) => k.id));
      cursor = page.nextCursor;
    }
    const inAcme = (await sql<{ id: string }>("select k.id from api_keys k join tenants t on t.id = k.tenant_id where t.slug = 'acme'")).map((r) => r.id);
    expect(all.sort()).toEqual(inAcme.sort());
    expect(await c.json(['key', 'list', '--all', '--tenant', 'acme'])).toMatchObject({ items: expect.any(Array), nextCursor: null });
    const table = await ok(['key', 'list', '--all', '--tenant', 'acme', '--columns', 'id,user']);
    expect(table.stdout.trim().split('\n').every((line) => /^[0-9A-Za-z]{12}\t\S+@acme\.example$/.test(line))).toBe(true);
  });
});

describe('regenerate and revoke', () => {
  it('regenerate: same id, new secret once, the old secret dies at once', async () => {
    const key = await issue('rotating', 'acme', 'robot@acme.example');
    const again = await c.json(['key', 'regenerate', key.id], as('ada'));
    expect(again).toMatchObject({ id: key.id, secret: expect.stringMatching(/^iak_/) });
    expect(again.secret).not.toBe(key.secret);
    expectFailure(await c.run(['key', 'verify'], { input: `${key.secret}\n` }), 4, /API key not accepted: unknown/);
    expect(await c.json(['key', 'verify'], { input: `${again.secret}\n` })).toMatchObject({ valid: true, key: key.id });
    const own = await ok(['key', 'regenerate', keys.vic!.id], as('vic'));
    expect(own.stdout).toMatch(/^iak_/);
    keys.vic!.secret = own.stdout.trim();
  });

  it('revoke: needs --yes off a terminal, then the key fails but stays listed; twice is a conflict', async () => {
    const key = await issue('doomed', 'acme', 'robot@acme.example');
    const revoked = await c.json(['key', 'revoke', key.id, '--yes'], as('ada'));
    expect(revoked).toMatchObject({ id: key.id, status: 'revoked', revokedAt: expect.any(String) });
    expectFailure(await c.run(['key', 'verify'], { input: `${key.secret}\n` }), 4, /revoked/);
    expect((await c.json(['key', 'show', key.id], as('ada'))).status).toBe('revoked');
    expectFailure(await c.run(['key', 'revoke', key.id, '--yes'], as('ada')), 7, /already revoked/);
    expectFailure(await c.run(['key', 'regenerate', key.id], as('ada')), 7, /revoked/);
  });
});

describe('key verify', () => {
  const reasons: [string, () => Promise<string> | string, string, boolean][] = [
    ['wrong prefix', () => keys.vic!.secret.replace(/^iak_/, 'xak_'), 'malformed', false],
    ['wrong length', () => keys.vic!.secret.slice(0, -2), 'malformed', false],
    ['bad checksum', () => keys.vic!.secret.slice(0, -1) + (keys.vic!.secret.endsWith('A') ? 'B' : 'A'), 'malformed', false],
    ['non-base62 characters', () => `${keys.vic!.secret.slice(0, 20)}+${keys.vic!.secret.slice(21)}`, 'malformed', false],
    ['an unknown id', async () => (await import('../../src/auth/api-key-format.js')).generateKey().key, 'unknown', false],
    ['a known id with a wrong secret', async () => (await import('../../src/auth/api-key-format.js')).generateKey(keys.robot!.id).key, 'unknown', true],
    ['a revoked key', async () => {
      const k = await issue('revoked', 'acme', 'robot@acme.example');
      await ok(['key', 'revoke', k.id, '--yes', '--tenant', 'acme']);
      return k.secret;
    }, 'revoked', true],
    ['an expired key', async () => {
      const k = await issue('expiring', 'acme', 'robot@acme.example', ['--expires-in-days', '1']);
      await sql('update api_keys set expires_at = ? where id = ?', '2020-01-01T00:00:00.000Z', k.id);
      return k.secret;
    }, 'expired', true],
    ['an inactive user', async () => {
      await sql("update users set status = 'inactive' where email_lower = 'ina@acme.example'");
      return keys.ina!.secret;
    }, 'user inactive', true],
    ['an inactive tenant', async () => {
      await ok(['tenant', 'deactivate', 'initech', '--yes']);
      return keys.ian!.secret;
    }, 'tenant inactive', true],
    ['keys disabled for the user', async () => {
      await ok(['settings', 'set', 'security.apiKeys.enabled', 'false', '--user', 'dis@acme.example', '--tenant', 'acme']);
      return keys.dis!.secret;
    }, 'disabled by policy', true],
  ];

  it.each(reasons)('%s: exit 4 naming the reason; audited only for a known key', async (_name, key, reason, audited) => {
    const secret = await key();
    const before = await auditEvents();
    for (const output of [[], ['-o', 'json']]) {
      const result = await c.run(['key', 'verify', ...output], { input: `${secret}\n` });
      if (output.length) {
        expect(result.exitCode).toBe(4);
        expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'unauthenticated', message: `API key not accepted: ${reason}`, hint: expect.any(String) } });
      } else {
        expectFailure(result, 4, new RegExp(`API key not accepted: ${reason} \\(unauthenticated\\)`));
      }
    }
    expect((await auditEvents()) - before).toBe(audited ? 2 : 0);
    // The same key as a credential for any command fails the same way.
    expectFailure(await c.run(['whoami'], { env: { IAMCTL_API_KEY: secret } }), 4, new RegExp(reason));
  });

  it('prints the principal: user, tenant, roles, expiry (table and JSON); the full path prints the same', async () => {
    const key = await issue('principal', 'acme', 'robot@acme.example', ['--expires-in-days', '5']);
    const table = await ok(['key', 'verify'], { input: `${key.secret}\n` });
    expect(table.stdout).toBe(
      `valid\tyes\nkey\t${key.id}\nuser\trobot@acme.example\ntenant\tacme\nroles\tapi-user\nexpires\t${key.expiresAt}\n`,
    );
    expect(table.stderr).toBe('');
    const fast = await ok(['key', 'verify', '-o', 'json'], { input: `${key.secret}\n` });
    // --debug is not an option the fast path takes: this runs the full command.
    const full = await ok(['key', 'verify', '-o', 'json', '--debug'], { input: `${key.secret}\n` });
    expect(JSON.parse(fast.stdout)).toEqual({ valid: true, key: key.id, user: 'robot@acme.example', userId: expect.any(String), tenant: 'acme', roles: ['api-user'], expiresAt: key.expiresAt });
    expect(full.stdout).toBe(fast.stdout);
    const root = await c.json(['key', 'verify'], { input: `${keys.root!.secret}\r\n` });
    expect(root).toMatchObject({ tenant: null, roles: ['super-admin'], expiresAt: null });
  });

  it('records last use on the key', async () => {
    const key = await issue('used', 'acme', 'vic@acme.example');
    expect((await c.json(['key', 'show', key.id, '--tenant', 'acme'])).lastUsedAt).toBeNull();
    await ok(['key', 'verify'], { input: `${key.secret}\n` });
    expect((await c.json(['key', 'show', key.id, '--tenant', 'acme'])).lastUsedAt).toEqual(expect.any(String));
  });

  it('needs the key on stdin (2)', async () => {
    expectFailure(await c.run(['key', 'verify'], { input: '' }), 2, /expected a line on stdin/);
  });

  it('turning keys off fails existing keys without deleting them; turning them on restores them', async () => {
    const key = await issue('toggle', 'acme', 'vic@acme.example');
    await ok(['settings', 'set', 'security.apiKeys.enabled', 'false', '--tenant', 'acme']);
    expectFailure(await c.run(['key', 'verify'], { input: `${key.secret}\n` }), 4, /disabled by policy/);
    expect((await c.json(['key', 'show', key.id, '--tenant', 'acme'])).status).toBe('active');
    // A user-level override wins over the tenant's value.
    await ok(['settings', 'set', 'security.apiKeys.enabled', 'true', '--user', 'vic@acme.example', '--tenant', 'acme']);
    await ok(['key', 'verify'], { input: `${key.secret}\n` });
    await ok(['settings', 'unset', 'security.apiKeys.enabled', '--user', 'vic@acme.example', '--tenant', 'acme']);
    await ok(['settings', 'unset', 'security.apiKeys.enabled', '--tenant', 'acme']);
    await ok(['key', 'verify'], { input: `${key.secret}\n` });
  });
});

describe('authenticating with a key', () => {
  it('IAMCTL_API_KEY and --api-key-stdin make the key\'s user the principal', async () => {
    expect(await c.json(['whoami'], as('robot'))).toMatchObject({ via: 'apiKey', tenant: 'acme', user: { email: 'robot@acme.example' } });
    expect(await c.json(['whoami', '--api-key-stdin'], { input: `${keys.ada!.secret}\n` })).toMatchObject({ via: 'apiKey', user: { email: 'ada@acme.example' } });
  });

  it('when keys are for API users only, only they get keys (others: 5) and only their keys work', async () => {
    await ok(['settings', 'set', 'security.apiKeys.apiUserOnly', 'true', '--tenant', 'acme']);
    try {
      expectFailure(await c.run(['key', 'create', '--tenant', 'acme', '--user', 'vic@acme.example']), 5, /only for API users/);
      expect((await c.json(['key', 'create', '--tenant', 'acme', '--user', 'robot@acme.example'])).user).toBe('robot@acme.example');
      expectFailure(await c.run(['whoami'], as('ada')), 4, /disabled by policy/);
      expect(await c.json(['whoami'], as('robot'))).toMatchObject({ via: 'apiKey' });
    } finally {
      await ok(['settings', 'unset', 'security.apiKeys.apiUserOnly', '--tenant', 'acme']);
    }
  });
});
