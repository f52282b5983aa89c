// Per test file: drop the PostgreSQL databases the file created.
import { afterAll } from 'vitest';
import { dropScratchDatabases } from './store.js';

afterAll(async () => {
  await dropScratchDatabases();
});
