// Vector tables: `memory_vectors_<dims>`, created at start for the configured dims (halfvec + HNSW cosine index).
// One table per dims because a column's dimension is fixed; a model change re-embeds into the current table.
import type { Sql, SqlQueryable } from '../daemon/storage/sql.ts';

// Another advisory lock id: two daemons starting on one Postgres must not race on CREATE INDEX.
const LOCK_ID = 724_105;

/**
 * HNSW build parameters (pgvector's defaults: m 16, ef_construction 64). The offline embedder's hashed n-gram vectors
 * have little cluster structure, so the graph needs a wide search while it is built: at 100,000 memories recall@10
 * at ef_search 600 is 0.96 with ef_construction 400, where 64 gave 0.53 at ef_search 100 and 0.62 at 200. A larger m
 * (24–48) reached the same recall at ef_search 400 but makes every insert prune longer neighbour lists, which costs
 * most in PGlite's WebAssembly. See bench/memory.bench.ts and README "Memory".
 */
export const HNSW = { m: 16, efConstruction: 400 } as const;

/** The index's name carries its parameters, so a table built with others gets a new index at the next start. */
export const hnswIndex = (table: string): string => `${table}_hnsw_m${HNSW.m}_ef${HNSW.efConstruction}`;

export function vectorTable(dims: number): string {
  if (!Number.isInteger(dims) || dims < 1 || dims > 4000) throw new Error(`unsupported vector dimensions: ${dims}`);
  return `memory_vectors_${dims}`;
}

/** pgvector's text form; both engines cast it with `::halfvec`. */
export function vectorLiteral(v: readonly number[]): string {
  return `[${v.join(',')}]`;
}

export function parseVector(text: string): number[] {
  return text.slice(1, -1).split(',').map(Number);
}

/**
 * Creates the table and its HNSW index if missing. A table indexed with other parameters is re-indexed once and the
 * old index dropped; writes to the table wait while it builds (about 3 minutes for 100,000 memories on 2 vCPUs).
 */
export async function ensureVectorTable(sql: Sql, dims: number): Promise<string> {
  const table = vectorTable(dims);
  const index = hnswIndex(table);
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    // Room to build the graph in memory; only used when the index is (re)built.
    await tx.exec(`SET LOCAL maintenance_work_mem = '256MB';
    CREATE TABLE IF NOT EXISTS ${table} (
      memory_id text PRIMARY KEY REFERENCES memories (id) ON DELETE CASCADE,
      model text NOT NULL,
      embedding halfvec(${dims}) NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${index} ON ${table} USING hnsw (embedding halfvec_cosine_ops)
      WITH (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction});`);
    const stale = await tx.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = $1 AND indexdef ILIKE '%USING hnsw%' AND indexname <> $2`,
      [table, index],
    );
    for (const { name } of stale) await tx.exec(`DROP INDEX IF EXISTS "${name}"`);
  });
  return table;
}

export async function writeVectors(
  db: SqlQueryable,
  table: string,
  model: string,
  rows: { id: string; embedding: readonly number[] }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ${table} (memory_id, model, embedding)
     SELECT id, $1, e::halfvec FROM jsonb_to_recordset($2::jsonb) AS t(id text, e text)
     ON CONFLICT (memory_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding`,
    [model, JSON.stringify(rows.map((r) => ({ id: r.id, e: vectorLiteral(r.embedding) })))],
  );
  await db.query('UPDATE memories SET model = $1 WHERE id = ANY($2::text[])', [model, rows.map((r) => r.id)]);
}
