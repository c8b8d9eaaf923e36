// The graph store for the configured engines: Neo4j when a driver is given, else the tables in the Sql store.
import type { Driver } from 'neo4j-driver';
import type { Sql } from '../../daemon/storage/sql.ts';
import type { GraphStore } from '../types.ts';
import { createNeo4jGraph } from './neo4jGraph.ts';
import { createSqlGraph } from './sqlGraph.ts';

export { DEFAULT_NAMESPACE, GraphInputError, MAX_DEPTH, raisedWeight } from './identity.ts';
export { createNeo4jGraph } from './neo4jGraph.ts';
export { createSqlGraph } from './sqlGraph.ts';

export interface GraphStoreOptions {
  /** Keeps this store's nodes apart from others on the same server or database. Default "default". */
  namespace?: string;
  /** The Neo4j database (ignored by the Sql engine). Default "neo4j". */
  database?: string;
}

export function createGraphStore(
  engines: { sql: Sql; neo4j: Driver | null | undefined },
  opts: GraphStoreOptions = {},
): GraphStore {
  return engines.neo4j ? createNeo4jGraph(engines.neo4j, opts) : createSqlGraph(engines.sql, opts);
}
