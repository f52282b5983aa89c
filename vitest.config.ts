import { defineConfig } from 'vitest/config';

// Unit and end-to-end tests on SQLite; when IAMCTL_TEST_PG_URL is set, the end-to-end suite
// (except the files about SQLite itself) runs a second time with every store on PostgreSQL.
const pg = Boolean(process.env.IAMCTL_TEST_PG_URL);
if (!pg) console.warn('IAMCTL_TEST_PG_URL is not set: the PostgreSQL project is skipped (store tests run on SQLite only).');

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  setupFiles: ['test/helpers/setup.ts'],
};

export default defineConfig({
  test: {
    // End-to-end tests spawn processes; two cores here, so a few files at a time.
    maxWorkers: 4,
    projects: [
      { test: { ...shared, name: 'sqlite', include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'] } },
      ...(pg
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                include: ['test/e2e/**/*.test.ts'],
                exclude: ['test/e2e/**/*.sqlite.test.ts'],
                env: { IAMCTL_TEST_E2E_DIALECT: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
