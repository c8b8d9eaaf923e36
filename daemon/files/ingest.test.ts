// Ingestion on both engine pairs: indexed, unchanged, changed, moved, dropped, failed — and file search over it.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { documentChunkIds } from '../../memory/documents.ts';
import { type MemoryFixture, openMemoryService } from '../../tests/helpers/memoryService.ts';
import { FileIndex } from './fileIndex.ts';
import { type ChunkOut, Ingestor, titleOf } from './ingest.ts';
import { searchFiles } from './search.ts';

const services = inject('services');

/** Paragraphs as chunks, pages split by form feeds: enough to test ingestion without the real extractors. */
const chunk = (pages: { page: number | null; text: string }[]): ChunkOut[] =>
  pages.flatMap((p) => p.text.split(/\n\n+/).map((text) => ({ text, page: p.page })));

describe.each(['pglite', 'postgres'] as const)('ingestion on %s', (engine) => {
  let fx: MemoryFixture;
  let ingestor: Ingestor;
  let index: FileIndex;
  let dir: string;
  let extractCalls = 0;

  beforeAll(async () => {
    fx = await openMemoryService(engine, services);
    index = new FileIndex(fx.memory.store.sql);
    dir = mkdtempSync(join(tmpdir(), 'titan-ingest-'));
    mkdirSync(join(dir, 'Desktop'));
    mkdirSync(join(dir, 'Downloads'));
    ingestor = new Ingestor({
      index,
      memory: fx.memory,
      read: async (path) => {
        const st = await stat(path);
        return { data: await readFile(path), size: st.size, mtimeMs: st.mtimeMs };
      },
      extract: async (data, name) => {
        extractCalls++;
        if (name.startsWith('broken')) throw new Error('the file is damaged: it cannot be read');
        const pages = data.toString('utf8').split('\f');
        return { kind: 'text', pages: pages.map((text, i) => ({ page: pages.length > 1 ? i + 1 : null, text })) };
      },
      chunk,
      exists: async (path) =>
        stat(path).then(
          () => true,
          () => false,
        ),
    });
  }, 60_000);
  afterAll(() => fx?.close());

  it('indexes a file into chunks with their path and page, linked to the file in the graph', async () => {
    const path = join(dir, 'Desktop', 'lease_agreement.txt');
    writeFileSync(
      path,
      'The tenant pays rent monthly.\n\nThe landlord repairs the roof.\fPage two: the deposit is 800 EUR.',
    );
    expect(await ingestor.ingest(path)).toEqual({ path, outcome: 'indexed', chunks: 3 });
    const row = await index.get(path);
    expect(row).toMatchObject({ status: 'indexed', chunks: 3, pages: 2, kind: 'text' });
    const ids = await documentChunkIds(fx.memory.store, path);
    const chunks = await fx.memory.store.getMany(ids);
    const deposit = [...chunks.values()].find((m) => m.text.includes('deposit'));
    expect(deposit?.source).toEqual({ origin: 'file', path, page: 2 });
    expect(deposit?.text).toBe(`${titleOf(path)}\n\nPage two: the deposit is 800 EUR.`);
    expect(await fx.memory.graph?.stats()).toMatchObject({ files: 1 });
    const hits = await searchFiles(fx.memory, 'how much is the deposit', 5);
    expect(hits[0]).toMatchObject({ path, page: 2, snippet: 'Page two: the deposit is 800 EUR.' });
  });

  it('skips an unchanged file without extracting it again, and replaces the chunks of a changed one', async () => {
    const path = join(dir, 'Desktop', 'notes.md');
    writeFileSync(path, 'Buy oat milk on Friday.');
    await ingestor.ingest(path);
    const before = await documentChunkIds(fx.memory.store, path);
    const calls = extractCalls;
    expect((await ingestor.ingest(path)).outcome).toBe('unchanged');
    expect(extractCalls).toBe(calls);
    writeFileSync(path, 'Call the plumber about the kitchen sink.');
    expect((await ingestor.ingest(path)).outcome).toBe('indexed');
    const after = await documentChunkIds(fx.memory.store, path);
    expect(after).toHaveLength(1);
    expect(after).not.toContain(before[0]);
    expect((await searchFiles(fx.memory, 'plumber kitchen sink', 3))[0]?.path).toBe(path);
    const milk = await searchFiles(fx.memory, 'oat milk Friday', 5);
    expect(milk.map((h) => h.snippet).join(' ')).not.toContain('oat milk');
  });

  it('re-points a moved file without embedding it again', async () => {
    const from = join(dir, 'Desktop', 'itinerary.txt');
    const to = join(dir, 'Downloads', 'trip-itinerary.txt');
    writeFileSync(from, 'Flight to Lisbon on May 3rd, hotel near Alfama.');
    await ingestor.ingest(from);
    const ids = await documentChunkIds(fx.memory.store, from);
    renameSync(from, to);
    const calls = extractCalls;
    expect(await ingestor.ingest(to)).toEqual({ path: to, outcome: 'moved', chunks: 1 });
    expect(extractCalls).toBe(calls);
    expect(await documentChunkIds(fx.memory.store, to)).toEqual(ids);
    expect(await index.get(from)).toBeNull();
    expect((await index.get(to))?.status).toBe('indexed');
    expect((await searchFiles(fx.memory, 'Lisbon flight hotel', 3))[0]?.path).toBe(to);
  });

  it('drops a deleted file, or every file under a deleted folder', async () => {
    mkdirSync(join(dir, 'Desktop', 'old'));
    const a = join(dir, 'Desktop', 'old', 'a.txt');
    const b = join(dir, 'Desktop', 'old', 'b.txt');
    const sibling = join(dir, 'Desktop', 'old-but-kept.txt');
    writeFileSync(a, 'Quarterly invoice for consulting.');
    writeFileSync(b, 'Receipt for the bicycle repair.');
    writeFileSync(sibling, 'Bicycle insurance policy.');
    for (const p of [a, b, sibling]) await ingestor.ingest(p);
    rmSync(join(dir, 'Desktop', 'old'), { recursive: true });
    expect(await ingestor.drop(join(dir, 'Desktop', 'old'))).toBe(2);
    expect(await index.get(a)).toBeNull();
    expect(await index.get(sibling)).not.toBeNull();
    const hits = await searchFiles(fx.memory, 'bicycle', 5);
    // Only the file about bicycles: unrelated files fall under the relevance floor, deleted ones are gone.
    expect(hits.map((h) => h.path)).toEqual([sibling]);
  });

  it('records failures, files without text and unsupported types without throwing', async () => {
    const broken = join(dir, 'Downloads', 'broken.txt');
    const empty = join(dir, 'Downloads', 'empty.txt');
    const image = join(dir, 'Downloads', 'photo.jpg');
    writeFileSync(broken, 'x');
    writeFileSync(empty, '   ');
    writeFileSync(image, 'jpeg');
    expect(await ingestor.ingest(broken)).toMatchObject({
      outcome: 'failed',
      error: 'the file is damaged: it cannot be read',
    });
    expect(await index.get(broken)).toMatchObject({
      status: 'failed',
      error: 'the file is damaged: it cannot be read',
    });
    expect(await ingestor.ingest(empty)).toMatchObject({ outcome: 'no_text', chunks: 0 });
    expect(await ingestor.ingest(image)).toMatchObject({ outcome: 'unsupported' });
    expect(await index.get(image)).toBeNull();
    expect(await ingestor.ingest(join(dir, 'Downloads', 'missing.txt'))).toMatchObject({ outcome: 'failed' });
  });

  it('shares one run between callers asking for the same file at once', async () => {
    const path = join(dir, 'Desktop', 'recipe.txt');
    writeFileSync(path, 'Borscht: beets, cabbage, potatoes, dill.');
    const calls = extractCalls;
    const [r1, r2] = await Promise.all([ingestor.ingest(path), ingestor.ingest(path)]);
    expect(r1).toEqual(r2);
    expect(extractCalls).toBe(calls + 1);
  });
});
