// The memory conformance suite: every engine pair (PGlite + SQL graph, Postgres + Neo4j) runs exactly these cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../daemon/storage/sql.ts';
import { OfflineEmbedder } from './embedders/offline.ts';
import { MemoryError } from './errors/memoryError.ts';
import { pendingCount, reembed } from './reembed.ts';
import { MemoryService } from './service.ts';
import { MemoryStore } from './store.ts';
import type { Embedder, GraphStore } from './types.ts';

export interface MemoryHarness {
  sql: Sql;
  graph: GraphStore;
  close(): Promise<void>;
}

/** The offline embedder under another model id: what a change of embedding model looks like to the store. */
class RenamedEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly inner: Embedder;
  calls = 0;
  constructor(inner: Embedder, model: string) {
    this.inner = inner;
    this.model = model;
    this.dimensions = inner.dimensions;
  }
  embed(texts: string[], signal?: AbortSignal) {
    this.calls++;
    return this.inner.embed(texts, signal);
  }
}

export function runMemoryConformance(name: string, open: () => Promise<MemoryHarness>) {
  describe(`memory conformance: ${name}`, () => {
    let h: MemoryHarness;
    let memory: MemoryService;
    const embedder = new OfflineEmbedder({ dimensions: 64 });
    const openService = (e: Embedder = embedder, cap = 1000, graphCap?: number) =>
      MemoryService.open({
        sql: h.sql,
        embedder: e,
        graph: h.graph,
        cap: () => cap,
        graphCap: graphCap === undefined ? undefined : () => graphCap,
        gcIntervalMs: 0,
        maxTextChars: 500,
      });

    beforeAll(async () => {
      h = await open();
      memory = await openService();
    });
    afterAll(async () => {
      await memory?.close();
      await h?.close();
    });

    it('stores, reads, edits, pins and deletes a memory; bad input fails with a code', async () => {
      const [r] = await memory.save([{ text: 'The gate code at the storage unit is 4512', kind: 'fact' }]);
      const m = await memory.get(r?.id as string);
      expect(m).toMatchObject({
        text: 'The gate code at the storage unit is 4512',
        kind: 'fact',
        model: embedder.model,
      });
      expect((await memory.save([{ text: '  the gate code at the storage unit is 4512 ' }]))[0]).toEqual({
        id: m.id,
        created: false,
      });
      const edited = await memory.patch(m.id, { text: 'The gate code at the storage unit is 9981', pinned: true });
      expect(edited).toMatchObject({ pinned: true, text: 'The gate code at the storage unit is 9981' });
      expect(edited.content_hash).not.toBe(m.content_hash);
      const hits = await memory.query('gate code 9981', { k: 3 });
      expect(hits[0]?.memory.id).toBe(m.id);
      expect(await memory.delete(m.id)).toBe(true);
      expect(await memory.delete(m.id)).toBe(false);
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: MemoryError) => e.code,
        );
      expect(await codeOf(memory.get(m.id))).toBe('memory_not_found');
      expect(await codeOf(memory.save([{ text: '   ' }]))).toBe('empty_text');
      expect(await codeOf(memory.save([{ text: 'x'.repeat(501) }]))).toBe('text_too_long');
      expect(await codeOf(memory.save([{ text: 'vector', embedding: [1, 0, 0] }]))).toBe('wrong_dimension');
    });

    it('dedup: the same statement twice is saved once', async () => {
      const a = await memory.evaluate('Remember that the spare car key is in the kitchen drawer.');
      const b = await memory.evaluate('remember that the spare car key is in the kitchen drawer');
      expect(a.saved).toHaveLength(1);
      expect(b).toMatchObject({ saved: [], merged: [], duplicates: a.saved });
    });

    it('update: a near-duplicate merges into the memory, raising importance and adding provenance', async () => {
      const a = await memory.evaluate('Remember that the Wi-Fi password at the cottage is on the fridge.', {
        message_id: 'm1',
      });
      const id = a.saved[0] as string;
      const before = await memory.get(id);
      const b = await memory.evaluate('Remember that the Wi-Fi password at the cottage is on the fridge door.', {
        message_id: 'm2',
      });
      expect(b.merged).toEqual([id]);
      expect(b.saved).toEqual([]);
      const after = await memory.get(id);
      expect(after.text).toContain('fridge door');
      expect(after.importance).toBeGreaterThan(before.importance);
      expect(after.provenance.map((p) => p.message_id)).toEqual(['m1', 'm2']);
    });

    it('supersede: a contradiction closes the old memory, which keeps its history, and links the new one to it', async () => {
      const a = await memory.evaluate('My phone number is +7 911 000 11 22.');
      const b = await memory.evaluate('My phone number is +7 921 333 44 55.');
      const [oldId, newId] = [a.saved[0] as string, b.superseded[0]?.new as string];
      expect(b.superseded).toEqual([{ old: oldId, new: newId }]);
      expect((await memory.get(oldId)).valid_to).not.toBeNull();
      expect((await memory.get(newId)).supersedes).toBe(oldId);
      const hits = await memory.query('what is my phone number', { k: 5 });
      expect(hits.map((x) => x.memory.id)).toContain(newId);
      expect(hits.map((x) => x.memory.id)).not.toContain(oldId);
      const c = await memory.evaluate('I like black coffee. Я люблю зелёный чай.');
      const d = await memory.evaluate("I don't like black coffee anymore.");
      expect(d.superseded).toEqual([{ old: c.saved[0], new: expect.any(String) }]);
    });

    it('forget: an explicit "forget …" deletes what it names, but never a pinned memory', async () => {
      const a = await memory.evaluate(
        'Remember that Biscuit the beagle needs his rabies shot. Запомни: Барсик любит тунец.',
      );
      const [pinned] = await memory.save([{ text: 'Biscuit the beagle was born in 2019', pinned: true }]);
      const f = await memory.evaluate('Forget about Biscuit the beagle.');
      expect(f.forgotten).toEqual([a.saved[0]]);
      expect(f.keptPinned).toEqual([pinned?.id]);
      const r = await memory.evaluate('Забудь про Барсика.');
      expect(r.forgotten).toEqual([a.saved[1]]);
      await expect(memory.get(a.saved[0] as string)).rejects.toThrow(MemoryError);
    });

    it('retrieve: hybrid hits carry provenance and score parts, filter by kind, and count as accessed', async () => {
      const [r] = await memory.save([
        {
          text: 'Invoice 118 from Romashka LLC for bookkeeping is due on the 10th',
          kind: 'fact',
          source: { path: '/docs/inv118.pdf', page: 2 },
        },
        { text: 'Pay invoice 118 to Romashka before Friday', kind: 'task' },
      ]);
      const hits = await memory.query('Romashka bookkeeping invoice', { k: 2 });
      expect(hits[0]?.memory.id).toBe(r?.id);
      expect(hits[0]?.provenance).toMatchObject({ memory_id: r?.id, source: { path: '/docs/inv118.pdf', page: 2 } });
      expect(hits[0]?.parts.vector?.rank).toBe(1);
      expect(hits[0]?.parts.text?.rank).toBeGreaterThanOrEqual(1);
      expect(hits[0]?.parts.final).toBeCloseTo(hits[0]?.score as number);
      expect((await memory.get(r?.id as string)).access_count).toBe(1);
      const tasks = await memory.query('Romashka invoice', { k: 5, kinds: ['task'] });
      expect(tasks.map((x) => x.memory.kind)).toEqual(['task']);
    });

    it('graph expansion: a query naming an entity finds memories of its neighbours', async () => {
      const a = await memory.evaluate('Sarah Collins works at Northwind Logistics.');
      const b = await memory.evaluate('Remember that Northwind Logistics ships from Felixstowe every Thursday.');
      expect(a.saved).toHaveLength(1);
      // A small store puts everything among the vector candidates: the graph shows in the parts and lifts the score.
      const without = await memory.query('Sarah Collins', { k: 50, graph: false });
      const withGraph = await memory.query('Sarah Collins', { k: 50 });
      const plain = without.find((x) => x.memory.id === b.saved[0]);
      const hit = withGraph.find((x) => x.memory.id === b.saved[0]);
      expect(plain?.parts.graph ?? null).toBeNull();
      expect(hit?.parts.graph?.rank).toBeGreaterThanOrEqual(1);
      expect(hit?.score).toBeGreaterThan(plain?.score ?? 0);
      const sub = await memory.subgraph({ entity: 'Sarah Collins' }, 2);
      expect(sub.nodes.map((n) => n.name)).toContain('Northwind Logistics');
    });

    it('gc: removes expired memories, then the least valuable beyond the cap, never pinned ones', async () => {
      await h.sql.query('DELETE FROM memories');
      const past = new Date(Date.now() - 60_000).toISOString();
      const saved = await memory.save([
        { text: 'expired note', expires_at: past },
        { text: 'expired but pinned', expires_at: past, pinned: true },
        ...Array.from({ length: 6 }, (_, i) => ({ text: `filler memory number ${i}`, importance: 0.1 + i * 0.1 })),
        { text: 'pinned and unimportant', importance: 0, pinned: true },
      ]);
      const small = await openService(embedder, 5);
      const report = await small.gc();
      await small.close().catch(() => {});
      expect(report).toMatchObject({ expired: 1, overCap: 3, remaining: 5 });
      const left = await h.sql.query<{ text: string }>('SELECT text FROM memories ORDER BY text');
      expect(left.map((r) => r.text)).toEqual([
        'expired but pinned',
        'filler memory number 3',
        'filler memory number 4',
        'filler memory number 5',
        'pinned and unimportant',
      ]);
      expect(saved).toHaveLength(9);
    });

    it('gc: the configured graph cap drops orphans, then the weakest relations, while the graph is over it', async () => {
      // Orphans left by earlier cases go first, so the count below is what the cap has to work on.
      const tidy = await openService(embedder, 1000, 1_000_000);
      await tidy.gc();
      await tidy.close();
      const e = (name: string) => ({ name, type: 'thing' });
      await memory.upsertGraph(
        [],
        [
          { from: e('Cap Alder'), to: e('Cap Birch'), type: 'near', weight: 0.01 },
          { from: e('Cap Cedar'), to: e('Cap Dogwood'), type: 'near', weight: 0.02 },
          { from: e('Cap Elm'), to: e('Cap Fir'), type: 'near', weight: 0.99 },
        ],
      );
      const nodes = async () => {
        const s = await h.graph.stats();
        return s.entities + s.memories + s.files;
      };
      const before = await nodes();
      // Three nodes over: the two weakest relations go (one could free only two), and four entities with them.
      const capped = await openService(embedder, 1000, before - 3);
      const report = await capped.gc();
      await capped.close();
      expect(report).toMatchObject({ graphEdges: 2, graphOrphans: 4 });
      expect(await nodes()).toBe(before - 4);
      const names = (await h.graph.exportAll()).relations.map((r) => r.from.name);
      expect(names).toContain('Cap Elm');
      expect(names).not.toContain('Cap Alder');
      expect(names).not.toContain('Cap Cedar');
    });

    it('re-embed: a new model re-embeds every memory, shows progress and resumes after a stop', async () => {
      const renamed = new RenamedEmbedder(embedder, `renamed-${Date.now()}`);
      const { store } = await openService(embedder);
      const total = await pendingCount(new MemoryStore(h.sql, renamed, store.table));
      expect(total).toBeGreaterThan(0);
      // A first run stopped after one batch of 2 (as a shutdown would) leaves progress that the next run resumes.
      const stop = new AbortController();
      const partial = await reembed(new MemoryStore(h.sql, renamed, store.table), {
        batch: 2,
        signal: stop.signal,
        onProgress: () => stop.abort(),
      });
      expect(partial).toMatchObject({ total, done: 2, pending: total - 2, running: true });
      const next = await openService(renamed);
      const done = await next.startReembed();
      expect(done).toMatchObject({ model: renamed.model, pending: 0, running: false });
      expect(done.done).toBe(total);
      expect(await pendingCount(next.store)).toBe(0);
      expect((await next.reembedStatus())?.finished_at).not.toBeNull();
      await next.close();
      // Back to the suite's model, which opening with it starts by itself.
      const back = await openService(embedder);
      expect((await back.startReembed()).done).toBe(total);
      await back.close();
    });

    it('export and import: a JSONL backup restores memories, history, vectors and graph into an empty store', async () => {
      const a = await memory.evaluate('My tax advisor is Mark Delaney.');
      await memory.evaluate('My tax advisor is Anna Pike.');
      await memory.evaluate('Priya Raman works at Monzo.');
      const lines: string[] = [];
      for await (const l of memory.exportLines()) lines.push(l);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ type: 'header', model: embedder.model, dimensions: 64 });
      const before = await h.sql.query('SELECT id, text, valid_to, supersedes FROM memories ORDER BY id');
      await h.sql.query('DELETE FROM memories');
      for (const m of before) await h.graph.removeMemory(m.id as string);
      const report = await memory.importLines(lines.join('\n'));
      expect(report).toMatchObject({ memories: before.length, skipped: 0, reembedded: 0 });
      expect(await h.sql.query('SELECT id, text, valid_to, supersedes FROM memories ORDER BY id')).toEqual(before);
      expect((await memory.query('tax advisor', { k: 1 }))[0]?.memory.text).toContain('Anna Pike');
      expect(await memory.get(a.saved[0] as string)).toMatchObject({ valid_to: expect.any(String) });
      expect((await memory.importLines(lines.join('\n'))).skipped).toBe(before.length);
      await expect(memory.importLines('{"type":"memory"}')).rejects.toMatchObject({ code: 'invalid_import' });
    });
  });
}
