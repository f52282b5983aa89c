// db backup on SQLite: a consistent, owner-only copy while another process writes.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { binPath, cli, expectFailure, initializedCli, login, adminEmail, adminPassword } from '../helpers/cli.js';

describe('db backup (SQLite)', () => {
  it('copies the store consistently while another process writes, owner-only, never overwriting', async () => {
    const c = await initializedCli();
    const rows = Array.from({ length: 3000 }, (_, i) => `u${i}@acme.example,User`).join('\n');
    fs.writeFileSync(path.join(c.home, 'u.csv'), `email,firstName\n${rows}\n`);
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    // A writer in another process: a batched import commits while the backup runs.
    const writer = execa(process.execPath, [binPath, 'user', 'import', path.join(c.home, 'u.csv'), '--tenant', 'acme', '--batch', '100'], { env: c.env, reject: false });
    await new Promise((r) => setTimeout(r, 300));
    const target = path.join(c.home, 'backup.db');
    const r = await c.run(['db', 'backup', target, '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: target, bytes: expect.any(Number) });
    expect((await writer).exitCode).toBe(0);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);

    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const users = (copy.prepare("select count(*) as n from users where email like 'u%@acme.example'").get() as { n: number }).n;
    copy.close();
    expect(users % 100).toBe(0); // whole batches only: one consistent moment
    const restored = cli({ db: target });
    expect((await login(restored, adminEmail, adminPassword)).exitCode).toBe(0);
    expect(await restored.json(['audit', 'verify'])).toMatchObject({ ok: true });

    expectFailure(await c.run(['db', 'backup', target]), 7, /already exists/);
    expectFailure(await c.run(['db', 'backup', '/nonexistent/dir/x.db']), 2, /does not exist/);
  });

  it('is for super admins (5)', async () => {
    const c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const pw = 'Tenant-Admin-Pass1';
    expect((await c.run(['user', 'create', '--tenant', 'acme', '--email', 'a@acme.example', '--first-name', 'Ann', '--role', 'admin', '--password-stdin'], { input: `${pw}\n` })).exitCode).toBe(0);
    const admin = cli({ db: c.db });
    expect((await login(admin, 'a@acme.example', pw)).exitCode).toBe(0);
    expectFailure(await admin.run(['db', 'backup', path.join(admin.home, 'x.db')]), 5, /reserved to super admins/);
    expect(fs.existsSync(path.join(admin.home, 'x.db'))).toBe(false);
  });
});
