// Memory at scale: generated, realistic memories (bench/memoryData.ts; offline embedder, 384 dims) into
// Postgres+pgvector (100,000) and PGlite (20,000). Prints the insert rate, hybrid query p50/p95 (what /api/memory/query
// runs), each ranker alone — full-text, HNSW at pgvector's default ef_search and at the one retrieval uses — and the
// baseline, an exact vector scan, with recall@10 against it; "found@10" is how often a question aimed at one memory
// has it in the top 10. All rankers run per query in turn, so load from other processes hits them alike. Full-text
// and hybrid are timed twice: as the inserts left the GIN index, then with its pending list merged.
// Sizes: MEMORY_BENCH_PG and MEMORY_BENCH_LITE (0 skips an engine).
import { createHistogram } from 'node:perf_hooks';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { OfflineEmbedder } from '../memory/embedders/offline.ts';
import { DEFAULT_TUNING, efSearchFor, hybridQuery, textRanks, vectorRanks, vectorRows } from '../memory/retrieve.ts';
import { MemoryStore } from '../memory/store.ts';
import { ensureVectorTable, HNSW, vectorLiteral } from '../memory/vectors.ts';
import { machine, services } from './lib.ts';
import { fixtureQueries, type Generated, generateMemories, targetedQueries } from './memoryData.ts';

const DIMS = 384;
const TARGETED = 200;
const BATCH = 500;
const PGVECTOR_DEFAULT_EF = 40;

const pct = (xs: number[], p: number) => {
  const h = createHistogram();
  for (const x of xs) h.record(Math.max(1, Math.round(x * 1000)));
  return h.percentile(p) / 1000;
};

async function timed<T>(ms: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  ms.push(performance.now() - t);
  return out;
}

/** The baseline: the true top k by cosine distance, the HNSW index turned off. */
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

/** The bare index at pgvector's default search width, for reference. */
async function hnswTop(sql: Sql, table: string, v: number[], k: number, efSearch: number): Promise<string[]> {
  return sql.transaction(async (tx) => {
    await tx.exec(`SET LOCAL hnsw.ef_search = ${efSearch}`);
    const rows = await tx.query<{ memory_id: string }>(
      `SELECT memory_id FROM ${table} ORDER BY embedding <=> $1::halfvec LIMIT $2`,
      [vectorLiteral(v), k],
    );
    return rows.map((r) => r.memory_id);
  });
}

interface Case {
  label: string;
  ms: number[];
  overlap: number;
  found: number;
  recall: boolean;
}

async function run(name: string, sql: Sql, memories: Generated[]): Promise<string[]> {
  const n = memories.length;
  await migrate(sql);
  await sql.exec('DELETE FROM memories');
  const embedder = new OfflineEmbedder({ dimensions: DIMS });
  const table = await ensureVectorTable(sql, DIMS);
  const store = new MemoryStore(sql, embedder, table);

  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i += BATCH) {
    const batch = memories.slice(i, i + BATCH);
    const added = await store.add(batch.map((m) => ({ text: m.text, kind: m.kind, importance: m.importance })));
    ids.push(...added.map((m) => m.id));
    const sec = (performance.now() - t0) / 1000;
    process.stderr.write(`\r${name}: ${ids.length}/${n} inserted, ${(ids.length / sec).toFixed(0)}/s   `);
  }
  const insertSec = (performance.now() - t0) / 1000;
  process.stderr.write('\n');

  const aimed = targetedQueries(memories, TARGETED);
  const queries = [...aimed.map((a) => a.q), ...fixtureQueries()];
  const vectors = await embedder.embed(queries);
  const tuning = DEFAULT_TUNING;
  const candidates = Math.max(tuning.candidates, 50);
  const ef = efSearchFor(await vectorRows(store), tuning);
  const hybridOf = (q: string) => hybridQuery(store, null, q, { k: 10, touch: false }, tuning);
  for (const q of queries.slice(0, 20)) await hybridOf(q);

  const mk = (label: string, recall: boolean): Case => ({ label, ms: [], overlap: 0, found: 0, recall });
  const exact = mk('exact vector scan (baseline)', true);
  const narrow = mk(`vector only, HNSW ef_search ${PGVECTOR_DEFAULT_EF} (pgvector default)`, true);
  const wide = mk(`vector only, HNSW ef_search ${ef} (what retrieval uses)`, true);
  const text = mk(`full-text only (tiered, ≤ ${tuning.textCandidates} rows ranked)`, false);
  const hybrid = mk('hybrid: vector + full-text, RRF (what /api/memory/query runs)', false);
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i] as string;
    const v = vectors[i] as number[];
    const truth = await timed(exact.ms, () => exactTop(sql, table, v, 10));
    const tops: [Case, string[]][] = [
      [exact, truth],
      [narrow, await timed(narrow.ms, () => hnswTop(sql, table, v, 10, PGVECTOR_DEFAULT_EF))],
      [wide, (await timed(wide.ms, () => vectorRanks(store, v, candidates, ef))).map((r) => r.id)],
      [text, (await timed(text.ms, () => textRanks(store, q, candidates, tuning.textCandidates))).map((r) => r.id)],
      [hybrid, (await timed(hybrid.ms, () => hybridOf(q))).map((h) => h.memory.id)],
    ];
    const target = i < aimed.length ? ids[(aimed[i] as { target: number }).target] : undefined;
    for (const [c, top] of tops) {
      const top10 = top.slice(0, 10);
      c.overlap += top10.filter((id) => truth.includes(id)).length;
      if (target && top10.includes(target)) c.found++;
    }
    if (i % 20 === 0) process.stderr.write(`\r${name}: ${i}/${queries.length} queries   `);
  }
  // Inserts leave their full-text entries in the GIN index's pending list (up to 4 MB) until a vacuum merges them,
  // and every full-text query reads that list through. Autovacuum merges it on Postgres, when it gets to it; PGlite
  // never does. So: the same questions again, the list merged.
  const [merged] = await sql.query<{ pages: number }>(`SELECT gin_clean_pending_list('memories_fts')::int AS pages`);
  const pages = Number(merged?.pages ?? 0);
  const textMerged = mk(`full-text only, after merging the GIN pending list (${pages} pages)`, false);
  const hybridMerged = mk('hybrid, after merging the GIN pending list', false);
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i] as string;
    const target = i < aimed.length ? ids[(aimed[i] as { target: number }).target] : undefined;
    const tops: [Case, string[]][] = [
      [
        textMerged,
        (await timed(textMerged.ms, () => textRanks(store, q, candidates, tuning.textCandidates))).map((r) => r.id),
      ],
      [hybridMerged, (await timed(hybridMerged.ms, () => hybridOf(q))).map((h) => h.memory.id)],
    ];
    for (const [c, top] of tops) if (target && top.slice(0, 10).includes(target)) c.found++;
  }
  process.stderr.write('\n');
  await sql.close();

  const f = (x: number, d = 1) => x.toFixed(d);
  return [exact, narrow, wide, text, hybrid, textMerged, hybridMerged].map(
    (c) =>
      `| ${name} ${c.label} | ${n} | ${c === hybrid ? f(n / insertSec, 0) : '—'} | ${f(pct(c.ms, 50))} | ${f(pct(c.ms, 95))} | ${c.recall ? f(c.overlap / (queries.length * 10), 3) : '—'} | ${f(c.found / aimed.length, 3)} |`,
  );
}

const pgN = Number(process.env.MEMORY_BENCH_PG ?? 100_000);
const liteN = Number(process.env.MEMORY_BENCH_LITE ?? 20_000);
const all = generateMemories(Math.max(pgN, liteN));
// Each engine's rows print as soon as it is done: each part takes minutes.
const print = (rows: string[]) => {
  for (const r of rows) console.log(r);
};
console.log(
  `\nMemory: insert and retrieval (${machine()}); HNSW m ${HNSW.m}, ef_construction ${HNSW.efConstruction}; ` +
    `${TARGETED} questions aimed at one memory each + ${fixtureQueries().length} fixture questions; ` +
    'latencies in ms; recall@10 against the exact scan; found@10: the aimed-at memory is in the top 10',
);
console.log('| case | memories | inserts/s | p50 ms | p95 ms | recall@10 | found@10 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
if (pgN > 0) {
  // A database of its own on the test Postgres, so the bench never touches another run's memories.
  const admin = openPostgresSql(services().postgres.url, { max: 1 });
  const dbName = `titan_bench_${Date.now().toString(36)}`;
  await admin.exec(`CREATE DATABASE ${dbName}`);
  try {
    const url = new URL(services().postgres.url);
    url.pathname = `/${dbName}`;
    print(await run('postgres', openPostgresSql(url.toString(), { max: 4 }), all.slice(0, pgN)));
  } finally {
    await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.close();
  }
}
if (liteN > 0) print(await run('pglite', await openPgliteSql(null), all.slice(0, liteN)));
