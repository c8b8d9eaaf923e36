// The bus conformance suite on the embedded transport: PGlite in memory, and the real Postgres.
import { inject } from 'vitest';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { runBusConformance } from './bus.case.test.ts';
import { SqlTransport } from './sqlTransport.ts';

const opener = (open: () => Promise<Sql>) => async () => {
  const sql = await open();
  await migrate(sql);
  return {
    transport: new SqlTransport(sql),
    openReader: () => new SqlTransport(sql),
    async cleanup() {},
  };
};

runBusConformance(
  'embedded (pglite)',
  opener(() => openPgliteSql(null)),
);
runBusConformance(
  'embedded (postgres)',
  opener(async () => openPostgresSql(inject('services').postgres.url)),
);
