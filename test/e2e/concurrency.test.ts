// Several processes writing one store at once: uniqueness and the audit chain hold.
import { describe, expect, it } from 'vitest';
import { cli, expectFailure, initializedCli } from '../helpers/cli.js';

describe('concurrent writers', () => {
  it('serialize on the audit chain head: every change lands, the chain verifies', async () => {
    const c = await initializedCli();
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => c.run(['tenant', 'create', `t${i}x`, '--name', `Tenant ${i}`])));
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await c.json(['tenant', 'list'])).length).toBe(7);
    const verify = await c.json(['audit', 'verify']);
    expect(verify).toMatchObject({ ok: true, checked: 3 + 6 });
    const seqs = (await c.sql<{ seq: number }>('select seq from audit_events order by seq')).map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
  });

  it('let exactly one of several identical creations win; the rest get 7', async () => {
    const c = await initializedCli();
    const runs = await Promise.all(Array.from({ length: 5 }, () => c.run(['tenant', 'create', 'same', '--name', 'Same'])));
    expect(runs.filter((r) => r.exitCode === 0)).toHaveLength(1);
    for (const r of runs.filter((x) => x.exitCode !== 0)) expectFailure(r, 7, /tenant same already exists/);
    expect((await c.json(['audit', 'verify'])).ok).toBe(true);
  });
});

describe('PostgreSQL connection problems', () => {
  it('says authentication failed for an unknown role, without a stack', async () => {
    const url = process.env.IAMCTL_TEST_PG_URL;
    if (!url) return expect(url).toBeUndefined();
    const u = new URL(url);
    u.username = 'no_such_role_here';
    const r = await cli().run(['tenant', 'list', '--db', u.toString()]);
    expectFailure(r, 1, /cannot reach PostgreSQL at 127\.0\.0\.1:5432\/test: (authentication failed|role "no_such_role_here" does not exist)/);
  });
});
