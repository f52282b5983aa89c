// The SQLite store as files: folders, foreign files, integrity under concurrent migration, modes.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, expectFailure, initializedCli, tempHome } from '../helpers/cli.js';

describe('SQLite store files', () => {
  it('refuses --db in a missing folder (1) naming it, without a stack', async () => {
    const r = await cli().run(['db', 'migrate', '--db', '/nonexistent/folder/x.db']);
    expectFailure(r, 1, /folder \/nonexistent\/folder does not exist \(store_unavailable\)/);
  });

  it('refuses a file that is not SQLite (1) and leaves it alone', async () => {
    const home = tempHome();
    const file = path.join(home, 'not-a-db.db');
    fs.writeFileSync(file, 'this is not a database, just text '.repeat(200));
    const r = await cli({ home }).run(['tenant', 'list', '--db', file]);
    expectFailure(r, 1, /not an SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^this is not a database/);
  });

  it('says there is no store (7) without creating one', async () => {
    const c = cli();
    expectFailure(await c.run(['tenant', 'list']), 7, /no store at .*hint: run `iamctl init`/s);
    expect(fs.existsSync(c.dbPath)).toBe(false);
  });

  it('passes integrity_check after concurrent migrations', async () => {
    const c = cli();
    const runs = await Promise.all([c.run(['db', 'migrate']), c.run(['db', 'migrate']), c.run(['db', 'migrate'])]);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    const db = new Database(c.dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('keeps IAMCTL_HOME owner-only', async () => {
    const home = path.join(tempHome(), 'fresh-home');
    await initializedCli({ home });
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    const modes = fs.readdirSync(home).map((name) => {
      const stat = fs.statSync(path.join(home, name));
      return [name, (stat.mode & 0o777).toString(8)];
    });
    expect(modes.length).toBeGreaterThanOrEqual(3);
    for (const [name, mode] of modes) expect([name, mode]).toEqual([name, fs.statSync(path.join(home, name!)).isDirectory() ? '700' : '600']);
  });
});
