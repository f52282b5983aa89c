// The names of the migrations this build knows, in order, without loading them: the `key verify`
// fast path checks a store's schema with this list alone. src/store/migrate.ts registers the
// migration modules; a unit test holds the two lists equal.
export const knownMigrationNames: readonly string[] = ['0001_initial'];
