// Proof under load: several processes writing one store at once (both dialects). Each process
// runs its commands through the CLI's own code path (test/helpers/cli-batch.ts), one after
// another; concurrency.test.ts covers a few whole processes racing on tenants.
import { describe, expect, it } from 'vitest';
import { runBatch, type BatchLine } from '../helpers/cli-batch.js';
import { expectFailure, initializedCli } from '../helpers/cli.js';

const processes = 8;
const usersEach = 100;
const keysEach = 50;
const password = 'Load-Test-Pass-99';

function linesOf(w: number): BatchLine[] {
  const lines: BatchLine[] = [];
  // Users with a password (keys need active users) and invited ones (an invitation and a mail too).
  for (let i = 0; i < usersEach; i++) {
    const email = `w${w}-u${i}@acme.example`;
    if (i < keysEach) lines.push({ argv: ['user', 'create', '--tenant', 'acme', '--email', email, '--first-name', 'Load', '--password-stdin'], input: `${password}\n` });
    else lines.push({ argv: ['user', 'create', '--tenant', 'acme', '--email', email, '--first-name', 'Load', '--invite'] });
  }
  for (let i = 0; i < keysEach; i++) {
    lines.push({ argv: ['key', 'create', '--tenant', 'acme', '--user', `w${w}-u${i}@acme.example`, '--name', `k${i}`, '-o', 'json'] });
  }
  return lines;
}

const count = async (c: Awaited<ReturnType<typeof initializedCli>>, sql: string, params: unknown[] = []) =>
  Number((await c.sql<{ n: unknown }>(sql, params))[0]!.n);

describe('concurrent writers (proof)', () => {
  it(`${processes} processes each create ${usersEach} users and ${keysEach} keys at once: all succeed, counts exact, the chain verifies`, async () => {
    const c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const started = Date.now();
    const all = await Promise.all(Array.from({ length: processes }, (_, w) => runBatch(c, linesOf(w))));
    const elapsed = Date.now() - started;
    const failures = all.flat().filter((r) => r.exitCode !== 0);
    expect(failures.map((r) => r.stderr).slice(0, 5)).toEqual([]);

    const secrets = all.flatMap((results) => results.slice(usersEach).map((r) => JSON.parse(r.stdout).secret as string));
    expect(new Set(secrets).size).toBe(processes * keysEach);
    const [acme] = await c.sql<{ id: string }>("select id from tenants where slug = 'acme'");
    expect(await count(c, "select count(*) as n from users where tenant_id = ? and email like 'w%-u%@acme.example'", [acme!.id])).toBe(processes * usersEach);
    expect(await count(c, 'select count(*) as n from api_keys where tenant_id = ?', [acme!.id])).toBe(processes * keysEach);
    expect(await count(c, "select count(*) as n from audit_events where action = 'user.create' and tenant_id = ?", [acme!.id])).toBe(processes * usersEach);
    expect(await count(c, "select count(*) as n from audit_events where action = 'key.create' and tenant_id = ?", [acme!.id])).toBe(processes * keysEach);
    expect(await count(c, 'select count(*) as n from invitations where tenant_id = ?', [acme!.id])).toBe(processes * (usersEach - keysEach));
    const seqs = await count(c, 'select count(*) as n from audit_events');
    expect(await count(c, 'select max(seq) as n from audit_events')).toBe(seqs);
    expect(await c.json(['audit', 'verify'])).toMatchObject({ ok: true, checked: seqs, firstBreak: null });
    // Each process's keys verify (the last one of each, through the real fast path).
    for (const results of all) {
      const secret = JSON.parse(results.at(-1)!.stdout).secret as string;
      expect((await c.run(['key', 'verify'], { input: `${secret}\n` })).exitCode).toBe(0);
    }
    console.log(`${processes}×(${usersEach} users + ${keysEach} keys) on ${c.dialect}: ${elapsed} ms`);
  }, 300_000); // ~25 s of CPU (SQLite); the margin is for a loaded shared machine and PostgreSQL

  it(`${processes} processes creating the same email at once: exactly one succeeds, the rest get 7`, async () => {
    const c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const runs = await Promise.all(
      Array.from({ length: processes }, () =>
        c.run(['user', 'create', '--tenant', 'acme', '--email', 'Same@Acme.example', '--first-name', 'Same', '--password-stdin'], { input: `${password}\n` }),
      ),
    );
    expect(runs.filter((r) => r.exitCode === 0)).toHaveLength(1);
    for (const r of runs.filter((x) => x.exitCode !== 0)) expectFailure(r, 7, /already exists/);
    expect(await count(c, "select count(*) as n from users where email_lower = 'same@acme.example'")).toBe(1);
    expect(await count(c, "select count(*) as n from audit_events where action = 'user.create'")).toBe(2);
    expect((await c.json(['audit', 'verify'])).ok).toBe(true);
  });
});
