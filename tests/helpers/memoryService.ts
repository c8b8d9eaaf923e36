// Opens a MemoryService on either engine pair — PGlite + SQL graph (the embedded default) or a fresh Postgres
// database + a Neo4j namespace of its own (the server engines) — with the offline embedder, for feature tests.
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { OfflineEmbedder } from '../../memory/embedders/offline.ts';
import { createNeo4jGraph } from '../../memory/graph/neo4jGraph.ts';
import { createSqlGraph } from '../../memory/graph/sqlGraph.ts';
import { MemoryService } from '../../memory/service.ts';
import type { TestServices } from '../setup/services.ts';
import { openTestDb, type SqlEngine } from './memoryDb.ts';

export interface MemoryFixture {
  memory: MemoryService;
  close(): Promise<void>;
}

export async function openMemoryService(engine: SqlEngine, services: TestServices): Promise<MemoryFixture> {
  const db = await openTestDb(engine, services.postgres.url);
  const embedder = new OfflineEmbedder({ dimensions: 384 });
  if (engine === 'pglite') {
    const memory = await MemoryService.open({
      sql: db.sql,
      embedder,
      graph: createSqlGraph(db.sql, { namespace: 'test' }),
      cap: () => 100_000,
      gcIntervalMs: 0,
    });
    return {
      memory,
      async close() {
        await memory.close();
        await db.drop();
      },
    };
  }
  const driver = createNeo4j(services.neo4j);
  const namespace = `files_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const graph = createNeo4jGraph(driver, { namespace });
  const memory = await MemoryService.open({ sql: db.sql, embedder, graph, cap: () => 100_000, gcIntervalMs: 0 });
  return {
    memory,
    async close() {
      await memory.close();
      await driver.executeQuery('MATCH (n {ns: $ns}) DETACH DELETE n', { ns: namespace }, { database: 'neo4j' });
      await graph.close();
      await driver.close();
      await db.drop();
    },
  };
}
