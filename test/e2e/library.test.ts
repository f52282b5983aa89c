// The package as a library: imported by name (`iamctl`), typed by the generated declarations,
// loadable with require() (which Node refuses for a module graph with top-level await).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializedCli, type Cli } from '../helpers/cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const consumer = path.join(root, 'test/fixtures/lib-consumer');
let c: Cli;
let key: string;

const node = (args: string[], input?: string) => execa(process.execPath, args, { cwd: root, reject: false, input: input ?? '' });

beforeAll(async () => {
  c = await initializedCli();
  await c.run(['tenant', 'create', 'acme', '--name', 'Acme']);
  await c.run(['user', 'create', '--tenant', 'acme', '--email', 'robot@acme.example', '--first-name', 'Robot', '--role', 'api-user', '--password-stdin'], {
    input: 'Corr3ct-Horse-Battery\n',
  });
  key = (await c.json(['key', 'create', '--tenant', 'acme', '--user', 'robot@acme.example'])).secret;
}, 120_000);

describe('the iamctl library', () => {
  it('type-checks a consumer against the generated declarations (strict, no skipLibCheck)', async () => {
    expect(fs.existsSync(path.join(root, 'dist/types/src/lib.d.ts'))).toBe(true);
    const result = await node([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(consumer, 'tsconfig.json')]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('is imported by package name and verifies a key, authorizes its principal, reads the policy', async () => {
    const result = await node([path.join(consumer, 'verify.ts'), c.db, key]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toEqual({
      result: expect.objectContaining({ valid: true, email: 'robot@acme.example', tenant: 'acme' }),
      mayOperateListeners: true,
      keysEnabled: { key: 'security.apiKeys.enabled', value: true, source: 'default' },
    });
    const bad = await node([path.join(consumer, 'verify.ts'), c.db, `${key.slice(0, -1)}x`]);
    expect(JSON.parse(String(bad.stdout)).result).toEqual({ valid: false, reason: 'malformed', keyId: null });
  });

  it('loads with require() (no top-level await in the entry) and exports the API', async () => {
    const result = await node(['-e', "const m = require('iamctl'); console.log(Object.keys(m).sort().join(' '))"]);
    expect(result.stderr).toBe('');
    expect(String(result.stdout).trim().split(' ')).toEqual(
      expect.arrayContaining(['openStore', 'verifyApiKey', 'authenticateApiKey', 'authorize', 'getEffectiveSettings', 'assertSchemaCurrent', 'AppError']),
    );
  });

  it('documents the API in its declarations', () => {
    const types = (file: string) => fs.readFileSync(path.join(root, 'dist/types/src', file), 'utf8');
    expect(types('auth/api-keys.d.ts')).toMatch(/\/\*\*[^]*Verifies an API key[^]*\*\/\s*export declare function verifyApiKey/);
    expect(types('auth/api-keys.d.ts')).toMatch(/\*\/\s*export declare function authenticateApiKey/);
    expect(types('auth/authorize.d.ts')).toMatch(/\*\/\s*export declare function authorize/);
    expect(types('core/settings-admin.d.ts')).toMatch(/\*\/\s*export declare function getEffectiveSettings/);
    expect(types('store/db.d.ts')).toMatch(/\*\/\s*export declare function openStore/);
  });
});
