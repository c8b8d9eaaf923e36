// PGlite with the SQL graph (the embedded default) passes the memory conformance suite.
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { createSqlGraph } from './graph/sqlGraph.ts';
import { runMemoryConformance } from './memory.case.test.ts';

runMemoryConformance('pglite + sql graph', async () => {
  const sql = await openPgliteSql(null);
  await migrate(sql);
  return { sql, graph: createSqlGraph(sql, { namespace: 'test' }), close: () => sql.close() };
});
