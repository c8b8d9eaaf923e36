// Creates the neo4j-driver for the configured Neo4j 5 server.
import neo4j, { type Driver } from 'neo4j-driver';
import type { Settings } from '../config/schema.ts';

export type Neo4jConfig = NonNullable<Settings['services']['neo4j']>;

export function createNeo4j(cfg: Neo4jConfig): Driver {
  return neo4j.driver(cfg.url, neo4j.auth.basic(cfg.user, cfg.password), {
    connectionTimeout: 5000,
    connectionAcquisitionTimeout: 5000,
    // Managed transactions retry a lost server for 30 s by default: a request would hang that long, not answer 503.
    maxTransactionRetryTime: 2000,
    maxConnectionPoolSize: 20,
    disableLosslessIntegers: true,
    // The driver's own logging stays off: our logger records what matters, without credentials.
    logging: { level: 'error', logger: () => {} },
  });
}
