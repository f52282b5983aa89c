// Runs the built CLI at a pseudo-terminal (util-linux `script`), answering prompts as they
// appear: for what only happens at a terminal (pickers, password prompts, strength indicator).
import { spawn } from 'node:child_process';
import type { Cli } from './cli.js';
import { binPath } from './cli.js';

export interface TerminalStep {
  /** Waits until the screen so far matches, */
  waitFor: RegExp;
  /** then types this (`\r` is Enter, `\u001b[B` the down arrow). */
  type: string;
}

export interface TerminalResult {
  exitCode: number;
  /** Everything the terminal showed, without colours and cursor movements. */
  screen: string;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\r/g;

export function atTerminal(c: Cli, args: readonly string[], steps: readonly TerminalStep[], timeoutMs = 30_000): Promise<TerminalResult> {
  const command = [process.execPath, binPath, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, ...c.env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  let from = 0; // each step looks only at what appeared after the previous answer
  let next = 0;
  const screen = (text = raw) => text.replace(ansi, '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal: timed out waiting for ${steps[next]?.waitFor ?? 'exit'}; screen:\n${screen()}`));
    }, timeoutMs);
    const advance = () => {
      const step = steps[next];
      if (step && step.waitFor.test(screen(raw.slice(from)))) {
        child.stdin.write(step.type);
        from = raw.length;
        next++;
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      advance();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (next < steps.length) reject(new Error(`terminal: exited ${code} before ${steps[next]!.waitFor}; screen:\n${screen()}`));
      else resolve({ exitCode: code ?? -1, screen: screen() });
    });
  });
}
