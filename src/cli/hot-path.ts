// What a signed-in command loads before its handler runs: run.ts and, through context.ts, the
// store, schema check, session, principal and guard; and the views. Imported by every command
// module at build time (scripts/build.mjs, plugin hot-path) so that esbuild, which groups
// modules into chunks by the set of entry points that reach them, puts these in a few chunks
// instead of one per distinct set: each chunk is a module load (~0.2 ms of CPU). Nothing here
// runs code; the imports only shape the chunks.
import './run.js';
import './views.js';
