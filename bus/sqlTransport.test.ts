// The embedded transport passes the Transport conformance suite on PGlite (in memory) and on the real Postgres,
// plus what only it has: ids that survive a clock going backwards and several processes sharing one Postgres.
import { expect, inject, it } from 'vitest';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { SqlTransport } from './sqlTransport.ts';
import { compareIds } from './streamIds.ts';
import { runTransportConformance } from './transport.case.test.ts';

const { postgres } = inject('services');
const uniqueStream = (what: string) => `test:{${what}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}}:s`;

async function dropStreams(sql: Sql, streams: string[], keys: string[] = []) {
  await sql.query('DELETE FROM bus_streams WHERE stream = ANY($1::text[])', [streams]);
  await sql.query('DELETE FROM bus_once WHERE key = ANY($1::text[])', [keys]);
}

runTransportConformance('embedded on pglite', async () => {
  const sql = await openPgliteSql(null);
  await migrate(sql);
  return { transport: new SqlTransport(sql), cleanup: () => sql.close() };
});

runTransportConformance('embedded on postgres', async () => {
  const sql = openPostgresSql(postgres.url, { max: 4 });
  await migrate(sql);
  return {
    transport: new SqlTransport(sql),
    cleanup: async ({ streams, keys }) => {
      await dropStreams(sql, streams, keys);
      await sql.close();
    },
  };
});

it('pglite: ids stay increasing when the clock is behind the last id', async () => {
  const sql = await openPgliteSql(null);
  await migrate(sql);
  const t = new SqlTransport(sql);
  const s = uniqueStream('clock');
  const first = await t.append(s, 'a', 100);
  // As if the clock had gone back a minute: the stream's last id is now ahead of it.
  await sql.query('UPDATE bus_streams SET last_ms = last_ms + 60000, last_seq = 7 WHERE stream = $1', [s]);
  const [ahead] = await sql.query<{ last_ms: number }>('SELECT last_ms FROM bus_streams WHERE stream = $1', [s]);
  const second = await t.append(s, 'b', 100);
  const third = await t.append(s, 'c', 100);
  expect(second).toBe(`${ahead?.last_ms}-8`);
  expect(third).toBe(`${ahead?.last_ms}-9`);
  expect(compareIds(first, second)).toBeLessThan(0);
  await t.close();
  await sql.close();
});

it('postgres: consumers in separate processes (separate pools) never get the same entry', async () => {
  const pools = [openPostgresSql(postgres.url, { max: 3 }), openPostgresSql(postgres.url, { max: 3 })];
  await migrate(pools[0] as Sql);
  const [a, b] = pools.map((sql) => new SqlTransport(sql)) as [SqlTransport, SqlTransport];
  const s = uniqueStream('race');
  try {
    await a.ensureGroup(s, 'g', '0');
    const written: string[] = [];
    for (let i = 0; i < 60; i++) written.push(await a.append(s, `m${i}`, 1000));
    const readers = [a, a, b, b].map(async (t, n) => {
      const got: string[] = [];
      for (;;) {
        const batch = await t.readGroup('g', `c${n}`, [{ stream: s, count: 4 }], '>', 0);
        if (batch.length === 0) return got;
        got.push(...batch.map((e) => e.id));
      }
    });
    const seen = (await Promise.all(readers)).flat();
    expect(seen.sort(compareIds)).toEqual(written);
    // Once idle long enough, concurrent reclaimers split the entries: a claim resets the idle time of what it took.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const claimers = [a, b, a, b].map((t, n) => t.autoClaim(s, 'g', `k${n}`, 200, 100));
    const claimed = (await Promise.all(claimers)).flat().map((e) => e.id);
    expect(claimed.sort(compareIds)).toEqual(written);
  } finally {
    await dropStreams(pools[0] as Sql, [s]);
    await Promise.all(pools.map((p) => p.close()));
  }
});

it('postgres: a blocked read sees an append by another process at its next poll', async () => {
  const pools = [openPostgresSql(postgres.url, { max: 2 }), openPostgresSql(postgres.url, { max: 2 })];
  await migrate(pools[0] as Sql);
  const [reader, writer] = pools.map((sql) => new SqlTransport(sql, { pollMs: 100 })) as [SqlTransport, SqlTransport];
  const s = uniqueStream('poll');
  try {
    await reader.ensureGroup(s, 'g', '$');
    const started = Date.now();
    const reading = reader.readGroup('g', 'c', [{ stream: s, count: 1 }], '>', 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const id = await writer.append(s, 'from afar', 1000);
    expect(await reading).toEqual([{ stream: s, id, data: 'from afar' }]);
    expect(Date.now() - started).toBeLessThan(1500);
  } finally {
    await reader.close();
    await dropStreams(pools[0] as Sql, [s]);
    await Promise.all(pools.map((p) => p.close()));
  }
});
