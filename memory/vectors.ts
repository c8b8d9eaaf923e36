// Vector tables: `memory_vectors_<dims>`, created at start for the configured dims (halfvec + HNSW cosine index).
// One table per dims because a column's dimension is fixed; a model change re-embeds into the current table.
import type { Sql, SqlQueryable } from '../daemon/storage/sql.ts';

// Another advisory lock id: two daemons starting on one Postgres must not race on CREATE INDEX.
const LOCK_ID = 724_105;

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

export async function ensureVectorTable(sql: Sql, dims: number): Promise<string> {
  const table = vectorTable(dims);
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      memory_id text PRIMARY KEY REFERENCES memories (id) ON DELETE CASCADE,
      model text NOT NULL,
      embedding halfvec(${dims}) NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${table}_hnsw ON ${table} USING hnsw (embedding halfvec_cosine_ops);`);
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
