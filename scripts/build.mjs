// Bundles the CLI and the library with esbuild: one file per entry plus lazily loaded chunks,
// so `iamctl --version` parses almost nothing and each command loads only what it uses.
// Type checking is `npm run typecheck` (tsc); esbuild only transpiles. The library's type
// declarations (package.json `exports` -> dist/types/src/lib.d.ts) come from TypeScript 7's tsc
// with tsconfig.lib.json, which follows src/lib.ts and emits only declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// conf imports ajv (schema validation) and semver (config migrations) eagerly; the context
// file uses neither. Stubs keep them out of every signed-in command's start-up, and throw if
// a future change starts using those conf features.
const stubConfExtras = {
  name: 'stub-conf-extras',
  setup(b) {
    b.onResolve({ filter: /^(ajv(-formats)?(\/.*)?|semver)$/ }, (args) =>
      args.importer.includes('node_modules/conf/') ? { path: args.path, namespace: 'stub-conf-extras' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub-conf-extras' }, () => ({
      contents: `const unavailable = () => { throw new Error('iamctl: conf schemas and migrations are not bundled'); };
                 export class Ajv2020 { constructor() { unavailable(); } }
                 export default new Proxy(unavailable, { get: () => unavailable });`,
      loader: 'js',
    }));
  },
};

// Commander imports child_process for executable subcommands, which iamctl does not use;
// loading it (and net, dgram, ...) costs every command a few milliseconds.
const stubCommanderChildProcess = {
  name: 'stub-commander-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'stub-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub-child-process' }, () => ({
      contents: `const unavailable = () => { throw new Error('iamctl: executable subcommands are not supported'); };
                 export default { spawn: unavailable, execFileSync: unavailable };`,
      loader: 'js',
    }));
  },
};

// `import x from 'node:util'` in an ES module makes Node build a module facade for the builtin,
// which reads every export: for node:process that builds process.stdin/stdout/stderr, for
// node:util its lazily loaded parts (worker_threads, parse_args, ...): measured ~5 ms each,
// against ~0.1 ms for process.getBuiltinModule. Bundled code imports each builtin from a module
// that takes its exports object from process.getBuiltinModule and reads a named export off it
// only when some importer uses that name (the reads are pure calls, dropped when unused; a
// CommonJS wrapper would not do: esbuild's interop reads every property descriptor, which is
// what triggers node:util's lazy loading).
const builtinsAsObjects = {
  name: 'builtins-as-objects',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z0-9_]+(\/[a-z0-9_]+)?$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtinModules.includes(name) || args.kind === 'require-call') return undefined;
      // One copy per importer (a few lines each): a module shared by many importers would be
      // a chunk of its own, and every chunk costs a module load (~0.2 ms).
      return { path: `${name}|${args.importer}`, namespace: 'builtin-object' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-object' }, (args) => {
      const id = `node:${args.path.split('|')[0]}`;
      // The names Node's own facade exports: the enumerable ones (not crypto.fips and the like).
      const names = Object.keys(process.getBuiltinModule(id)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      return {
        contents: [
          `const builtin = process.getBuiltinModule(${JSON.stringify(id)});`,
          'const read = (name) => builtin[name];',
          'export default builtin;',
          ...names.map((k, i) => `const e${i} = /* @__PURE__ */ read(${JSON.stringify(k)});\nexport { e${i} as ${k} };`),
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

// Every command module also imports src/cli/hot-path.ts (see there): the modules a signed-in
// command loads before its handler then share one set of importers, so fewer, larger chunks.
const hotPath = {
  name: 'hot-path',
  setup(b) {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    b.onLoad({ filter: /src\/cli\/commands\/[^/]+\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8') + `\nimport ${JSON.stringify(src + 'cli/hot-path.ts')};\n`,
      loader: 'ts',
    }));
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

// What every bundle shares: ES modules for Node 22+, with source maps.
const common = { outdir: 'dist', bundle: true, format: 'esm', platform: 'node', target: 'node22', sourcemap: 'linked', logLevel: 'warning' };
// The CLI and the library: native addons and the PostgreSQL driver stay in node_modules; bundled
// CommonJS code's require() calls get a require (not `import ... from 'node:module'`: see
// builtinsAsObjects above).
const app = {
  ...common,
  external: ['better-sqlite3', 'argon2', 'pg', 'pg-native'],
  define: { IAMCTL_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
};

await build({
  ...app,
  // The library is built on its own (below): as an entry here it would split the CLI's chunks
  // further (it reaches some of the modules a command loads, not all).
  entryPoints: { main: 'src/main.ts' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [stubConfExtras, stubCommanderChildProcess, builtinsAsObjects, hotPath],
});

// The library entry (package.json exports): one file, its lazily imported parts inlined.
await build({ ...app, entryPoints: { lib: 'src/lib.ts' }, plugins: [stubConfExtras, builtinsAsObjects] });

// The `key verify` fast path as one self-contained file (src/main.ts imports ./verify.js at
// run time): a chunk graph costs its start-up several milliseconds more than one module.
await build({ ...common, entryPoints: { verify: 'src/cli/fast-verify.ts' }, external: ['better-sqlite3'] });
const verifyBundle = readFileSync(new URL('../dist/verify.js', import.meta.url), 'utf8');
if (/from ["']node:(crypto|zlib)["']|from ["'](kysely|commander|chalk)["']/.test(verifyBundle)) {
  throw new Error('dist/verify.js imports a module its fast path exists to avoid');
}

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
if (!existsSync(new URL('../dist/types/src/lib.d.ts', import.meta.url))) {
  throw new Error('tsc emitted no dist/types/src/lib.d.ts: the package would have no types');
}
