// A file's chunks replaced on PGlite with a remote (cached) embedder: PGlite has one connection, so embedding inside
// the replacing transaction — the cache lookup waiting for the transaction that waits for it — never finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { type FakeModelServer, start } from '../tests/fake-model/server.ts';
import { documentChunkIds, replaceDocument } from './documents.ts';
import { CachedEmbedder } from './embedders/cachedEmbedder.ts';
import { OpenAiEmbedder } from './embedders/openaiEmbedder.ts';
import { MemoryStore } from './store.ts';
import { ensureVectorTable } from './vectors.ts';

describe('replaceDocument on PGlite with a cached remote embedder', () => {
  let sql: Sql;
  let server: FakeModelServer;
  let store: MemoryStore;

  beforeAll(async () => {
    sql = await openPgliteSql(null);
    await migrate(sql);
    server = await start();
    const embedder = new CachedEmbedder(
      new OpenAiEmbedder({ provider: 'openai-compatible', baseUrl: server.url, model: 'emb', dimensions: 64 }),
      sql,
    );
    store = new MemoryStore(sql, embedder, await ensureVectorTable(sql, 64));
  });
  afterAll(async () => {
    await sql?.close();
    await server?.stop();
  });

  it('indexes, then re-indexes, a file without waiting on itself', async () => {
    const path = '/home/u/Downloads/lease.txt';
    const chunk = (text: string) => ({ text, page: null });
    const first = await replaceDocument(store, null, path, [
      chunk('The lease ends in March.'),
      chunk('Rent is due monthly.'),
    ]);
    expect(first).toHaveLength(2);
    // Again, with one chunk the cache already holds: the lookup runs while nothing else holds the connection.
    const second = await replaceDocument(store, null, path, [chunk('The lease ends in March.')]);
    expect(await documentChunkIds(store, path)).toEqual(second.map((m) => m.id));
    expect(server.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(1);
  }, 20_000);
});
