// The bulk use cases on a real store, on both dialects: imports in one transaction or in
// batches (and what a failure leaves), exports, and the audit prune that moves the anchor.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticateSession } from '../../src/auth/sessions.js';
import type { Principal } from '../../src/auth/principal.js';
import { exportAuditEvents, listAuditEvents, planAuditPrune, pruneAudit, verifyAudit } from '../../src/core/audit.js';
import { initStore } from '../../src/core/init.js';
import { createTenant } from '../../src/core/tenants.js';
import { exportUsers, type ExportedUser } from '../../src/core/user-export.js';
import { importUsers, type ImportOptions } from '../../src/core/user-import.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const argon2Hash = '$argon2id$v=19$m=19456,t=2,p=1$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0';

describe.each(dialects)('bulk use cases on %s', (dialect) => {
  let t: TestStore;
  let root: Principal;
  let acme: string;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    const { token } = await initStore(t.deps, { email: 'root@example.com', firstName: 'Root', password: 'Root-Pass-word-1' });
    root = await authenticateSession(t.deps, token);
    acme = (await createTenant(t.deps, root, { slug: 'acme', name: 'Acme' })).id;
  }

  const source = (text: string) => ({ open: () => Readable.from([Buffer.from(text)]), name: null, size: text.length });
  const csv = (rows: string[]) => source(['email,firstName,passwordHash', ...rows].join('\n'));
  const count = async () => Number((await t.store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const run = (text: ReturnType<typeof source>, options: ImportOptions = {}) => importUsers(t.deps, root, acme, text, options);

  it('imports in one transaction: a failure at the last row leaves nothing', async () => {
    await setup();
    const rows = ['a@acme.example,Ann,', 'b@acme.example,Bob,', 'c@acme.example,Cyd,'];
    let delivered = 0;
    const failing = async () => {
      if (++delivered === 3) throw new Error('mail server down');
    };
    await expect(run(csv(rows), { deliverInvitation: failing })).rejects.toThrow('mail server down');
    expect(await count()).toBe(1);
    const summary = await run(csv(rows));
    expect(summary).toMatchObject({ created: 3, invited: 3, transactions: 1 });
    expect(await verifyAudit(t.deps)).toMatchObject({ ok: true });
  });

  it('commits every --batch rows: a failure keeps the earlier batches, and the chain verifies', async () => {
    await setup();
    const rows = ['a@acme.example,Ann,', 'b@acme.example,Bob,', 'c@acme.example,Cyd,', 'd@acme.example,Dan,'];
    let delivered = 0;
    const failing = async () => {
      if (++delivered === 3) throw new Error('mail server down');
    };
    await expect(run(csv(rows), { batch: 2, deliverInvitation: failing })).rejects.toThrow('mail server down');
    expect(await count()).toBe(3); // root + the first batch
    const events = await listAuditEvents(t.deps, { tenantId: acme, action: 'user.import' });
    expect(events.items.map((e) => e.details)).toEqual([{ format: 'csv', onConflict: 'fail', created: 2, updated: 0, invited: 2, batch: 1 }]);
    expect(await verifyAudit(t.deps)).toMatchObject({ ok: true });
    // Running the same file again with skip picks up where it stopped.
    expect(await run(csv(rows), { batch: 2, onConflict: 'skip' })).toMatchObject({ created: 2, skipped: 2, transactions: 1 });
  });

  it('reports progress through both passes and writes nothing on a dry run', async () => {
    await setup();
    const seen: string[] = [];
    const summary = await run(csv([`a@acme.example,Ann,"${argon2Hash}"`, 'b@acme.example,Bob,']), { dryRun: true, onProgress: (p) => seen.push(p.phase) });
    expect(summary).toMatchObject({ dryRun: true, created: 2, invited: 1, transactions: 0 });
    expect(await count()).toBe(1);
    expect(seen).toContain('validate');
    const written: number[] = [];
    await run(csv([`a@acme.example,Ann,"${argon2Hash}"`, 'b@acme.example,Bob,']), { onProgress: (p) => p.phase === 'write' && written.push(p.done) });
    expect(written.at(-1)).toBe(2);
  });

  it('exports users with roles and teams, by email, and audits it first', async () => {
    await setup();
    await run(csv(['b@acme.example,Bob,', `a@acme.example,Ann,"${argon2Hash}"`]));
    const users: ExportedUser[] = [];
    const n = await exportUsers(t.deps, root, MAIN_TENANT_ID, { tenantId: acme, withHashes: true, format: 'json' }, async (u) => void users.push(u));
    expect(n).toBe(2);
    expect(users).toEqual([
      { email: 'a@acme.example', firstName: 'Ann', lastName: '', roles: ['viewer'], teams: [], tenant: 'acme', status: 'active', passwordHash: argon2Hash },
      { email: 'b@acme.example', firstName: 'Bob', lastName: '', roles: ['viewer'], teams: [], tenant: 'acme', status: 'invited', passwordHash: null },
    ]);
    const [event] = (await listAuditEvents(t.deps, { tenantId: acme, action: 'user.export' })).items;
    expect(event!.details).toEqual({ format: 'json', withHashes: true, allTenants: false, users: 2 });
  });

  it('prunes the oldest events, moves the anchor in the same transaction and records the prune', async () => {
    await setup();
    t.clock.advanceHours(24 * 10);
    await createTenant(t.deps, root, { slug: 'globex', name: 'Globex' });
    const old = Number((await t.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('at', '<', t.clock.now.toISOString()).executeTakeFirstOrThrow()).n);
    expect(await planAuditPrune(t.deps, 5)).toMatchObject({ events: old });
    const result = await pruneAudit(t.deps, root, 5);
    expect(result).toMatchObject({ events: old, anchorSeq: old });
    const head = await t.store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(Number(head.anchor_seq)).toBe(old);
    expect(await verifyAudit(t.deps)).toMatchObject({ ok: true, fromSeq: old + 1, checked: 2 });
    const [last] = (await listAuditEvents(t.deps, { tenantId: MAIN_TENANT_ID, limit: 1 })).items;
    expect(last).toMatchObject({ action: 'audit.prune', details: { deleted: old, olderThanDays: 5, anchorSeq: old } });
    // A second prune finds nothing older, and keeps the anchor.
    expect(await planAuditPrune(t.deps, 5)).toMatchObject({ events: 0 });
    expect(await pruneAudit(t.deps, root, 5)).toMatchObject({ events: 0, anchorSeq: old });
    expect(await verifyAudit(t.deps)).toMatchObject({ ok: true });
  });

  it('exports audit events oldest first with filters, recording the export (not in it)', async () => {
    await setup();
    const events: number[] = [];
    const n = await exportAuditEvents(t.deps, root, MAIN_TENANT_ID, { userId: root.userId }, 'ndjson', async (e) => void events.push(e.seq));
    expect(n).toBe(events.length);
    expect(events).toEqual([...events].sort((a, b) => a - b));
    const [last] = (await listAuditEvents(t.deps, { limit: 1 })).items;
    expect(last).toMatchObject({ action: 'audit.export', details: { format: 'ndjson', user: root.userId, allTenants: true } });
    expect(events).not.toContain(last!.seq);
  });
});
