// The embedding cache on both Sql engines (PGlite and the real Postgres): hits make no request, order is kept,
// concurrent identical requests are embedded once, failures are not cached.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../daemon/storage/migrate.ts';
import { openPgliteSql } from '../../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../../daemon/storage/postgresSql.ts';
import type { Sql } from '../../daemon/storage/sql.ts';
import { type FakeModelServer, start } from '../../tests/fake-model/server.ts';
import { EmbedderAbortedError } from '../errors/embedderAbortedError.ts';
import { EmbedderAuthError } from '../errors/embedderAuthError.ts';
import { CachedEmbedder } from './cachedEmbedder.ts';
import { OpenAiEmbedder } from './openaiEmbedder.ts';

function runCachedEmbedderCases(name: string, open: () => Promise<Sql>) {
  describe(`CachedEmbedder: ${name}`, () => {
    let sql: Sql;
    let server: FakeModelServer;
    // Each run has its own model id, so runs against the shared Postgres never see each other's rows.
    const model = `text-embedding-3-test-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;

    beforeAll(async () => {
      sql = await open();
      await migrate(sql);
      server = await start();
    });
    afterAll(async () => {
      await sql.query('DELETE FROM embedding_cache WHERE model = $1', [model]);
      await sql.close();
      await server.stop();
    });
    afterEach(() => {
      server.requests.length = 0;
    });

    const cached = (dimensions = 32) =>
      new CachedEmbedder(
        new OpenAiEmbedder({ provider: 'openai-compatible', baseUrl: server.url, model, dimensions, maxAttempts: 1 }),
        sql,
      );
    const inputs = () => server.requests.map((r) => (r.body as { input: string[] }).input);

    it('embeds misses once; the second call for the same texts makes no request and returns the same vectors', async () => {
      const e = cached();
      const first = await e.embed(['договор аренды', 'lease agreement']);
      expect(inputs()).toEqual([['договор аренды', 'lease agreement']]);
      const second = await e.embed(['договор аренды', 'lease agreement']);
      expect(server.requests).toHaveLength(1);
      expect(second).toEqual(first);
      expect(first[0]).toHaveLength(32);
      // Another instance (as after a restart) reads the same rows.
      expect(await cached().embed(['lease agreement'])).toEqual([first[1]]);
      expect(server.requests).toHaveLength(1);
    });

    it('keeps the order of mixed hits and misses and embeds only the misses, duplicates once', async () => {
      const e = cached();
      const [a, b] = await e.embed(['alpha', 'beta']);
      server.requests.length = 0;
      const out = await e.embed(['gamma', 'alpha', 'delta', 'beta', 'gamma']);
      expect(inputs()).toEqual([['gamma', 'delta']]);
      const [g, a2, d, b2, g2] = out;
      expect([a2, b2]).toEqual([a, b]);
      expect(g2).toEqual(g);
      expect(g).not.toEqual(d);
      // Each vector is the one for its own text, whatever the order it was asked in.
      expect(await cached().embed(['delta', 'gamma'])).toEqual([d, g]);
    });

    it('keeps vectors of different dimensions apart', async () => {
      await cached(32).embed(['dims']);
      const [v16] = await cached(16).embed(['dims']);
      expect(v16).toHaveLength(16);
      expect(server.requests).toHaveLength(2);
    });

    it('coalesces concurrent identical requests into one embedding call', async () => {
      const e = cached();
      server.script({ delay: { ms: 200 } });
      const results = await Promise.all([
        e.embed(['p', 'q']),
        e.embed(['p', 'q']),
        e.embed(['q', 'r']),
        e.embed(['q']),
      ]);
      const all = inputs().flat();
      expect([...all].sort()).toEqual(['p', 'q', 'r']);
      expect(results[1]).toEqual(results[0]);
      expect(results[2]?.[0]).toEqual(results[0]?.[1]);
      expect(results[3]?.[0]).toEqual(results[0]?.[1]);
    });

    it('passes a failure to every waiter and caches nothing, so the next call retries', async () => {
      const e = cached();
      server.script({ delay: { ms: 100 } }, { fail: { status: 401 } });
      const both = await Promise.allSettled([e.embed(['refused']), e.embed(['refused'])]);
      for (const r of both) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(EmbedderAuthError);
      }
      expect(server.requests).toHaveLength(1);
      const [v] = await e.embed(['refused']);
      expect(v).toHaveLength(32);
      expect(server.requests).toHaveLength(2);
    });

    it("does not pass one caller's abort to another caller waiting on the same text", async () => {
      const e = cached();
      server.script({ delay: { ms: 400 } });
      const ac = new AbortController();
      const owner = e.embed(['shared text'], ac.signal);
      const waiter = e.embed(['shared text']);
      setTimeout(() => ac.abort(), 50);
      await expect(owner).rejects.toBeInstanceOf(EmbedderAbortedError);
      const [v] = await waiter;
      expect(v).toHaveLength(32);
      expect(inputs()).toEqual([['shared text'], ['shared text']]);
    });
  });
}

runCachedEmbedderCases('pglite', () => openPgliteSql(null));
runCachedEmbedderCases('postgres', async () => openPostgresSql(inject('services').postgres.url));
