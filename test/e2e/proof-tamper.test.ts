// Proof: any edit, deletion or reordering of any audit row, or a forged prune anchor, is reported
// by `audit verify` (8) naming the first broken event. audit.test.ts has one case of each kind;
// this walks every row of a varied history with every kind.
import { beforeAll, describe, expect, it } from 'vitest';
import { eventHash, genesisHash } from '../../src/core/audit-chain.js';
import { initializedCli, type Cli } from '../helpers/cli.js';

interface Row {
  seq: number;
  hash: string;
}

let c: Cli;
let rows: Row[];
let pristine: Record<string, unknown>[];
let head: Record<string, unknown>;

/** The chained columns and a tampered value for each (set by SQL on both dialects). */
const edits: [column: string, value: string][] = [
  ['details', "'{}'"],
  ['action', "'tenant.delete'"],
  ['target', "'tenant:evil'"],
  ['actor_id', "'someone-else'"],
  ['tenant_id', "'other'"],
  ['result', "'failure'"],
  ['at', "'2020-01-01T00:00:00.000Z'"],
  ['prev_hash', "'" + 'f'.repeat(64) + "'"],
  ['hash', "'" + 'e'.repeat(64) + "'"],
];

async function restore(): Promise<void> {
  await c.sql('delete from audit_events');
  for (const r of pristine) {
    const cols = Object.keys(r);
    await c.sql(`insert into audit_events (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`, cols.map((k) => r[k]));
  }
  await c.sql('update audit_head set seq = ?, hash = ?, anchor_seq = ?, anchor_hash = ? where id = 1', [head.seq, head.hash, head.anchor_seq, head.anchor_hash]);
}

async function verify(): Promise<{ exitCode: number; firstBreak: { seq: number; reason: string } | null; stderr: string }> {
  const r = await c.run(['audit', 'verify', '-o', 'json']);
  return { exitCode: r.exitCode, firstBreak: JSON.parse(r.stdout).firstBreak, stderr: r.stderr };
}

async function expectBreak(seq: number, reason: RegExp): Promise<void> {
  const v = await verify();
  expect(v.exitCode, v.stderr).toBe(8);
  expect(v.firstBreak?.seq).toBe(seq);
  expect(v.firstBreak?.reason).toMatch(reason);
  expect(JSON.parse(v.stderr).error.message).toContain(`broken at event ${seq}`);
  await restore();
}

/** Moves the first `count` events back in time, re-chaining every hash (a legitimate-looking old history). */
async function backdate(count: number, at: string): Promise<void> {
  let prev = genesisHash;
  for (const row of pristine) {
    const seq = Number(row.seq);
    const fields = { seq, at: seq <= count ? at : String(row.at), tenantId: String(row.tenant_id), actorId: (row.actor_id as string | null) ?? null, action: String(row.action), target: (row.target as string | null) ?? null, result: String(row.result), details: String(row.details) };
    const hash = eventHash(prev, fields);
    await c.sql('update audit_events set at = ?, prev_hash = ?, hash = ? where seq = ?', [fields.at, prev, hash, seq]);
    prev = hash;
    if (seq === 5) rows[4] = { seq, hash };
  }
  await c.sql('update audit_head set hash = ? where id = 1', [prev]);
}

describe('audit tampering (proof)', () => {
  beforeAll(async () => {
    c = await initializedCli();
    for (const args of [
      ['tenant', 'create', 'acme', '--name', 'Acme'],
      ['tenant', 'update', 'acme', '--color', '#112233'],
      ['user', 'create', '--tenant', 'acme', '--email', 'ann@acme.example', '--first-name', 'Ann', '--invite'],
      ['settings', 'set', 'invitations.ttlHours', '48', '--tenant', 'acme'],
      ['tenant', 'create', 'globex', '--name', 'Globex'],
    ]) {
      const r = await c.run(args);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    pristine = await c.sql('select * from audit_events order by seq');
    head = (await c.sql("select * from audit_head"))[0]!;
    rows = pristine.map((r) => ({ seq: Number(r.seq), hash: String(r.hash) }));
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect((await verify()).exitCode).toBe(0);
  }, 120_000);

  it('an edit of any chained column of any row breaks at that row', async () => {
    for (const { seq } of rows) {
      const [column, value] = edits[seq % edits.length]!;
      await c.sql(`update audit_events set ${column} = ${value} where seq = ${seq}`);
      await expectBreak(seq, column === 'prev_hash' ? /previous-hash/ : /do not match its hash/);
    }
    // Every column on one row too (the first, whose predecessor is the genesis hash).
    for (const [column, value] of edits) {
      await c.sql(`update audit_events set ${column} = ${value} where seq = 1`);
      await expectBreak(1, column === 'prev_hash' ? /previous-hash/ : /do not match its hash/);
    }
  });

  it('deleting any row breaks where it was missed', async () => {
    const last = rows.at(-1)!.seq;
    for (const { seq } of rows) {
      await c.sql(`delete from audit_events where seq = ${seq}`);
      if (seq === last) await expectBreak(seq, /events stop at/);
      else await expectBreak(seq + 1, new RegExp(`expected event ${seq} next`));
    }
    // Deleting the oldest rows (a prefix) without moving the anchor.
    await c.sql('delete from audit_events where seq <= 3');
    await expectBreak(4, /expected event 1 next/);
  });

  it('swapping any two neighbouring rows breaks at the first of them', async () => {
    for (const { seq } of rows.slice(0, -1)) {
      await c.sql(`update audit_events set seq = -1 where seq = ${seq}`);
      await c.sql(`update audit_events set seq = ${seq} where seq = ${seq + 1}`);
      await c.sql(`update audit_events set seq = ${seq + 1} where seq = -1`);
      await expectBreak(seq, /previous-hash/);
    }
  });

  it('a forged prune (rows deleted and the anchor moved by hand) is reported', async () => {
    const k = 3;
    await c.sql(`delete from audit_events where seq <= ${k}`);
    await c.sql('update audit_head set anchor_seq = ?, anchor_hash = ? where id = 1', [k, rows[k - 1]!.hash]);
    await expectBreak(k + 1, /anchor/);
    // A real prune (of events backdated and re-chained), then the anchor moved on by hand.
    await backdate(4, '2020-01-01T00:00:00.000Z');
    const pruned = await c.run(['audit', 'prune', '--older-than', '30', '--yes', '-o', 'json']);
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ events: 4, anchorSeq: 4 });
    expect((await verify()).exitCode).toBe(0);
    await c.sql('delete from audit_events where seq = 5');
    await c.sql('update audit_head set anchor_seq = 5, anchor_hash = ? where id = 1', [rows[4]!.hash]);
    const v = await verify();
    expect(v.exitCode).toBe(8);
    expect(v.firstBreak).toMatchObject({ seq: 6, reason: expect.stringMatching(/anchor/) });
  });
});
