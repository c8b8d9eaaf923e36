// Memory at scale: inserts N memories (offline embedder, 384 dims) and prints the insert rate, hybrid query p50/p95,
// vector-only p95, and recall@10 of the HNSW index against an exact scan (the baseline) — Postgres+pgvector at
// 100,000, PGlite at 20,000. Sizes: MEMORY_BENCH_PG and MEMORY_BENCH_LITE.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { OfflineEmbedder } from '../memory/embedders/offline.ts';
import { hybridQuery } from '../memory/retrieve.ts';
import { MemoryStore } from '../memory/store.ts';
import { ensureVectorTable, vectorLiteral } from '../memory/vectors.ts';
import { machine, services } from './lib.ts';

const fixtures = join(import.meta.dirname, '..', 'tests', 'fixtures', 'memory');
const seeds = readFileSync(join(fixtures, 'memories.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);
const queries = (JSON.parse(readFileSync(join(fixtures, 'queries.json'), 'utf8')) as { q: string }[]).map((q) => q.q);
const NAMES = [
  'Anna',
  'Boris',
  'Chen',
  'Dana',
  'Erik',
  'Fatima',
  'Gleb',
  'Hana',
  'Ivan',
  'Julia',
  'Карина',
  'Лев',
  'Мария',
];
const PLACES = ['Berlin', 'Lisbon', 'Kazan', 'Tver', 'Leeds', 'Porto', 'Riga', 'Казань', 'Сочи', 'Omsk'];

/** A distinct, realistic-looking memory: a fixture sentence with a new name, place and number. */
function synthetic(i: number): string {
  const seed = seeds[i % seeds.length] as string;
  return `${seed} (${NAMES[i % NAMES.length]}, ${PLACES[(i * 7) % PLACES.length]}, ref ${100000 + i})`;
}

const pct = (xs: number[], p: number) => {
  const h = createHistogram();
  for (const x of xs) h.record(Math.max(1, Math.round(x * 1000)));
  return h.percentile(p) / 1000;
};

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return ms;
}

async function exactTop(sql: Sql, table: string, v: number[], k: number): Promise<string[]> {
  return sql.transaction(async (tx) => {
    await tx.exec('SET LOCAL enable_indexscan = off');
    const rows = await tx.query<{ memory_id: string }>(
      `SELECT memory_id FROM ${table} ORDER BY embedding <=> $1::halfvec LIMIT $2`,
      [vectorLiteral(v), k],
    );
    return rows.map((r) => r.memory_id);
  });
}

/** HNSW top-k at pgvector's default ef_search (40) or a wider one (hybrid retrieval uses ≥ 100). */
async function hnswTop(sql: Sql, table: string, v: number[], k: number, efSearch = 40): Promise<string[]> {
  return sql.transaction(async (tx) => {
    await tx.exec(`SET LOCAL hnsw.ef_search = ${efSearch}`);
    const rows = await tx.query<{ memory_id: string }>(
      `SELECT memory_id FROM ${table} ORDER BY embedding <=> $1::halfvec LIMIT $2`,
      [vectorLiteral(v), k],
    );
    return rows.map((r) => r.memory_id);
  });
}

async function run(name: string, sql: Sql, n: number): Promise<string[]> {
  await migrate(sql);
  await sql.exec('DELETE FROM memories');
  const embedder = new OfflineEmbedder({ dimensions: 384 });
  const table = await ensureVectorTable(sql, 384);
  const store = new MemoryStore(sql, embedder, table);
  const batch = 500;
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    await store.add(Array.from({ length: Math.min(batch, n - i) }, (_, j) => ({ text: synthetic(i + j) })));
    if ((i / batch) % 20 === 0) process.stderr.write(`\r${name}: ${i + batch}/${n}`);
  }
  const insertSec = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
  const vectors = await embedder.embed(queries);
  const Q = 200;
  const q = (i: number) => queries[i % queries.length] as string;
  const vq = (i: number) => vectors[i % vectors.length] as number[];
  for (let i = 0; i < 20; i++) await hybridQuery(store, null, q(i), { k: 10, touch: false });
  const hybrid = await timed(Q, (i) => hybridQuery(store, null, q(i), { k: 10, touch: false }));
  const vector = await timed(Q, (i) => hnswTop(sql, table, vq(i), 10));
  const exact = await timed(queries.length, (i) => exactTop(sql, table, vq(i), 10));
  const wide = await timed(Q, (i) => hnswTop(sql, table, vq(i), 10, 100));
  let overlap = 0;
  let overlapWide = 0;
  for (let i = 0; i < queries.length; i++) {
    const truth = new Set(await exactTop(sql, table, vq(i), 10));
    overlap += (await hnswTop(sql, table, vq(i), 10)).filter((id) => truth.has(id)).length;
    overlapWide += (await hnswTop(sql, table, vq(i), 10, 100)).filter((id) => truth.has(id)).length;
  }
  await sql.close();
  const f = (x: number, d = 1) => x.toFixed(d);
  return [
    `| ${name} exact scan (baseline) | ${n} | — | ${f(pct(exact, 50))} | ${f(pct(exact, 95))} | 1.000 |`,
    `| ${name} vector-only (HNSW, ef_search 40) | ${n} | — | ${f(pct(vector, 50))} | ${f(pct(vector, 95))} | ${(overlap / (queries.length * 10)).toFixed(3)} |`,
    `| ${name} vector-only (HNSW, ef_search 100) | ${n} | — | ${f(pct(wide, 50))} | ${f(pct(wide, 95))} | ${(overlapWide / (queries.length * 10)).toFixed(3)} |`,
    `| ${name} hybrid (HNSW + full-text, RRF) | ${n} | ${f(n / insertSec, 0)} | ${f(pct(hybrid, 50))} | ${f(pct(hybrid, 95))} | — |`,
  ];
}

const pgN = Number(process.env.MEMORY_BENCH_PG ?? 100_000);
const liteN = Number(process.env.MEMORY_BENCH_LITE ?? 20_000);
// Each engine's rows print as soon as it is done: the PGlite part takes minutes.
const print = (rows: string[]) => {
  for (const r of rows) console.log(r);
};
console.log(`\nMemory: insert and retrieval (${machine()}); latencies in ms over 200 queries, recall@10 vs exact scan`);
console.log('| case | memories | inserts/s | p50 ms | p95 ms | recall@10 |');
console.log('|---|---:|---:|---:|---:|---:|');
// A database of its own on the test Postgres, so the bench never touches another run's memories.
const admin = openPostgresSql(services().postgres.url, { max: 1 });
const dbName = `titan_bench_${Date.now().toString(36)}`;
await admin.exec(`CREATE DATABASE ${dbName}`);
try {
  const url = new URL(services().postgres.url);
  url.pathname = `/${dbName}`;
  print(await run('postgres', openPostgresSql(url.toString(), { max: 4 }), pgN));
} finally {
  await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.close();
}
if (liteN > 0) print(await run('pglite', await openPgliteSql(null), liteN));
