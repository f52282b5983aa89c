import type { CommandSpec } from '../registry-types.js';

export const completionCommands: readonly CommandSpec[] = [
  { path: ['completion'], summary: 'Print a shell completion script: bash, zsh or fish', args: ['<shell>'],
    guard: { kind: 'none' },
    examples: [
      'source <(iamctl completion bash)',
      'iamctl completion zsh > "${fpath[1]}/_iamctl"',
      'iamctl completion fish > ~/.config/fish/completions/iamctl.fish',
    ],
    load: () => import('../commands/completion.js'), handler: 'completion' },
];
