// Opens a migrated Sql engine for memory tests: PGlite in memory, or a fresh database of its own on the test Postgres
// (the memories table is global, so parallel suites on one database would see each other's rows and counts).
import { migrate } from '../../daemon/storage/migrate.ts';
import { openPgliteSql } from '../../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../../daemon/storage/postgresSql.ts';
import type { Sql } from '../../daemon/storage/sql.ts';

export type SqlEngine = 'pglite' | 'postgres';

export interface TestDb {
  sql: Sql;
  /** The URL of the fresh Postgres database (null for PGlite), e.g. to point a daemon at it. */
  url: string | null;
  drop(): Promise<void>;
}

export async function openTestDb(engine: SqlEngine, postgresUrl?: string): Promise<TestDb> {
  if (engine === 'pglite') {
    const sql = await openPgliteSql(null);
    await migrate(sql);
    return { sql, url: null, drop: () => sql.close() };
  }
  if (!postgresUrl) throw new Error('a Postgres URL is needed');
  const name = `titan_mem_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = openPostgresSql(postgresUrl, { max: 1 });
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const sql = openPostgresSql(url.toString(), { max: 4 });
  await migrate(sql);
  return {
    sql,
    url: url.toString(),
    async drop() {
      await sql.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}
