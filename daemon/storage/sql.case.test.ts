// The Sql conformance suite: every engine (PGlite, Postgres) runs exactly these cases through `runSqlConformance`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import type { Sql } from './sql.ts';

const vec = (xs: number[]) => `[${xs.join(',')}]`;

export function runSqlConformance(name: string, open: () => Promise<Sql>) {
  describe(`Sql conformance: ${name}`, () => {
    let sql: Sql;
    // Each run uses its own tables, so runs against a shared server never see each other.
    const t = `conf_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;

    beforeAll(async () => {
      sql = await open();
      await migrate(sql);
    });
    afterAll(async () => {
      await sql.exec(
        `DROP TABLE IF EXISTS ${t}_items; DROP TABLE IF EXISTS ${t}_docs; DROP TABLE IF EXISTS ${t}_vecs;`,
      );
      await sql.close();
    });

    it('runs migrations idempotently and records them', async () => {
      expect(await migrate(sql)).toEqual([]);
      const rows = await sql.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      expect(rows[0]).toEqual({ version: 1, name: 'core' });
    });

    it('applies a new migration once, and rolls back one that fails', async () => {
      const ok = {
        version: 9000 + Math.floor(Math.random() * 1000),
        name: 'test',
        sql: `CREATE TABLE ${t}_items (id int PRIMARY KEY, tags text[], data jsonb, at timestamptz, n bigint)`,
      };
      expect(await migrate(sql, [ok])).toEqual([ok.version]);
      expect(await migrate(sql, [ok])).toEqual([]);
      const bad = {
        version: ok.version + 1,
        name: 'bad',
        sql: `CREATE TABLE ${t}_never (id int); SELECT no_such_function();`,
      };
      await expect(migrate(sql, [bad])).rejects.toThrow(/no_such_function/);
      const tables = await sql.query('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [`${t}_never`]);
      expect(tables).toHaveLength(0);
      await sql.query('DELETE FROM schema_migrations WHERE version = $1', [ok.version]);
    });

    it('passes parameters and returns the same JS types on every engine', async () => {
      const at = new Date('2026-01-02T03:04:05.678Z');
      await sql.query(`INSERT INTO ${t}_items (id, tags, data, at, n) VALUES ($1, $2, $3, $4, $5)`, [
        1,
        ['a', 'б'],
        JSON.stringify({ k: 'значение', n: 2 }),
        at.toISOString(),
        9_007_199_254_740_991,
      ]);
      const [row] = await sql.query(`SELECT id, tags, data, at, n, count(*) OVER () AS total FROM ${t}_items`);
      expect(row).toEqual({
        id: 1,
        tags: ['a', 'б'],
        data: { k: 'значение', n: 2 },
        at,
        n: 9_007_199_254_740_991,
        total: 1,
      });
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${t}_items (id) VALUES (2)`);
      });
      await expect(
        sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${t}_items (id) VALUES (3)`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const ids = await sql.query<{ id: number }>(`SELECT id FROM ${t}_items ORDER BY id`);
      expect(ids.map((r) => r.id)).toEqual([1, 2]);
    });

    it('reports a failing statement with the server message', async () => {
      await expect(sql.query(`INSERT INTO ${t}_items (id) VALUES (1)`)).rejects.toThrow(/duplicate key/);
      await expect(sql.query('SELECT * FROM no_such_table_xyz')).rejects.toThrow(/no_such_table_xyz/);
    });

    it('stores halfvec(3072) with an HNSW cosine index and answers kNN in distance order', async () => {
      await sql.exec(`CREATE TABLE ${t}_vecs (id int PRIMARY KEY, e halfvec(3072));
        CREATE INDEX ON ${t}_vecs USING hnsw (e halfvec_cosine_ops);`);
      const base = (i: number) => Array.from({ length: 3072 }, (_, j) => Math.sin((j + 1) * (i + 1) * 0.01));
      for (let i = 0; i < 20; i++) await sql.query(`INSERT INTO ${t}_vecs VALUES ($1, $2::halfvec)`, [i, vec(base(i))]);
      const rows = await sql.query<{ id: number; d: number }>(
        `SELECT id, e <=> $1::halfvec AS d FROM ${t}_vecs ORDER BY e <=> $1::halfvec LIMIT 3`,
        [vec(base(7))],
      );
      expect(rows[0]?.id).toBe(7);
      expect(rows[0]?.d).toBeLessThan(0.001);
      expect(rows.map((r) => r.d)).toEqual([...rows.map((r) => r.d)].sort((a, b) => a - b));
      await expect(sql.query(`INSERT INTO ${t}_vecs VALUES (99, $1::halfvec)`, [vec([1, 2, 3])])).rejects.toThrow(
        /dimensions/,
      );
    });

    it('searches Russian and English text with the simple configuration and a GIN index', async () => {
      await sql.exec(`CREATE TABLE ${t}_docs (id int PRIMARY KEY, body text,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED);
        CREATE INDEX ON ${t}_docs USING gin (tsv);`);
      await sql.query(
        `INSERT INTO ${t}_docs (id, body) VALUES (1, 'Договор аренды квартиры'), (2, 'Lease agreement for the flat'), (3, 'Invoice 42')`,
      );
      const ru = await sql.query<{ id: number }>(
        `SELECT id FROM ${t}_docs WHERE tsv @@ plainto_tsquery('simple', $1)`,
        ['договор'],
      );
      const en = await sql.query<{ id: number }>(
        `SELECT id FROM ${t}_docs WHERE tsv @@ plainto_tsquery('simple', $1)`,
        ['lease'],
      );
      expect(ru.map((r) => r.id)).toEqual([1]);
      expect(en.map((r) => r.id)).toEqual([2]);
    });

    it('runs a script of several statements with exec', async () => {
      await sql.exec(`INSERT INTO ${t}_items (id) VALUES (10); INSERT INTO ${t}_items (id) VALUES (11);`);
      const [row] = await sql.query<{ c: number }>(`SELECT count(*)::int AS c FROM ${t}_items WHERE id >= 10`);
      expect(row?.c).toBe(2);
    });
  });
}
