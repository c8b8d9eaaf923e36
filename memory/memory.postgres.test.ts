// Postgres+pgvector with Neo4j (the server engines, both real) pass the memory conformance suite.
import { inject } from 'vitest';
import { createNeo4j } from '../daemon/storage/neo4jClient.ts';
import { openTestDb } from '../tests/helpers/memoryDb.ts';
import { createNeo4jGraph } from './graph/neo4jGraph.ts';
import { runMemoryConformance } from './memory.case.test.ts';

const { postgres, neo4j } = inject('services');

runMemoryConformance('postgres + neo4j', async () => {
  const db = await openTestDb('postgres', postgres.url);
  const driver = createNeo4j(neo4j);
  // A namespace of its own, removed afterwards: the Neo4j server is shared by every run.
  const namespace = `mem_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  return {
    sql: db.sql,
    graph: createNeo4jGraph(driver, { namespace }),
    async close() {
      await driver.executeQuery('MATCH (n {ns: $ns}) DETACH DELETE n', { ns: namespace }, { database: 'neo4j' });
      await driver.close();
      await db.drop();
    },
  };
});
