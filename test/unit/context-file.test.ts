import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextFile } from '../../src/cli/context-file.js';

const home = () => fs.mkdtempSync(path.join(os.tmpdir(), 'iamctl-ctx-'));

describe('the context file', () => {
  it('reads back what conf wrote, per store, in an owner-only file', async () => {
    const dir = home();
    const ctx = new ContextFile(dir);
    await ctx.update('sqlite:/a.db', { session: 'tok-a', tenant: 'acme' });
    await ctx.update('postgres://u@h:5432/db', { session: 'tok-b' });
    expect(await new ContextFile(dir).get('sqlite:/a.db')).toEqual({ session: 'tok-a', tenant: 'acme' });
    expect(await new ContextFile(dir).get('postgres://u@h:5432/db')).toEqual({ session: 'tok-b' });
    expect(await new ContextFile(dir).get('sqlite:/other.db')).toEqual({});
    expect(fs.statSync(path.join(dir, 'context.json')).mode & 0o777).toBe(0o600);
    // dot-notation off: keys with dots stay whole keys.
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'context.json'), 'utf8')))).toEqual(['sqlite:/a.db', 'postgres://u@h:5432/db']);
  });

  it('removes fields and empty entries', async () => {
    const dir = home();
    const ctx = new ContextFile(dir);
    await ctx.update('k', { session: 's', tenant: 't' });
    await ctx.update('k', { tenant: undefined });
    expect(await ctx.get('k')).toEqual({ session: 's' });
    await ctx.update('k', { session: undefined });
    expect(JSON.parse(fs.readFileSync(ctx.file, 'utf8'))).toEqual({});
  });

  it('reads a missing or damaged file as empty, and the next write repairs it', async () => {
    const dir = home();
    expect(await new ContextFile(dir).get('k')).toEqual({});
    fs.writeFileSync(path.join(dir, 'context.json'), '{ not json', { mode: 0o600 });
    expect(await new ContextFile(dir).get('k')).toEqual({});
    await new ContextFile(dir).update('k', { session: 's' });
    expect(await new ContextFile(dir).get('k')).toEqual({ session: 's' });
  });
});
