// The memory tools on the real MemoryService on both engine pairs (PGlite + SQL graph, Postgres + Neo4j): save, search
// with provenance and scores, forget by id or description (pinned and file passages kept), and the graph.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MemoryService } from '../../../memory/service.ts';
import type { ChatTool, ToolContext } from '../types.ts';
import { chatTools } from './index.ts';
import { openToolsFixture, type ToolsFixture } from './toolsFixture.ts';

const services = inject('services');
const tools = new Map(chatTools().map((t) => [t.name, t]));
const tool = (name: string) => tools.get(name as ChatTool['name']) as ChatTool;

// biome-ignore lint/suspicious/noExplicitAny: results are checked field by field
type Result = any;

describe.each(['pglite', 'postgres'] as const)('memory tools on %s', (engine) => {
  let fx: ToolsFixture;
  let ctx: ToolContext;
  const call = (name: string, args: unknown, c = ctx): Promise<Result> => tool(name).run(args, c);

  beforeAll(async () => {
    fx = await openToolsFixture(engine, services);
    ctx = fx.ctx('conv-mem');
  }, 90_000);
  afterAll(() => fx?.close());

  it('memory_save saves a statement with the conversation as its source, once', async () => {
    const saved = await call('memory_save', {
      text: 'The user prefers aisle seats on long flights.',
      kind: 'preference',
    });
    expect(saved).toEqual({
      id: expect.any(String),
      created: true,
      kind: 'preference',
      text: 'The user prefers aisle seats on long flights.',
    });
    const m = await fx.memory.get(saved.id);
    expect(m).toMatchObject({
      kind: 'preference',
      importance: 0.7,
      source: { origin: 'chat', conversation_id: 'conv-mem' },
    });
    const again = await call('memory_save', { text: 'the user prefers aisle seats on long flights. ' });
    expect(again).toMatchObject({ id: saved.id, created: false, note: expect.any(String) });
    await call('memory_save', { text: 'Сестру пользователя зовут Оля, она живёт в Казани.', importance: 0.9 });
    await call('memory_save', { text: 'Renew the car insurance before 1 April.', kind: 'task' });
  });

  it('memory_search finds memories by meaning and words, with source and scores, and leaves unrelated ones out', async () => {
    const result = await call('memory_search', { query: 'which seat does the user like on a plane' });
    expect(result.results[0]).toEqual({
      id: expect.any(String),
      kind: 'preference',
      text: 'The user prefers aisle seats on long flights.',
      score: expect.any(Number),
      importance: 0.7,
      pinned: false,
      created_at: expect.any(String),
      source: { origin: 'chat', conversation_id: 'conv-mem' },
      matched: expect.objectContaining({ vector_similarity: expect.any(Number) }),
    });
    const ru = await call('memory_search', { query: 'как зовут сестру' });
    expect(ru.results[0]?.text).toContain('Оля');
    const tasks = await call('memory_search', { query: 'insurance', kinds: ['task'] });
    expect(tasks.results.map((r: Result) => r.kind)).toEqual(['task']);
    expect(await call('memory_search', { query: 'insurance', kinds: ['event'] })).toEqual({
      query: 'insurance',
      results: [],
      note: 'nothing in memory matched',
    });
    expect((await call('memory_search', { query: 'qqzx wvvk' })).results).toEqual([]);
  });

  it('memory_forget by query deletes the best match and names other close ones', async () => {
    const result = await call('memory_forget', { query: 'car insurance' });
    expect(result.deleted).toEqual([
      { id: expect.any(String), kind: 'task', text: 'Renew the car insurance before 1 April.' },
    ]);
    await expect(fx.memory.get(result.deleted[0].id)).rejects.toMatchObject({ code: 'memory_not_found' });
    expect(await call('memory_forget', { query: 'car insurance' })).toMatchObject({ deleted: [] });
  });

  it('memory_forget by id deletes that memory; a missing id, a pinned memory and a file passage are kept', async () => {
    const [temp] = await fx.memory.save([{ text: 'The user’s locker code is 4417.', kind: 'fact' }]);
    expect(await call('memory_forget', { id: temp?.id })).toEqual({
      deleted: [{ id: temp?.id, kind: 'fact', text: 'The user’s locker code is 4417.' }],
    });
    expect(await call('memory_forget', { id: temp?.id })).toMatchObject({ error: { code: 'memory_not_found' } });

    const [pinned] = await fx.memory.save([{ text: 'The user’s blood type is A+.', pinned: true }]);
    expect(await call('memory_forget', { id: pinned?.id })).toMatchObject({ error: { code: 'pinned' } });
    expect(await call('memory_forget', { query: 'blood type' })).toMatchObject({ error: { code: 'pinned' } });
    expect((await fx.memory.get(pinned?.id as string)).text).toContain('A+');

    const [chunk] = await fx.memory.save([
      { text: 'The deposit is 800 EUR.', kind: 'document_chunk', source: { origin: 'file', path: '/x/lease.txt' } },
    ]);
    expect(await call('memory_forget', { id: chunk?.id })).toMatchObject({
      error: { code: 'file_passage', message: expect.stringContaining('/x/lease.txt') },
    });
    // A description never matches file passages.
    expect(await call('memory_forget', { query: 'deposit 800 EUR' })).toMatchObject({ deleted: [] });
  });

  it('graph_query gives the entities around a name, how they relate, and the memories that mention them', async () => {
    const sarah = { name: 'Sarah Collins', type: 'person' };
    const northwind = { name: 'Northwind', type: 'organization' };
    await fx.memory.upsertGraph([sarah, northwind], [{ from: sarah, to: northwind, type: 'works_at', weight: 0.9 }]);
    const [m] = await fx.memory.save([{ text: 'Sarah Collins leads the data team at Northwind.' }]);
    await fx.memory.graph?.linkMemory(m?.id as string, [sarah, northwind]);

    const result = await call('graph_query', { entity: 'sarah collins' });
    expect(result).toMatchObject({ entity: 'sarah collins', found: true, files: [] });
    expect(result.entities).toEqual(expect.arrayContaining([sarah, northwind]));
    expect(result.relations).toEqual([{ from: 'Sarah Collins', type: 'works_at', to: 'Northwind', weight: 0.9 }]);
    expect(result.memories).toEqual([
      { id: m?.id, kind: 'fact', text: 'Sarah Collins leads the data team at Northwind.' },
    ]);
    expect(await call('graph_query', { entity: 'Nobody Known', depth: 2 })).toMatchObject({ found: false });

    const noGraph = Object.create(fx.memory, { graph: { value: null } }) as MemoryService;
    expect(await call('graph_query', { entity: 'Sarah' }, { ...ctx, memory: noGraph })).toMatchObject({
      error: { code: 'graph_unavailable' },
    });
  });
});
