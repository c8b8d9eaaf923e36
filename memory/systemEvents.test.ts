// The `memory` group on system.v1, on the embedded bus (PGlite): reflections and job results with a summary become
// memories with system provenance; events without one, or with a malformed payload, are ignored; chat.v1 still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../bus/bus.case.test.ts';
import { Bus } from '../bus/bus.ts';
import { createEvent } from '../bus/event.ts';
import { SqlTransport } from '../bus/sqlTransport.ts';
import { openTestDb, type TestDb } from '../tests/helpers/memoryDb.ts';
import { OfflineEmbedder } from './embedders/offline.ts';
import type { Memory } from './record.ts';
import { MemoryService } from './service.ts';
import { systemMemory } from './systemEvents.ts';

describe('systemMemory', () => {
  const event = (eventType: string, payload: unknown) => createEvent('system.v1', eventType, payload);

  it('maps a reflection to a summary, anything else with a text to an event, and the rest to nothing', () => {
    const r = event('reflection.completed', { summary: '  The user spent the week on the tax return.  ' });
    expect(systemMemory(r, 8000)).toEqual({
      kind: 'summary',
      text: 'The user spent the week on the tax return.',
      importance: 0.6,
      source: { origin: 'system', message_id: r.event_id },
    });
    expect(systemMemory(event('job.completed', { summary: 'Backup done', importance: 0.9 }), 8000)).toMatchObject({
      kind: 'event',
      text: 'Backup done',
      importance: 0.9,
    });
    expect(systemMemory(event('job.completed', { memory: 'Keep this', summary: 'Not this' }), 8000)?.text).toBe(
      'Keep this',
    );
    for (const payload of [{}, { summary: '   ' }, { summary: 42 }, { summary: 'x', importance: 2 }]) {
      expect(systemMemory(event('job.completed', payload), 8000)).toBeNull();
    }
  });

  it('clips a summary longer than a memory may be, at a word, instead of failing the event', () => {
    const long = `${'word '.repeat(40)}end`;
    const m = systemMemory(event('reflection.completed', { summary: long }), 50);
    expect(m?.text.length).toBeLessThanOrEqual(50);
    expect(m?.text).toMatch(/^word word .*word…$/);
  });
});

describe('memory consumer on system.v1 (embedded bus, pglite)', () => {
  let db: TestDb;
  let bus: Bus;
  let memory: MemoryService;

  const all = () =>
    db.sql.query<Pick<Memory, 'kind' | 'text' | 'importance' | 'source'>>(
      'SELECT kind, text, importance, source FROM memories ORDER BY created_at, id',
    );

  beforeAll(async () => {
    db = await openTestDb('pglite');
    // One handler at a time, so events are handled in publish order and "ignored" can be checked after a sentinel.
    bus = new Bus(
      { transport: new SqlTransport(db.sql), openReader: () => new SqlTransport(db.sql) },
      { prefix: `sys${Date.now().toString(36)}`, instanceId: 'memory-test', blockMs: 100, concurrency: 1 },
    );
    memory = await MemoryService.open({
      sql: db.sql,
      embedder: new OfflineEmbedder({ dimensions: 64 }),
      graph: null,
      cap: () => 1000,
      gcIntervalMs: 0,
    });
    await memory.subscribe(bus);
    // A retried subscription must not consume each topic twice.
    await memory.subscribe(bus);
  });
  afterAll(async () => {
    await memory?.close();
    await bus?.close();
    await db?.drop();
  });

  it('saves summaries of reflections and jobs once, with system provenance, and ignores the rest', async () => {
    const reflection = await bus.publish('system.v1', 'reflection.completed', {
      summary: 'This week the user mostly asked about the apartment renovation budget.',
    });
    await bus.publish('system.v1', 'job.completed', { job_id: 'rescan-files' });
    await bus.publish('system.v1', 'job.completed', { summary: { text: 'not a string' } });
    await bus.publish('system.v1', 'job.failed', { summary: '   ' });
    const job = await bus.publish('system.v1', 'job.completed', {
      job_id: 'bus-snapshot',
      summary: 'Nightly snapshot of the bus uploaded to the backup bucket.',
    });
    // The same summary again (a job re-run) adds nothing.
    await bus.publish('system.v1', 'job.completed', {
      summary: 'Nightly snapshot of the bus uploaded to the backup bucket.',
    });
    await bus.publish('system.v1', 'job.completed', { memory: 'Sentinel: the last system event.' });
    await waitUntil(async () => (await all()).some((m) => m.text.startsWith('Sentinel')), 'the sentinel', 15_000);

    expect(await all()).toEqual([
      {
        kind: 'summary',
        text: 'This week the user mostly asked about the apartment renovation budget.',
        importance: 0.6,
        source: { origin: 'system', message_id: reflection },
      },
      {
        kind: 'event',
        text: 'Nightly snapshot of the bus uploaded to the backup bucket.',
        importance: 0.4,
        source: { origin: 'system', message_id: job },
      },
      { kind: 'event', text: 'Sentinel: the last system event.', importance: 0.4, source: expect.anything() },
    ]);
    const hits = await memory.query('renovation budget', { k: 1, kinds: ['summary'] });
    expect(hits[0]?.memory.source).toMatchObject({ origin: 'system' });
  });

  it('still evaluates user messages of chat.v1 in the same group', async () => {
    await bus.publish('chat.v1', 'message.created', { role: 'assistant', text: 'Remember that I am a bot.' });
    await bus.publish('chat.v1', 'message.created', {
      role: 'user',
      text: 'Remember that the storage unit gate code is 4512.',
    });
    await waitUntil(async () => (await all()).some((m) => m.text.includes('4512')), 'the chat memory', 15_000);
    const chat = (await all()).filter((m) => m.source.origin === 'chat');
    expect(chat.map((m) => m.text)).toEqual(['the storage unit gate code is 4512']);
  });
});
