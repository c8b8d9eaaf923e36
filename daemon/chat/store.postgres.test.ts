// Postgres (the server engine, real) passes the chat store conformance suite on a fresh database of its own.
import { inject } from 'vitest';
import { openTestDb } from '../../tests/helpers/memoryDb.ts';
import { runChatStoreConformance } from './store.case.test.ts';

const { postgres } = inject('services');

runChatStoreConformance('postgres', async () => {
  const db = await openTestDb('postgres', postgres.url);
  return { sql: db.sql, close: () => db.drop() };
});
