// Retrieval quality on a labelled fixture (210 memories, 43 paraphrased queries in Russian and English): the offline
// embedder with hybrid fusion must reach recall@5 ≥ 0.8. Prints recall@5 and MRR per engine, hybrid and vector-only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OfflineEmbedder } from '../../memory/embedders/offline.ts';
import type { MemoryKind } from '../../memory/record.ts';
import { DEFAULT_TUNING, hybridQuery } from '../../memory/retrieve.ts';
import { MemoryStore } from '../../memory/store.ts';
import { ensureVectorTable } from '../../memory/vectors.ts';
import { openTestDb, type SqlEngine, type TestDb } from '../helpers/memoryDb.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'memory');
const memories = readFileSync(join(dir, 'memories.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { id: string; kind: MemoryKind; text: string; importance: number });
const queries = JSON.parse(readFileSync(join(dir, 'queries.json'), 'utf8')) as { q: string; relevant: string[] }[];

interface Scores {
  recall5: number;
  mrr: number;
  misses: string[];
}

/** Recall@5: the share of queries with a relevant memory in the top 5; MRR: the mean of 1/rank of the first one. */
async function evaluate(search: (q: string) => Promise<string[]>): Promise<Scores> {
  let found = 0;
  let rr = 0;
  const misses: string[] = [];
  for (const { q, relevant } of queries) {
    const ids = await search(q);
    const rank = ids.findIndex((id) => relevant.includes(id)) + 1;
    if (rank >= 1 && rank <= 5) found++;
    else misses.push(`${q} → ${ids.slice(0, 5).join(',')}`);
    if (rank >= 1) rr += 1 / rank;
  }
  return { recall5: found / queries.length, mrr: rr / queries.length, misses };
}

const fmt = (s: Scores) => `recall@5 ${s.recall5.toFixed(3)}  MRR ${s.mrr.toFixed(3)}`;

for (const engine of ['pglite', 'postgres'] as SqlEngine[]) {
  describe(`retrieval quality: ${engine}`, () => {
    let db: TestDb;
    let store: MemoryStore;

    beforeAll(async () => {
      db = await openTestDb(engine, inject('services').postgres.url);
      const embedder = new OfflineEmbedder({ dimensions: 384 });
      store = new MemoryStore(db.sql, embedder, await ensureVectorTable(db.sql, 384));
      await store.add(memories.map((m) => ({ id: m.id, kind: m.kind, text: m.text, importance: m.importance })));
    });
    afterAll(() => db?.drop());

    it('has a fixture of ≥ 200 memories and ≥ 30 labelled queries in both languages', () => {
      expect(memories.length).toBeGreaterThanOrEqual(200);
      expect(queries.length).toBeGreaterThanOrEqual(30);
      expect(queries.filter((q) => /[а-я]/i.test(q.q)).length).toBeGreaterThanOrEqual(15);
      const ids = new Set(memories.map((m) => m.id));
      for (const q of queries) for (const id of q.relevant) expect(ids.has(id), id).toBe(true);
    });

    it('hybrid fusion reaches recall@5 ≥ 0.8 and an MRR no lower than vector-only', async () => {
      const search =
        (tuning = DEFAULT_TUNING) =>
        async (q: string) =>
          (await hybridQuery(store, null, q, { k: 10, touch: false }, tuning)).map((h) => h.memory.id);
      const hybrid = await evaluate(search());
      const onlyVector = await evaluate(async (q) =>
        (await store.nearest((await store.embedder.embed([q]))[0] as number[], 10)).map((h) => h.memory.id),
      );
      console.log(`[${engine}] hybrid      ${fmt(hybrid)}`);
      console.log(`[${engine}] vector only ${fmt(onlyVector)}`);
      if (hybrid.misses.length) console.log(`[${engine}] misses:\n  ${hybrid.misses.join('\n  ')}`);
      expect(hybrid.recall5).toBeGreaterThanOrEqual(0.8);
      expect(hybrid.mrr).toBeGreaterThanOrEqual(onlyVector.mrr);
    });
  });
}
