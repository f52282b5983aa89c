// Bundles the CLI and the library with esbuild: one file per entry plus lazily loaded chunks,
// so `iamctl --version` parses almost nothing and each command loads only what it uses.
// Type checking is `npm run typecheck` (tsc); esbuild only transpiles. The library's type
// declarations (package.json `exports` -> dist/types/src/lib.d.ts) come from TypeScript 7's tsc
// with tsconfig.lib.json, which follows src/lib.ts and emits only declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts', lib: 'src/lib.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons and the PostgreSQL driver stay in node_modules.
  external: ['better-sqlite3', 'argon2', 'pg', 'pg-native'],
  define: { IAMCTL_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __iamctlCreateRequire } from 'node:module'; const require = __iamctlCreateRequire(import.meta.url);" },
  plugins: [stubConfExtras, stubCommanderChildProcess],
  logLevel: 'warning',
});

// The `key verify` fast path as one self-contained file (src/main.ts imports ./verify.js at
// run time): a chunk graph costs its start-up several milliseconds more than one module.
await build({
  entryPoints: { verify: 'src/cli/fast-verify.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  external: ['better-sqlite3'],
  logLevel: 'warning',
});
const verifyBundle = readFileSync(new URL('../dist/verify.js', import.meta.url), 'utf8');
if (/from ["']node:(crypto|zlib)["']|from ["'](kysely|commander|chalk)["']/.test(verifyBundle)) {
  throw new Error('dist/verify.js imports a module its fast path exists to avoid');
}

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
if (!existsSync(new URL('../dist/types/src/lib.d.ts', import.meta.url))) {
  throw new Error('tsc emitted no dist/types/src/lib.d.ts: the package would have no types');
}
