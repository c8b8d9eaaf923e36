// PGlite (the embedded default) passes the chat store conformance suite.
import { openTestDb } from '../../tests/helpers/memoryDb.ts';
import { runChatStoreConformance } from './store.case.test.ts';

runChatStoreConformance('pglite', async () => {
  const db = await openTestDb('pglite');
  return { sql: db.sql, close: () => db.drop() };
});
