// Applies pending migrations in order, each once; safe to run at every start and from several processes at once.
import { migrations as all, type Migration } from './migrations/index.ts';
import type { Sql } from './sql.ts';

// An arbitrary constant: the advisory lock that serialises concurrent migrators on one database.
const LOCK_ID = 724_101;

export async function migrate(sql: Sql, migrations: Migration[] = all): Promise<number[]> {
  await sql.transaction(async (tx) => {
    // Under the lock too: two first starts racing on CREATE TABLE IF NOT EXISTS can still collide in Postgres.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: number[] = [];
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    const done = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
