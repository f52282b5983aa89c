// Reading declarative files: YAML or JSON text -> typed objects with their file, line and field,
// or problems naming them. `${env:NAME}` is substituted in string values (after parsing, so a
// value can never change the file's structure); an unset variable is a problem naming it.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { declarationVersion, fieldKey, type Declaration, type DeclGrant, type DeclRole, type DeclSetting, type DeclTeam, type DeclTenant, type DeclUser, type Problem, type Where } from './model.js';

export interface Source {
  /** As the user named it (a path, or `-` for stdin). */
  name: string;
  text: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const envReference = /\$\{env:([^}]*)\}/g;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

class Reader {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
    readonly env: Env,
    readonly problems: Problem[],
    readonly lines_: Map<string, number>,
  ) {}

  where(node: Node | null | undefined, field: string): Where {
    const offset = node?.range?.[0];
    return { file: this.file, line: offset === undefined ? 1 : this.lines.linePos(offset).line, field };
  }

  problem(node: Node | null | undefined, field: string, reason: string): void {
    // A missing value (`name:` and nothing) has no position: its key's line is the one to name.
    const line = node?.range ? this.where(node, field).line : (this.lines_.get(fieldKey(this.file, field)) ?? 1);
    this.problems.push({ file: this.file, line, field, reason });
  }

  resolve(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  /** A mapping with only `allowed` keys; unknown keys are problems (at their own line). */
  map(raw: unknown, field: string, allowed: readonly string[]): Map<string, Node | null> | null {
    const node = this.resolve(raw);
    if (!isMap(node)) {
      this.problem(node, field, `expected a mapping (key: value), got ${describe(node)}`);
      return null;
    }
    const result = new Map<string, Node | null>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      const at = field === '' ? (key ?? '?') : `${field}.${key ?? '?'}`;
      if (key === undefined) {
        this.problem(keyNode, at, 'keys must be plain words');
        continue;
      }
      this.lines_.set(fieldKey(this.file, at), this.where(keyNode, at).line);
      if (!allowed.includes(key)) {
        this.problem(keyNode, at, `unknown field "${key}" (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      result.set(key, this.resolve(pair.value));
    }
    return result;
  }

  /** Substitutes `${env:NAME}`; an unset variable is a problem. */
  substitute(value: string, node: Node | null, field: string): string {
    return value.replace(envReference, (_match, name: string) => {
      if (!envName.test(name)) {
        this.problem(node, field, `invalid environment variable reference \${env:${name}}`);
        return '';
      }
      const found = this.env[name];
      if (found === undefined) {
        this.problem(node, field, `environment variable ${name} is not set`);
        return '';
      }
      return found;
    });
  }

  string(raw: Node | null | undefined, field: string): string | undefined {
    const node = this.resolve(raw);
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.problem(node, field, `expected a string, got ${describe(node)}`);
      return undefined;
    }
    return this.substitute(node.value, node, field);
  }

  optionalString(fields: Map<string, Node | null>, key: string, field: string): string | undefined {
    return fields.has(key) ? this.string(fields.get(key), `${field}.${key}`) : undefined;
  }

  list<T>(raw: Node | null | undefined, field: string, item: (node: Node | null, field: string) => T | undefined): T[] {
    const node = this.resolve(raw);
    if (!isSeq(node)) {
      this.problem(node, field, `expected a list, got ${describe(node)}`);
      return [];
    }
    const result: T[] = [];
    node.items.forEach((child, i) => {
      const value = item(this.resolve(child), `${field}[${i}]`);
      if (value !== undefined) result.push(value);
    });
    return result;
  }

  optionalStrings(fields: Map<string, Node | null>, key: string, field: string): string[] | undefined {
    return fields.has(key) ? this.list(fields.get(key), `${field}.${key}`, (n, f) => this.string(n, f)) : undefined;
  }

  /** `key: value` settings; values are scalars or lists of scalars (typed later by the registry). */
  settings(raw: Node | null | undefined, field: string): DeclSetting[] {
    const node = this.resolve(raw);
    if (!isMap(node)) {
      this.problem(node, field, `expected a mapping of setting keys to values, got ${describe(node)}`);
      return [];
    }
    const result: DeclSetting[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '?';
      const at = `${field}.${key}`;
      const value = this.settingValue(this.resolve(pair.value), at);
      if (value !== invalid) result.push({ key, value, where: this.where(keyNode, at) });
    }
    return result;
  }

  settingValue(node: Node | null, field: string): unknown {
    if (node === null) return null;
    if (isScalar(node)) return typeof node.value === 'string' ? this.substitute(node.value, node, field) : node.value;
    if (isSeq(node)) return this.list(node, field, (n, f) => (isScalar(n) ? (typeof n.value === 'string' ? this.substitute(n.value, n, f) : n.value) : undefined));
    this.problem(node, field, `expected a value or a list of values, got ${describe(node)}`);
    return invalid;
  }
}

const invalid = Symbol('invalid');

function describe(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'something else';
}

/** JSON files are checked as JSON first (YAML would accept more), reporting the line. */
function jsonProblem(source: Source): Problem | null {
  try {
    JSON.parse(source.text);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    const line = /line (\d+)/.exec(message)?.[1];
    const position = /position (\d+)/.exec(message)?.[1];
    // Some messages carry no position: YAML's parser (a superset) usually stops at the same place.
    const yamlLine = () => parseDocument(source.text, { lineCounter: new LineCounter() }).errors[0]?.linePos?.[0].line ?? 1;
    const lineNo = line ? Number(line) : position ? source.text.slice(0, Number(position)).split('\n').length : yamlLine();
    return { file: source.name, line: lineNo, field: '', reason: `invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}` };
  }
}

function isJson(source: Source): boolean {
  return /\.json$/i.test(source.name);
}

const topFields = ['version', 'settings', 'tenants'] as const;
const tenantFields = ['slug', 'name', 'email', 'color', 'settings', 'roles', 'teams', 'users', 'access'] as const;

/** Parses one file into the declaration (appending to `into`) and its problems. */
export function parseSource(source: Source, env: Env, into: Declaration, problems: Problem[]): void {
  if (isJson(source)) {
    const bad = jsonProblem(source);
    if (bad) {
      problems.push(bad);
      return;
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({
        file: source.name,
        line: error.linePos?.[0].line ?? 1,
        field: '',
        reason: `invalid ${isJson(source) ? 'JSON' : 'YAML'}: ${error.message.split('\n')[0]}`,
      });
    }
    return;
  }
  const r = new Reader(source.name, doc, lines, env, problems, into.lines);
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    problems.push({ file: source.name, line: 1, field: 'version', reason: `the file is empty: it needs at least version: ${declarationVersion}` });
    return;
  }
  const top = r.map(root, '', topFields);
  if (!top) return;
  const version = top.get('version') ?? null;
  if (!top.has('version')) {
    r.problem(root, 'version', `missing version (this tool reads version: ${declarationVersion})`);
  } else if (!isScalar(version) || version.value !== declarationVersion) {
    r.problem(version, 'version', `unknown version ${describe(version)} (this tool reads version: ${declarationVersion})`);
  }
  if (top.has('settings')) into.settings.push(...r.settings(top.get('settings'), 'settings'));
  if (top.has('tenants')) into.tenants.push(...r.list(top.get('tenants'), 'tenants', (node, field) => readTenant(r, node, field)));
}

function readTenant(r: Reader, node: Node | null, field: string): DeclTenant | undefined {
  const f = r.map(node, field, tenantFields);
  if (!f) return undefined;
  if (!f.has('slug')) {
    r.problem(node, `${field}.slug`, 'missing slug');
    return undefined;
  }
  const slug = r.string(f.get('slug'), `${field}.slug`);
  if (slug === undefined) return undefined;
  return {
    slug,
    name: r.optionalString(f, 'name', field),
    email: r.optionalString(f, 'email', field),
    color: r.optionalString(f, 'color', field),
    settings: f.has('settings') ? r.settings(f.get('settings'), `${field}.settings`) : [],
    roles: f.has('roles') ? r.list(f.get('roles'), `${field}.roles`, (n, at) => readRole(r, n, at)) : [],
    teams: f.has('teams') ? r.list(f.get('teams'), `${field}.teams`, (n, at) => readTeam(r, n, at)) : [],
    users: f.has('users') ? r.list(f.get('users'), `${field}.users`, (n, at) => readUser(r, n, at)) : [],
    access: f.has('access') ? r.list(f.get('access'), `${field}.access`, (n, at) => readGrant(r, n, at)) : [],
    where: r.where(node, field),
  };
}

/** The required string field `key`, or a problem. */
function required(r: Reader, f: Map<string, Node | null>, node: Node | null, key: string, field: string): string | undefined {
  if (!f.has(key)) {
    r.problem(node, `${field}.${key}`, `missing ${key}`);
    return undefined;
  }
  return r.string(f.get(key), `${field}.${key}`);
}

function readRole(r: Reader, node: Node | null, field: string): DeclRole | undefined {
  const f = r.map(node, field, ['name', 'displayName', 'description', 'inherits', 'grants']);
  if (!f) return undefined;
  const name = required(r, f, node, 'name', field);
  if (name === undefined) return undefined;
  return {
    name,
    displayName: r.optionalString(f, 'displayName', field),
    description: r.optionalString(f, 'description', field),
    inherits: r.optionalStrings(f, 'inherits', field),
    grants: r.optionalStrings(f, 'grants', field),
    where: r.where(node, field),
  };
}

function readTeam(r: Reader, node: Node | null, field: string): DeclTeam | undefined {
  const f = r.map(node, field, ['name', 'roles', 'members']);
  if (!f) return undefined;
  const name = required(r, f, node, 'name', field);
  if (name === undefined) return undefined;
  return { name, roles: r.optionalStrings(f, 'roles', field), members: r.optionalStrings(f, 'members', field), where: r.where(node, field) };
}

function readUser(r: Reader, node: Node | null, field: string): DeclUser | undefined {
  const f = r.map(node, field, ['email', 'firstName', 'lastName', 'roles', 'password']);
  if (!f) return undefined;
  const email = required(r, f, node, 'email', field);
  if (email === undefined) return undefined;
  return {
    email,
    firstName: r.optionalString(f, 'firstName', field),
    lastName: r.optionalString(f, 'lastName', field),
    roles: r.optionalStrings(f, 'roles', field),
    password: r.optionalString(f, 'password', field),
    where: r.where(node, field),
  };
}

function readGrant(r: Reader, node: Node | null, field: string): DeclGrant | undefined {
  const f = r.map(node, field, ['subject', 'on', 'grant']);
  if (!f) return undefined;
  const subject = required(r, f, node, 'subject', field);
  const on = required(r, f, node, 'on', field);
  const grant = required(r, f, node, 'grant', field);
  if (subject === undefined || on === undefined || grant === undefined) return undefined;
  return { subject, on, grant, where: r.where(node, field) };
}

/** Parses every source into one declaration; problems are returned, not thrown. */
export function parseSources(sources: readonly Source[], env: Env): { declaration: Declaration; problems: Problem[] } {
  const declaration: Declaration = { settings: [], tenants: [], lines: new Map() };
  const problems: Problem[] = [];
  for (const source of sources) parseSource(source, env, declaration, problems);
  return { declaration, problems };
}
