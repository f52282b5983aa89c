// What only happens at a terminal, at a real pseudo-terminal: the choice between a password
// and an invitation, the password prompt with its strength indicator, typed twice.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializedCli, login } from '../helpers/cli.js';
import { atTerminal } from '../helpers/terminal.js';

const down = '\u001b[B';

describe('at a terminal', () => {
  it('user create asks password or invitation, shows the strength of the password, and asks for it twice', async () => {
    const c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const result = await atTerminal(c, ['user', 'create', '--tenant', 'acme', '--email', 'eve@acme.example', '--first-name', 'Eve'], [
      { waitFor: /Set a password now/, type: `${down}\r` },
      { waitFor: /Password:/, type: 'Eve-Strong-Pass-2026\r' },
      { waitFor: /Again:/, type: 'Eve-Strong-Pass-2026\r' },
    ]);
    expect(result.exitCode, result.screen).toBe(0);
    expect(result.screen).toMatch(/strength: Strong/);
    expect(result.screen).toMatch(/created active user eve@acme\.example in acme/);
    expect((await login(c, 'eve@acme.example', 'Eve-Strong-Pass-2026')).exitCode).toBe(0);
  });

  it('a weak but acceptable password is shown as such, and a mistyped second entry changes nothing', async () => {
    const c = await initializedCli();
    expect((await c.run(['tenant', 'create', 'acme', '--name', 'Acme'])).exitCode).toBe(0);
    const result = await atTerminal(c, ['user', 'create', '--tenant', 'acme', '--email', 'abe@acme.example', '--first-name', 'Abe'], [
      { waitFor: /Set a password now/, type: `${down}\r` },
      { waitFor: /Password:/, type: 'Abcdefg1\r' },
      { waitFor: /Again:/, type: 'Abcdefg2\r' },
    ]);
    expect(result.exitCode, result.screen).toBe(3);
    expect(result.screen).toMatch(/strength: (Weak|Fair)/);
    expect(result.screen).toMatch(/the passwords do not match/);
    expect(await c.sql("select email from users where email = 'abe@acme.example'")).toEqual([]);
  });

  it('apply prints its plan lines at a terminal, and a second apply only unchanged ones', async () => {
    const c = await initializedCli();
    const file = path.join(c.home, 'env.yaml');
    fs.writeFileSync(file, 'version: 1\ntenants:\n  - slug: acme\n    name: Acme\n    teams:\n      - name: ops\n');
    const first = await atTerminal(c, ['apply', '-f', file], []);
    expect(first.exitCode, first.screen).toBe(0);
    expect(first.screen).toMatch(/created\s+tenant\s+acme/);
    expect(first.screen).toMatch(/created\s+team\s+acme\/ops/);
    const again = await atTerminal(c, ['apply', '-f', file], []);
    expect(again.exitCode, again.screen).toBe(0);
    expect(again.screen).toMatch(/unchanged\s+tenant\s+acme/);
    expect(again.screen).not.toMatch(/created/);
  });
});
