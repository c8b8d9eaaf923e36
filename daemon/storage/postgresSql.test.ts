// The Postgres engine (postgres.js against the real Postgres 16 + pgvector) passes the Sql conformance suite.
import { expect, inject, it } from 'vitest';
import { migrate } from './migrate.ts';
import { openPostgresSql } from './postgresSql.ts';
import { runSqlConformance } from './sql.case.test.ts';
import { SqlUnavailableError } from './sql.ts';

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
  const err = await dead.query('SELECT 1').catch((e: unknown) => e);
  // Typed, so the HTTP layer answers 503; the driver's own error stays as the cause.
  expect(err).toBeInstanceOf(SqlUnavailableError);
  expect((err as Error).message).toMatch(/^Postgres is not reachable at 127\.0\.0\.1:1\/none: Titan retries/);
  expect(((err as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  await dead.close();
});
