// The SQL graph engine passes the GraphStore conformance suite on PGlite (in memory) and on the real Postgres.
import { expect, inject, it } from 'vitest';
import { migrate } from '../../daemon/storage/migrate.ts';
import { openPgliteSql } from '../../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../../daemon/storage/postgresSql.ts';
import type { Sql } from '../../daemon/storage/sql.ts';
import { type GraphHarness, runGraphConformance } from './graph.case.test.ts';
import { createSqlGraph } from './sqlGraph.ts';

/** Stores on namespaces of one database; close deletes their rows (the shared Postgres outlives the run). */
async function harnessOn(sql: Sql): Promise<GraphHarness> {
  await migrate(sql);
  const used: string[] = [];
  return {
    async store(namespace) {
      used.push(namespace);
      const g = createSqlGraph(sql, { namespace });
      await g.init();
      return g;
    },
    async close() {
      // Entities and memories cascade to mentions, relations and contains.
      for (const table of ['graph_entities', 'graph_memories', 'graph_files']) {
        await sql.query(`DELETE FROM ${table} WHERE namespace = ANY($1::text[])`, [used]);
      }
      await sql.close();
    },
  };
}

const { postgres } = inject('services');

runGraphConformance('sql on pglite', async () => harnessOn(await openPgliteSql(null)));
runGraphConformance('sql on postgres', async () => harnessOn(openPostgresSql(postgres.url)));

it('sql graph: rows of one namespace cascade away and leave no strays after removeMemory', async () => {
  const sql = await openPgliteSql(null);
  try {
    await migrate(sql);
    const g = createSqlGraph(sql, { namespace: 'cascade' });
    await g.linkMemory('m1', [{ name: 'A', type: 't' }], '/f');
    await g.removeMemory('m1');
    const [left] = await sql.query<{ mentions: number; contains: number }>(
      `SELECT (SELECT count(*)::int FROM graph_mentions) AS mentions, (SELECT count(*)::int FROM graph_contains) AS contains`,
    );
    expect(left).toEqual({ mentions: 0, contains: 0 });
  } finally {
    await sql.close();
  }
});
