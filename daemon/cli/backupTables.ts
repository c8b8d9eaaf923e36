// Titan's own SQL tables as JSON lines, engine-neutral (PGlite and Postgres alike): which tables, in foreign-key
// order, read page by page with row_to_json and written back with jsonb_populate_recordset.
import type { Sql, SqlQueryable } from '../storage/sql.ts';

/**
 * Left out: migrations and instance facts (the target's own), the bus log (events in flight, not data), the
 * embedding cache (rebuilt on demand), and memories, their vectors and the graph — those go through the memory
 * export, which re-embeds when the target uses another model.
 */
const SKIP = /^(schema_migrations|titan_meta|embedding_cache|memories|memory_vectors_\d+|bus_.*|graph_.*)$/;

/** The tables to carry, parents before children (a table referencing another comes after it). */
export async function dataTables(sql: SqlQueryable): Promise<string[]> {
  const tables = (
    await sql.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  )
    .map((r) => r.name)
    .filter((n) => !SKIP.test(n));
  const refs = await sql.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
     FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const r of refs) {
    const child = r.child.replace(/"/g, '');
    const parent = r.parent.replace(/"/g, '');
    if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t)) return;
    path.add(t);
    for (const p of parents.get(t) ?? []) visit(p, path);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

interface Column {
  name: string;
  identity: boolean;
}

/** Columns a row can be written to: generated ones (full-text vectors) are left out, identity ones noted. */
async function writableColumns(sql: SqlQueryable, table: string): Promise<Column[]> {
  const rows = await sql.query<{ name: string; generated: string; identity: string }>(
    `SELECT column_name AS name, is_generated AS generated, COALESCE(identity_generation, '') AS identity
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
     ORDER BY ordinal_position`,
    [table],
  );
  return rows.filter((r) => r.generated !== 'ALWAYS').map((r) => ({ name: r.name, identity: r.identity !== '' }));
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** One JSON object per row, a page at a time, in primary-key order when there is one. */
export async function* tableLines(sql: SqlQueryable, table: string, page = 1000): AsyncGenerator<string> {
  const cols = await writableColumns(sql, table);
  const list = cols.map((c) => quote(c.name)).join(', ');
  const pk = await sql.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [quote(table)],
  );
  const order = pk.length ? pk.map((c) => quote(c.name)).join(', ') : list;
  for (let offset = 0; ; offset += page) {
    const rows = await sql.query<{ j: string }>(
      `SELECT row_to_json(r)::text AS j FROM (SELECT ${list} FROM ${quote(table)} ORDER BY ${order} LIMIT ${page} OFFSET ${offset}) r`,
    );
    for (const r of rows) yield r.j;
    if (rows.length < page) return;
  }
}

/** Inserts the rows (JSON objects) into `table`; identity values are kept and their sequence moved past them. */
export async function insertRows(sql: Sql, table: string, rows: unknown[]): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = await writableColumns(sql, table);
  const list = cols.map((c) => quote(c.name)).join(', ');
  const overriding = cols.some((c) => c.identity) ? 'OVERRIDING SYSTEM VALUE' : '';
  await sql.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await tx.query(
        `INSERT INTO ${quote(table)} (${list}) ${overriding}
         SELECT ${list} FROM jsonb_populate_recordset(null::${quote(table)}, $1::jsonb)`,
        [JSON.stringify(rows.slice(i, i + 500))],
      );
    }
    for (const c of cols.filter((c) => c.identity)) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${quote(c.name)}) FROM ${quote(table)}), 1))`,
        [quote(table), c.name],
      );
    }
  });
  return rows.length;
}

/** Rows in each table (for "is the target empty?"). */
export async function rowCounts(sql: SqlQueryable, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [r] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(t)}`);
    out[t] = Number(r?.n ?? 0);
  }
  return out;
}

/** Empties the tables and everything that references them. */
export async function truncate(sql: SqlQueryable, tables: string[]): Promise<void> {
  if (tables.length) await sql.exec(`TRUNCATE ${tables.map(quote).join(', ')} CASCADE`);
}
