// The Postgres engine (postgres.js against the real Postgres 16 + pgvector) passes the Sql conformance suite.
import { expect, inject, it } from 'vitest';
import { migrate } from './migrate.ts';
import { openPostgresSql } from './postgresSql.ts';
import { runSqlConformance } from './sql.case.test.ts';

const { postgres } = inject('services');

runSqlConformance('postgres', async () => openPostgresSql(postgres.url));

it('postgres: concurrent first starts migrate once without colliding', async () => {
  const engines = Array.from({ length: 4 }, () => openPostgresSql(postgres.url, { max: 2 }));
  try {
    const results = await Promise.all(engines.map((e) => migrate(e)));
    expect(results.flat().length).toBeLessThanOrEqual(1);
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
});

it('postgres: an unreachable server fails with a clear error, not a hang', async () => {
  const dead = openPostgresSql('postgres://titan:x@127.0.0.1:1/none');
  await expect(dead.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED|connect/);
  await dead.close();
});
