// Builds the Commander program from the registry. Command modules are imported only when their
// command runs; building the tree itself loads nothing heavy.
import { Command, InvalidArgumentError, Option } from 'commander';
import { commands, groups } from './registry.js';
import type { CommandSpec, OptionSpec } from './registry-types.js';

export interface GlobalOptions {
  db?: string;
  output?: 'table' | 'json' | 'yaml' | 'csv';
  tenant?: string;
  apiKeyStdin?: boolean;
  yes?: boolean;
  input: boolean;
  color: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export type Invoke = (spec: CommandSpec, args: (string | undefined)[], opts: Record<string, unknown>, globals: GlobalOptions) => Promise<void>;

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return Number(value);
}

function collect(value: string, previous: string[] | undefined): string[] {
  const items = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return [...(previous ?? []), ...items];
}

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.repeatable) option.argParser(collect);
  if (spec.integer) option.argParser(positiveInteger);
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}

const globalsWithValue = new Set(['--db', '-o', '--output', '--tenant']);

/** The first word of the command line that is not a global option (or `help <word>`'s word). */
export function firstWord(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (globalsWithValue.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
    if (words.length === 2) break;
  }
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Builds the program. Only the group named on the command line gets its subcommands (the
 * others are listed for help), so start-up does not grow with the number of commands.
 */
export function buildProgram(version: string, invoke: Invoke, argv?: readonly string[]): Command {
  const program = new Command('iamctl')
    .description('Administer identity and access for a multi-tenant platform.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .addOption(new Option('--db <path|url>', 'the store: an SQLite file or a postgres:// URL (env IAMCTL_DB)'))
    .addOption(new Option('-o, --output <format>', 'table, json, yaml (lists also csv)').choices(['table', 'json', 'yaml', 'csv']))
    .addOption(new Option('--tenant <slug>', 'act in this tenant for this command (env IAMCTL_TENANT)'))
    .addOption(new Option('--api-key-stdin', 'authenticate with an API key read from stdin (or env IAMCTL_API_KEY)'))
    .addOption(new Option('-y, --yes', 'confirm destructive actions without asking'))
    .addOption(new Option('--no-input', 'never prompt (env IAMCTL_NO_INPUT)'))
    .addOption(new Option('--no-color', 'no colour (env NO_COLOR)'))
    .addOption(new Option('-q, --quiet', 'print only data and errors'))
    .addOption(new Option('--debug', 'show stack traces of unexpected errors'));

  const invoked = argv ? firstWord(argv) : undefined;
  const wanted = (group: string) => {
    const spec = groups.find((g) => g.name === group);
    return argv === undefined || invoked === group || (spec?.aliases ?? []).includes(invoked ?? '');
  };
  const parents = new Map<string, Command>();
  for (const group of groups) {
    const command = program.command(group.name).description(group.summary);
    for (const alias of group.aliases ?? []) command.alias(alias);
    parents.set(group.name, command);
  }

  for (const spec of commands) {
    if (spec.path.length > 1 && !wanted(spec.path[0]!)) continue;
    const parent = spec.path.length === 1 ? program : parents.get(spec.path[0]!);
    if (!parent) throw new Error(`no group for command ${spec.path.join(' ')}`);
    const command = parent.command(spec.path.at(-1)!).description(spec.summary);
    for (const alias of spec.aliases ?? []) command.alias(alias);
    for (const arg of spec.args ?? []) command.argument(arg);
    for (const option of spec.options ?? []) command.addOption(toOption(option));
    if (spec.list) command.addOption(new Option('--columns <list>', 'table/CSV columns to show, in order (a,b,c)'));
    if (spec.examples?.length) {
      command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}`);
    }
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const args = self.processedArgs.map((a) => (a === undefined ? undefined : String(a)));
      const globals = self.optsWithGlobals() as GlobalOptions;
      await invoke(spec, args, self.opts(), globals);
    });
  }
  return program;
}
