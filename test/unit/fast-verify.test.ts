// The `key verify` fast path, run in-process with stand-ins for stdin/stdout: it must print
// exactly what the full command prints for a valid key, and hand everything else over with
// stdin intact (the full command then reports and audits).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKey, verifyKeyPrincipal } from '../../src/core/keys.js';
import { fastKeyVerify, fastVerifyArgs, type FastPorts } from '../../src/cli/fast-verify.js';
import { verifiedKeyFields } from '../../src/cli/views.js';
import { jsonText, plainFields } from '../../src/output/cells.js';
import { auditCount, principalOf, seedMain, seedTenant, seedUser, storeSetting } from '../helpers/rows.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('which command lines take the fast path', () => {
  it.each([
    [['key', 'verify'], { json: false, db: undefined }],
    [['keys', 'verify', '-o', 'json'], { json: true, db: undefined }],
    [['-ojson', 'key', 'verify'], { json: true, db: undefined }],
    [['key', 'verify', '--output=table', '--db', '/x/y.db', '-q', '--no-color'], { json: false, db: '/x/y.db' }],
    [['--db=/x/y.db', 'key', 'verify'], { json: false, db: '/x/y.db' }],
  ])('%j', (argv, expected) => {
    expect(fastVerifyArgs(argv)).toEqual(expected);
  });

  it.each([
    [['key', 'verify', '-o', 'yaml']],
    [['key', 'verify', '--debug']],
    [['key', 'verify', '--help']],
    [['key', 'verify', '--tenant', 'acme']],
    [['key', 'verify', '--api-key-stdin']],
    [['key', 'verify', 'extra']],
    [['key', 'list']],
    [['verify', 'key']],
    [['key', 'verify', '--db']],
  ])('not %j', (argv) => {
    expect(fastVerifyArgs(argv)).toBeUndefined();
  });
});

describe('the fast path on a real store', () => {
  let t: TestStore;
  afterEach(async () => t?.cleanup());

  function ports(input: string, options: { tty?: boolean } = {}): FastPorts & { out: string[]; reads: number } {
    const self = {
      env: { IAMCTL_DB: t.location } as NodeJS.ProcessEnv,
      now: t.deps.now,
      out: [] as string[],
      reads: 0,
      stdoutIsTTY: () => options.tty === true,
      readInput: async () => {
        self.reads++;
        return Buffer.from(input);
      },
      write: (text: string) => void self.out.push(text),
    };
    return self;
  }

  async function setup() {
    t = await testStore('sqlite');
    await seedMain(t.deps);
    const acme = await seedTenant(t.deps, 'acme');
    const robot = await seedUser(t.deps, acme.id, 'robot@acme.example', ['api-user']);
    const key = await createKey(t.deps, await principalOf(t.deps, robot), robot, { expiresInDays: 3 });
    return { acme, robot, key };
  }

  it('prints what the full command prints for a valid key (JSON and table)', async () => {
    const { key } = await setup();
    const io = ports(`${key.secret}\n`);
    expect(await fastKeyVerify(['key', 'verify', '-o', 'json'], io)).toEqual({ exitCode: 0 });
    const full = await verifyKeyPrincipal(t.deps, key.secret);
    expect(io.out.join('')).toBe(jsonText(full));
    const table = ports(`${key.secret}\r\n`);
    expect(await fastKeyVerify(['key', 'verify'], table)).toEqual({ exitCode: 0 });
    expect(table.out.join('')).toBe(plainFields(verifiedKeyFields(full)));
    const stamp = await t.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(stamp.last_used_at).not.toBeNull();
  });

  it.each([
    ['malformed', async () => 'iak_nope'],
    ['unknown', async () => (await import('../../src/auth/api-key-format.js')).generateKey().key],
    ['revoked', async (f: Awaited<ReturnType<typeof setup>>) => {
      await t.store.db.updateTable('api_keys').set({ revoked_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', f.key.id).execute();
      return f.key.secret;
    }],
    ['disabled by policy', async (f: Awaited<ReturnType<typeof setup>>) => {
      await storeSetting(t.deps, 'security.apiKeys.enabled', false, { tenantId: f.acme.id });
      return f.key.secret;
    }],
    ['empty stdin', async () => ''],
  ])('hands a %s key over to the full command with stdin as read, writing nothing', async (_name, arrange) => {
    const f = await setup();
    const input = `${await arrange(f)}\n`;
    const before = await auditCount(t.deps);
    const io = ports(input);
    expect(await fastKeyVerify(['key', 'verify'], io)).toEqual({ fallback: Buffer.from(input) });
    expect(io.out).toEqual([]);
    expect(await auditCount(t.deps)).toBe(before);
  });

  it('leaves stdin unread for PostgreSQL, a terminal table, and other command lines', async () => {
    const { key } = await setup();
    const pg = ports(`${key.secret}\n`);
    pg.env = { IAMCTL_DB: 'postgres://nobody@127.0.0.1:1/none' };
    expect(await fastKeyVerify(['key', 'verify'], pg)).toEqual({ fallback: undefined });
    const tty = ports(`${key.secret}\n`, { tty: true });
    expect(await fastKeyVerify(['key', 'verify'], tty)).toEqual({ fallback: undefined });
    expect(await fastKeyVerify(['key', 'verify', '-o', 'json'], tty)).toEqual({ exitCode: 0 });
    const other = ports(`${key.secret}\n`);
    expect(await fastKeyVerify(['key', 'verify', '--debug'], other)).toEqual({ fallback: undefined });
    expect(pg.reads + tty.reads + other.reads).toBe(1);
  });

  it('hands over a store whose schema is not the one this build knows, or no store at all', async () => {
    const { key } = await setup();
    await t.store.db.insertInto('kysely_migration' as never).values({ name: '9999_future', timestamp: '2030-01-01' } as never).execute();
    expect(await fastKeyVerify(['key', 'verify'], ports(`${key.secret}\n`))).toEqual({ fallback: Buffer.from(`${key.secret}\n`) });
    const missing = ports(`${key.secret}\n`);
    missing.env = { IAMCTL_DB: path.join(path.dirname(t.location), 'missing.db') };
    expect(await fastKeyVerify(['key', 'verify'], missing)).toMatchObject({ fallback: expect.any(Buffer) });
  });
});
