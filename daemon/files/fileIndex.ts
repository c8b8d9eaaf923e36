// The file_index table: one row per file Titan has looked at, with its size, mtime, content hash and ingest status.
import { relative, sep } from 'node:path';
import type { Sql } from '../storage/sql.ts';

export const INGEST_STATUSES = ['pending', 'indexed', 'no_text', 'unsupported', 'failed'] as const;
export type IngestStatus = (typeof INGEST_STATUSES)[number];

export interface FileRecord {
  path: string;
  size: number;
  mtime_ms: number;
  content_hash: string | null;
  status: IngestStatus;
  kind: string | null;
  pages: number | null;
  chunks: number;
  error: string | null;
  indexed_at: string | null;
}

const COLUMNS = 'path, size, mtime_ms, content_hash, status, kind, pages, chunks, error, indexed_at';

function toRecord(row: Record<string, unknown>): FileRecord {
  return {
    path: row.path as string,
    size: Number(row.size),
    mtime_ms: Number(row.mtime_ms),
    content_hash: (row.content_hash as string | null) ?? null,
    status: row.status as IngestStatus,
    kind: (row.kind as string | null) ?? null,
    pages: row.pages == null ? null : Number(row.pages),
    chunks: Number(row.chunks),
    error: (row.error as string | null) ?? null,
    indexed_at: row.indexed_at == null ? null : new Date(row.indexed_at as string).toISOString(),
  };
}

/** Whether `path` is `dir` or inside it — by path.relative, never a string prefix. */
export function isWithin(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

export class FileIndex {
  readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async get(path: string): Promise<FileRecord | null> {
    const [row] = await this.sql.query(`SELECT ${COLUMNS} FROM file_index WHERE path = $1`, [path]);
    return row ? toRecord(row) : null;
  }

  async getMany(paths: string[]): Promise<Map<string, FileRecord>> {
    if (paths.length === 0) return new Map();
    const rows = await this.sql.query(`SELECT ${COLUMNS} FROM file_index WHERE path = ANY($1::text[])`, [paths]);
    return new Map(rows.map((r) => [r.path as string, toRecord(r)]));
  }

  /** Rows at or under a folder. The LIKE narrows the scan; isWithin decides. */
  async under(dir: string): Promise<FileRecord[]> {
    const prefix = `${dir.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.sql.query(`SELECT ${COLUMNS} FROM file_index WHERE path LIKE $1 ORDER BY path`, [prefix]);
    return rows.map(toRecord).filter((r) => isWithin(dir, r.path));
  }

  async all(): Promise<FileRecord[]> {
    return (await this.sql.query(`SELECT ${COLUMNS} FROM file_index ORDER BY path`)).map(toRecord);
  }

  async byHash(hash: string): Promise<FileRecord[]> {
    const rows = await this.sql.query(`SELECT ${COLUMNS} FROM file_index WHERE content_hash = $1`, [hash]);
    return rows.map(toRecord);
  }

  async put(r: Omit<FileRecord, 'indexed_at'> & { indexed_at?: string | null }): Promise<void> {
    await this.sql.query(
      `INSERT INTO file_index (path, size, mtime_ms, content_hash, status, kind, pages, chunks, error, indexed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (path) DO UPDATE SET size = EXCLUDED.size, mtime_ms = EXCLUDED.mtime_ms,
         content_hash = EXCLUDED.content_hash, status = EXCLUDED.status, kind = EXCLUDED.kind, pages = EXCLUDED.pages,
         chunks = EXCLUDED.chunks, error = EXCLUDED.error, indexed_at = EXCLUDED.indexed_at, updated_at = now()`,
      [r.path, r.size, r.mtime_ms, r.content_hash, r.status, r.kind, r.pages, r.chunks, r.error, r.indexed_at ?? null],
    );
  }

  async rename(from: string, to: string, size: number, mtimeMs: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM file_index WHERE path = $1', [to]);
      await tx.query('UPDATE file_index SET path = $2, size = $3, mtime_ms = $4, updated_at = now() WHERE path = $1', [
        from,
        to,
        size,
        mtimeMs,
      ]);
    });
  }

  async delete(path: string): Promise<boolean> {
    return (await this.sql.query('DELETE FROM file_index WHERE path = $1 RETURNING path', [path])).length > 0;
  }

  async counts(): Promise<Record<IngestStatus, number>> {
    const rows = await this.sql.query<{ status: IngestStatus; n: number }>(
      'SELECT status, count(*)::int AS n FROM file_index GROUP BY status',
    );
    const counts = Object.fromEntries(INGEST_STATUSES.map((s) => [s, 0])) as Record<IngestStatus, number>;
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }
}
