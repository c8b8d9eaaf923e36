// The embedded Sql engine: PGlite persisted in the data dir, with pgvector loaded.
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pgliteFiles } from './pgliteAssets.ts';
import type { Row, Sql, SqlQueryable } from './sql.ts';

function wrap(db: PGlite | Transaction): SqlQueryable {
  return {
    async query<T = Row>(text: string, params: readonly unknown[] = []) {
      const res = await db.query<T>(text, params as unknown[]);
      return res.rows;
    },
    async exec(script: string) {
      await db.exec(script);
    },
  };
}

/** `dir` null keeps the database in memory (tests); otherwise it persists there. */
export async function openPgliteSql(dir: string | null): Promise<Sql> {
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dir ?? undefined, await pgliteFiles());
  const base = wrap(db);
  return {
    engine: 'pglite',
    ...base,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}
