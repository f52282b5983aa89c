// completion bash|zsh|fish: generated from the registry, so every command and option is in it.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, groups } from '../../src/cli/registry.js';
import { cli, expectFailure, tempHome } from '../helpers/cli.js';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

describe('completion', () => {
  it.each(['bash', 'zsh', 'fish'])('prints a %s script naming every command and option, without a store or sign-in', async (shell) => {
    const r = await cli().run(['completion', shell]);
    expect(r.exitCode).toBe(0);
    for (const group of groups) expect(r.stdout).toContain(group.name);
    for (const spec of commands) {
      expect(r.stdout).toContain(spec.path.at(-1)!);
      for (const option of spec.options ?? []) expect(r.stdout).toContain(option.flags.match(/--([a-z-]+)/)![1]!);
    }
    // Syntax-checked by the shell itself where it is installed (bash always is).
    if (shell === 'bash' || has(shell)) {
      const file = path.join(tempHome(), `iamctl.${shell}`);
      fs.writeFileSync(file, r.stdout);
      expect(spawnSync(shell, ['-n', file]).status).toBe(0);
    }
  });

  it('completes commands, subcommands, options and choices in bash', async () => {
    const script = path.join(tempHome(), 'iamctl.bash');
    fs.writeFileSync(script, (await cli().run(['completion', 'bash'])).stdout);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _iamctl; echo "\${COMPREPLY[*]}"`]).toString().trim();
    expect(complete('iamctl', 'us')).toBe('user users');
    expect(complete('iamctl', 'users', 'im')).toBe('import');
    expect(complete('iamctl', '--tenant', 'acme', 'user', 'import', '--on-conflict', '')).toBe('fail skip update');
    expect(complete('iamctl', 'audit', 'list', '--since', '7d', '--al')).toBe('--all-tenants');
    expect(complete('iamctl', '-o', '')).toBe('table json yaml csv');
  });

  it('describes zsh entries as name:description, and fish ones with -d', async () => {
    const zsh = (await cli().run(['completion', 'zsh'])).stdout;
    expect(zsh).toContain("'import:Create users from a CSV, JSON or NDJSON file");
    expect(zsh).toContain("'--on-conflict:a user with the email exists: fail, skip, or update it'");
    const fish = (await cli().run(['completion', 'fish'])).stdout;
    expect(fish).toContain("-l on-conflict -x -a 'fail skip update' -d 'a user with the email exists: fail, skip, or update it'");
  });

  it('refuses an unknown shell (2)', async () => {
    expectFailure(await cli().run(['completion', 'powershell']), 2, /unknown shell "powershell"/);
  });
});
