// Settings for a test daemon on the server engines — a fresh Postgres database, the shared Neo4j, and a Redis
// database of its own — and the clean-up of what the daemon left there (its files' graph nodes, the database).
import { inject } from 'vitest';
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { openTestDb } from './memoryDb.ts';

export interface ServerEngines {
  settings: Record<string, unknown>;
  /** Removes the graph nodes of files under `userHome` (the daemon's allowed folders) and drops the database. */
  cleanup(userHome: string): Promise<void>;
}

/**
 * `redisDb`: a Redis database index no other daemon test uses — daemons in the same `memory` consumer group on a
 * shared stream would take each other's events.
 */
export async function serverEngines(redisDb: number): Promise<ServerEngines> {
  const { postgres, neo4j, redis } = inject('services');
  const db = await openTestDb('postgres', postgres.url);
  await db.sql.close();
  return {
    settings: {
      services: {
        postgres: { url: db.url },
        neo4j: { url: neo4j.url, user: neo4j.user, password: neo4j.password },
        redis: { url: `${redis.url}/${redisDb}` },
      },
    },
    async cleanup(userHome: string) {
      const driver = createNeo4j(neo4j);
      await driver.executeQuery(
        'MATCH (f:File) WHERE f.path STARTS WITH $home OPTIONAL MATCH (f)-[:CONTAINS]->(m:Memory) DETACH DELETE f, m',
        { home: userHome },
        { database: 'neo4j' },
      );
      await driver.close();
      await db.drop();
    },
  };
}
