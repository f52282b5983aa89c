// What a signed-in command loads before its handler runs (store, schema check, session,
// principal, guard, views). Imported by every command module at build time (scripts/build.mjs,
// plugin hot-path) so that esbuild, which groups modules into chunks by the set of entry points
// that reach them, puts these in a few chunks instead of one per distinct set: each chunk is a
// module load (~0.2 ms of CPU). Nothing here runs code; the imports only shape the chunks.
import '../store/db.js';
import '../store/schema-check.js';
import '../auth/sessions.js';
import '../store/tenant-repo.js';
import './guard.js';
import './views.js';
