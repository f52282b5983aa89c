// Shell completion scripts generated from the Commander program that the registry builds, so
// every command, alias, option and choice is there without a list to keep in step by hand.
import type { Command, Option } from 'commander';

export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

interface Opt {
  names: string[];
  takesValue: boolean;
  choices: string[];
  description: string;
}

interface Node {
  /** Words from the top: ['tenant', 'create']; [] for the program. */
  path: string[];
  names: string[];
  description: string;
  options: Opt[];
  takesArgs: boolean;
  children: Node[];
}

const helpOption: Opt = { names: ['-h', '--help'], takesValue: false, choices: [], description: 'show help' };

function toOpt(option: Option): Opt {
  return {
    names: [option.short, option.long].filter((n): n is string => !!n),
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? [],
    description: option.description,
  };
}

function toNode(command: Command, parent: string[]): Node {
  const path = parent.length === 0 && command.parent === null ? [] : [...parent, command.name()];
  return {
    path,
    names: [command.name(), ...command.aliases()],
    description: command.description(),
    options: [...command.options.map(toOpt), helpOption],
    takesArgs: command.registeredArguments.length > 0,
    children: command.commands.map((c) => toNode(c, path)),
  };
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

export function completionScript(shell: Shell, program: Command): string {
  const root = toNode(program, []);
  if (shell === 'fish') return fish(root);
  return shell === 'bash' ? bash(root) : zsh(root);
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Case patterns for a node's path, aliases included: "user import|users import". */
function pathPattern(node: Node, parents: Map<Node, Node>): string {
  const parent = parents.get(node);
  if (!parent || parent.path.length === 0) return node.names.map((n) => q(n)).join('|');
  const parentNames = parent.names;
  return parentNames.flatMap((p) => node.names.map((n) => q(`${p} ${n}`))).join('|');
}

function tables(root: Node) {
  const parents = new Map<Node, Node>();
  walk(root, (n) => n.children.forEach((c) => parents.set(c, n)));
  const valueOptions = new Set<string>();
  walk(root, (n) => n.options.filter((o) => o.takesValue).forEach((o) => o.names.forEach((name) => valueOptions.add(name))));
  /** Case patterns of "path:option" whose value is one of some choices (global options: any path). */
  const choices: { patterns: string[]; values: string[] }[] = [];
  walk(root, (node) => {
    for (const option of node.options) {
      if (option.choices.length === 0) continue;
      const paths = node === root ? ['*'] : pathPattern(node, parents).split('|');
      const patterns = paths.flatMap((p) => option.names.map((name) => (p === '*' ? `*:${name}` : `${p.slice(0, -1)}:${name}'`)));
      choices.push({ patterns, values: option.choices });
    }
  });
  return { parents, valueOptions: [...valueOptions].sort(), choices };
}

/** For each node: the words that may follow, the flags it takes (its own and the global ones). */
function completionCases(root: Node, parents: Map<Node, Node>, render: (pattern: string, node: Node, flags: Opt[]) => string): string[] {
  const cases: string[] = [];
  walk(root, (node) => {
    // --version only makes sense on its own, at the top.
    const flags = node === root ? node.options : [...node.options.filter((o) => o !== helpOption), ...root.options.filter((o) => !o.names.includes('--version'))];
    cases.push(render(node === root ? "''" : pathPattern(node, parents), node, flags));
  });
  return cases;
}

function bash(root: Node): string {
  const { parents, valueOptions, choices } = tables(root);
  const cases = completionCases(root, parents, (pattern, node, flags) => {
    const words = node.children.flatMap((c) => c.names);
    return `    ${pattern}) cmds=${q(words.join(' '))}; flags=${q(flags.flatMap((o) => o.names).join(' '))}; args=${node.takesArgs ? 1 : 0} ;;`;
  });
  const choiceCases = choices.map((c) => `    ${c.patterns.join('|')}) COMPREPLY=($(compgen -W ${q(c.values.join(' '))} -- "$cur")); return ;;`);
  return `# bash completion for iamctl (generated from its commands by \`iamctl completion bash\`)
# Load it now:  source <(iamctl completion bash)
# Or for good:  iamctl completion bash > ~/.local/share/bash-completion/completions/iamctl
_iamctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath="" n=0 i w skip=0 cmds flags args
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      ${valueOptions.join('|')}) skip=1 ;;
      -*) ;;
      *) if ((n < 2)); then cmdpath="\${cmdpath:+$cmdpath }$w"; n=$((n + 1)); fi ;;
    esac
  done
  case "$cmdpath:$prev" in
${choiceCases.join('\n')}
  esac
  case "$cmdpath" in
${cases.join('\n')}
    *) cmds=''; flags=''; args=1 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ " ${valueOptions.join(' ')} " == *" $prev "* ]] || { [[ -z "$cmds" ]] && ((args)); }; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
  fi
}
complete -o filenames -F _iamctl iamctl
`;
}

function zsh(root: Node): string {
  const { parents, valueOptions, choices } = tables(root);
  // _describe entries are name:description; only a colon in the name needs escaping.
  const entry = (name: string, description: string) => q(`${name.replace(/:/g, '\\:')}:${description}`);
  const cases = completionCases(root, parents, (pattern, node, flags) => {
    const words = node.children.flatMap((c) => c.names.map((n) => entry(n, c.description)));
    const described = flags.flatMap((o) => o.names.map((n) => entry(n, o.description)));
    return `    (${pattern}) cmds=(${words.join(' ')}); flags=(${described.join(' ')}); args=${node.takesArgs ? 1 : 0} ;;`;
  });
  const choiceCases = choices.map((c) => `    (${c.patterns.join('|')}) compadd -- ${c.values.map(q).join(' ')}; return ;;`);
  return `#compdef iamctl
# zsh completion for iamctl (generated from its commands by \`iamctl completion zsh\`)
# Install: iamctl completion zsh > "\${fpath[1]}/_iamctl"  (then start a new shell)
# Or now:  source <(iamctl completion zsh)
_iamctl() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" cmdpath="" w skip=0 args=0 n=0 i
  local -a cmds flags
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      (${valueOptions.join('|')}) skip=1 ;;
      (-*) ;;
      (*) if ((n < 2)); then cmdpath="\${cmdpath:+$cmdpath }$w"; n=$((n + 1)); fi ;;
    esac
  done
  case "$cmdpath:$prev" in
${choiceCases.join('\n')}
  esac
  case "$cmdpath" in
${cases.join('\n')}
    (*) cmds=(); flags=(); args=1 ;;
  esac
  if [[ "$cur" == -* ]]; then
    _describe -t options 'option' flags
  elif [[ " ${valueOptions.join(' ')} " == *" $prev "* ]] || { (( \${#cmds} == 0 )) && (( args )); }; then
    _files
  else
    _describe -t commands 'command' cmds
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _iamctl "$@"; else compdef _iamctl iamctl; fi
`;
}

function fish(root: Node): string {
  const lines = ['# fish completion for iamctl (generated by `iamctl completion fish`)', '# Install: iamctl completion fish > ~/.config/fish/completions/iamctl.fish', 'complete -c iamctl -f'];
  const flagLine = (condition: string, o: Opt) => {
    const names = o.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
    const value = o.takesValue ? (o.choices.length ? ` -x -a ${q(o.choices.join(' '))}` : ' -r -F') : '';
    return `complete -c iamctl${condition ? ` -n ${q(condition)}` : ''} ${names}${value} -d ${q(o.description)}`;
  };
  for (const o of root.options) lines.push(flagLine('', o));
  for (const node of root.children) {
    for (const name of node.names) lines.push(`complete -c iamctl -n '__fish_use_subcommand' -a ${q(name)} -d ${q(node.description)}`);
    const inNode = `__fish_seen_subcommand_from ${node.names.join(' ')}`;
    if (node.children.length === 0) {
      for (const o of node.options.filter((x) => x !== helpOption)) lines.push(flagLine(inNode, o));
      if (node.takesArgs) lines.push(`complete -c iamctl -n ${q(inNode)} -F`);
      continue;
    }
    const leafNames = node.children.flatMap((c) => c.names);
    for (const leaf of node.children) {
      for (const name of leaf.names) lines.push(`complete -c iamctl -n ${q(`${inNode}; and not __fish_seen_subcommand_from ${leafNames.join(' ')}`)} -a ${q(name)} -d ${q(leaf.description)}`);
      const inLeaf = `${inNode}; and __fish_seen_subcommand_from ${leaf.names.join(' ')}`;
      for (const o of leaf.options.filter((x) => x !== helpOption)) lines.push(flagLine(inLeaf, o));
      if (leaf.takesArgs) lines.push(`complete -c iamctl -n ${q(inLeaf)} -F`);
    }
  }
  return `${lines.join('\n')}\n`;
}
