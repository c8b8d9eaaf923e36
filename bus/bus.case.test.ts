// The bus conformance suite: the whole processor path — priorities, rate limits, retries, DLQ, replay, reclaim —
// run by every transport (Redis Streams, embedded Sql) through `runBusConformance`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type BusDeps } from './bus.ts';
import { type BusEvent, createEvent, type Topic } from './event.ts';
import { keysFor } from './keys.ts';
import type { BusOptions } from './options.ts';
import type { Transport } from './transport.ts';

export interface OpenedBusTransport {
  transport: Transport;
  openReader: () => Transport;
  /** Removes every key under the prefix and closes what open() created. */
  cleanup(prefix: string): Promise<void>;
}

export async function waitUntil(pred: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const FAST: Partial<BusOptions> = {
  blockMs: 200,
  retryBaseMs: 20,
  retryMaxMs: 200,
  claimIdleMs: 60_000,
  watchdogGraceMs: 2000,
};

export function runBusConformance(name: string, open: () => Promise<OpenedBusTransport>) {
  describe(`bus conformance: ${name}`, () => {
    let opened: OpenedBusTransport;
    const buses: Bus[] = [];
    let prefix = '';

    const newBus = (opts: Partial<BusOptions> = {}, deps: Partial<BusDeps> = {}) => {
      const bus = new Bus(
        { transport: opened.transport, openReader: opened.openReader, ...deps },
        { prefix, instanceId: 'test-a', ...FAST, ...opts },
      );
      buses.push(bus);
      return bus;
    };
    const stopAll = async () => {
      // The shared transport outlives each bus: stop subscriptions only.
      for (const b of buses.splice(0)) await b.closeSubscriptions();
    };

    beforeAll(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await stopAll();
      await opened.cleanup(prefix);
    });
    afterAll(async () => {
      await opened.transport.close();
    });
    // Each test gets its own key prefix: its own streams, groups and DLQ.
    const fresh = () => {
      prefix = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    };

    it('T1: delivers a published chat.v1 event with its payload and trace id', async () => {
      fresh();
      const bus = newBus();
      const got: BusEvent[] = [];
      await bus.subscribe('chat.v1', 'core', (e) => {
        got.push(e);
      });
      const traceId = 'ab'.repeat(16);
      const id = await bus.publish('chat.v1', 'message.created', { text: 'привет' }, { priority: 'high', traceId });
      await waitUntil(() => got.length === 1, 'the event');
      expect(got[0]).toMatchObject({
        event_id: id,
        topic: 'chat.v1',
        payload: { text: 'привет' },
        meta: { trace_id: traceId, retries: 0, priority: 'high' },
      });
    });

    it('T2: handles high before medium before low within one batch', async () => {
      fresh();
      const bus = newBus({ concurrency: 1 });
      for (const p of ['low', 'medium', 'high'] as const) {
        for (let i = 0; i < 5; i++) await bus.publish('fs.v1', 'file.created', { i, p }, { priority: p });
      }
      const order: string[] = [];
      await bus.subscribe(
        'fs.v1',
        'core',
        (e) => {
          order.push(e.meta.priority);
        },
        { start: 'all' },
      );
      await waitUntil(() => order.length === 15, '15 events');
      expect(order).toEqual([...Array(5).fill('high'), ...Array(5).fill('medium'), ...Array(5).fill('low')]);
    });

    it('T2: under a sustained low-priority flood, high events are handled long before the flood drains', async () => {
      fresh();
      const bus = newBus({
        streams: { 'system.v1': { maxlen: 100_000, rate_limit: 400, retry_limit: 5 } },
        batchSize: 50,
        concurrency: 4,
      });
      // The flood is a backlog of 1,500 low events that takes seconds to drain at 400/s.
      const FLOOD = 1500;
      for (let i = 0; i < FLOOD; i++) await bus.publish('system.v1', 'job.tick', { i }, { priority: 'low' });
      let lowDone = 0;
      // For each high event: how many low events were handled between its publish and its handling.
      const lowAtPublish: number[] = [];
      const overtakenBy: number[] = [];
      await bus.subscribe(
        'system.v1',
        'core',
        (e) => {
          if (e.meta.priority === 'low') lowDone++;
          else overtakenBy.push(lowDone - (lowAtPublish[e.payload.i as number] ?? 0));
        },
        { start: 'all' },
      );
      // This wait is timer-paced, so it also proves the processor yields to the event loop while it works through
      // a backlog (PGlite answers through promises alone; a loop that never yields would starve timers and HTTP).
      await waitUntil(() => lowDone >= 100, 'the flood to be under way');
      for (let i = 0; i < 20; i++) {
        lowAtPublish[i] = lowDone;
        await bus.publish('system.v1', 'job.urgent', { i }, { priority: 'high' });
      }
      await waitUntil(() => overtakenBy.length === 20, 'the 20 high events');
      // A FIFO would make each wait for the ~1,400 low events ahead of it; weighted reads let it pass within a few
      // batches. The first high event is published with a backlog of over 1,000 low ones, so this cannot pass vacuously.
      expect(FLOOD - (lowAtPublish[0] ?? FLOOD)).toBeGreaterThan(1000);
      expect(Math.max(...overtakenBy)).toBeLessThan(FLOOD / 5);
      await waitUntil(() => lowDone === FLOOD, 'the whole flood', 30_000);
    });

    it('T3b: a handler whose service is down (isOutage) is retried past retry_limit and never dead-lettered', async () => {
      fresh();
      const bus = newBus({
        streams: { 'chat.v1': { maxlen: 1000, rate_limit: 1000, retry_limit: 1 } },
        retryMaxMs: 20,
        isOutage: (err) => (err as Error).message === 'database down',
      });
      const attempts: number[] = [];
      await bus.subscribe('chat.v1', 'memory', (e) => {
        attempts.push(e.meta.retries);
        // Down for 5 tries — more than retry_limit allows for a failing event — then back.
        if (attempts.length <= 5) throw new Error('database down');
      });
      await bus.publish('chat.v1', 'message.created', { n: 1 });
      await waitUntil(() => attempts.length === 6, 'the delivery after the outage');
      // The outage spent none of the event's retries, and nothing reached the dead-letter stream.
      expect(attempts).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await bus.dlqLength()).toBe(0);
    });

    it('T3: a handler that throws 6 times sends the event to errors.dlq with its error; requeue delivers it again', async () => {
      fresh();
      const bus = newBus({ streams: { 'chat.v1': { maxlen: 1000, rate_limit: 1000, retry_limit: 5 } } });
      const attempts: number[] = [];
      let fail = true;
      const letters: string[] = [];
      bus.onDeadLetter((l) => letters.push(l.reason));
      await bus.subscribe('chat.v1', 'memory', (e) => {
        attempts.push(e.meta.retries);
        if (fail) throw new Error(`refused on try ${e.meta.retries}`);
      });
      const id = await bus.publish('chat.v1', 'message.created', { n: 1 });
      await waitUntil(async () => (await bus.dlqLength()) === 1, 'the dead letter');
      expect(attempts).toEqual([0, 1, 2, 3, 4, 5]);
      expect(letters).toEqual(['handler_failed']);
      const { entries } = await bus.deadLetters(null, 10);
      expect(entries).toHaveLength(1);
      expect(entries[0]?.letter).toMatchObject({
        reason: 'handler_failed',
        group: 'memory',
        original_topic: 'chat.v1',
        original_event_id: id,
        retries: 5,
        error: { message: 'refused on try 5' },
      });
      expect(entries[0]?.letter.error.stack).toContain('refused on try 5');
      fail = false;
      await bus.requeueDeadLetter(entries[0]?.id as string);
      await waitUntil(() => attempts.length === 7, 'the requeued delivery');
      expect(attempts[6]).toBe(0);
      expect(await bus.dlqLength()).toBe(0);
      await expect(bus.requeueDeadLetter(entries[0]?.id as string)).rejects.toThrow(/no dead letter/);
    });

    it('T4: 1,000 events published while the consumer is stopped are each handled once when it returns; replay has them all', async () => {
      fresh();
      const seen = new Map<string, number>();
      const count = (e: BusEvent) => seen.set(e.event_id, (seen.get(e.event_id) ?? 0) + 1);
      const first = newBus();
      await first.subscribe('chat.v1', 'core', count);
      const from = Date.now() - 1000;
      await first.closeSubscriptions();
      const ids: string[] = [];
      for (let i = 0; i < 1000; i++) ids.push(await first.publish('chat.v1', 'message.created', { i }));
      expect(seen.size).toBe(0);
      const second = newBus();
      await second.subscribe('chat.v1', 'core', count);
      await waitUntil(() => seen.size === 1000, 'all 1,000 events');
      await new Promise((r) => setTimeout(r, 300));
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      const replayed: string[] = [];
      for await (const e of second.replay(from, 'chat.v1')) replayed.push(e.event_id);
      expect(replayed).toEqual(ids);
    });

    it('T5: a stream over maxlen is trimmed, new ids still written, and trimmed-but-pending entries do not wedge the group', async () => {
      fresh();
      const keys = keysFor(prefix);
      const stream = keys.priority('chat.v1', 'medium');
      const bus = newBus({ streams: { 'chat.v1': { maxlen: 100, rate_limit: 100_000, retry_limit: 5 } } });
      const handled: number[] = [];
      await bus.subscribe('chat.v1', 'core', (e) => {
        handled.push(e.payload.i as number);
      });
      await bus.closeSubscriptions();
      // A consumer takes 20 entries and dies without acking them…
      for (let i = 0; i < 20; i++) await bus.publish('chat.v1', 'message.created', { i });
      const taken = await opened.transport.readGroup('core', 'test-a', [{ stream, count: 20 }], '>', 0);
      expect(taken).toHaveLength(20);
      // …then 1,000 more push them out of the stream.
      let lastId = '';
      for (let i = 20; i < 1020; i++) lastId = await bus.publish('chat.v1', 'message.created', { i });
      expect(lastId).toMatch(/^[0-9A-Z]{26}$/);
      const len = await opened.transport.length(stream);
      expect(len).toBeGreaterThanOrEqual(100);
      expect(len).toBeLessThan(300);
      const again = newBus({ streams: { 'chat.v1': { maxlen: 100, rate_limit: 100_000, retry_limit: 5 } } });
      await again.subscribe('chat.v1', 'core', (e) => {
        handled.push(e.payload.i as number);
      });
      await waitUntil(
        async () => (await opened.transport.pendingCount(stream, 'core')) === 0 && handled.includes(1019),
        'the group to drain',
      );
      const after = await again.publish('chat.v1', 'message.created', { i: 5000 });
      await waitUntil(() => handled.includes(5000), `the new event ${after}`);
    });

    it('sends poison entries (not JSON, wrong schema) to the DLQ with the reason and keeps consuming', async () => {
      fresh();
      const keys = keysFor(prefix);
      const bus = newBus();
      const got: unknown[] = [];
      await bus.subscribe('plugin.v1', 'plugins', (e) => {
        got.push(e.payload);
      });
      await opened.transport.append(keys.priority('plugin.v1', 'medium'), '{not json', 1000);
      await opened.transport.append(keys.priority('plugin.v1', 'medium'), JSON.stringify({ event_id: 'nope' }), 1000);
      await bus.publish('plugin.v1', 'tool.called', { ok: true });
      await waitUntil(
        async () => got.length === 1 && (await bus.dlqLength()) === 2,
        'the good event and two dead letters',
      );
      const { entries } = await bus.deadLetters(null, 10);
      expect(entries.map((e) => e.letter.reason)).toEqual(['poison', 'poison']);
      // Handlers run concurrently, so the two dead letters may be written in either order.
      const notJson = entries.find((e) => e.letter.raw === '{not json');
      const wrongSchema = entries.find((e) => e.letter.raw === JSON.stringify({ event_id: 'nope' }));
      expect(notJson?.letter.error.message).toMatch(/not JSON/);
      expect(wrongSchema?.letter.error.message).toMatch(/event_id must be a ULID/);
      await expect(bus.requeueDeadLetter(notJson?.id as string)).rejects.toThrow(/poison entry/);
      expect(await bus.discardDeadLetter(notJson?.id as string)).toBe(true);
      expect(await bus.dlqLength()).toBe(1);
    });

    it('keeps independent offsets per group, and a new group starts where it is told', async () => {
      fresh();
      const bus = newBus();
      const a: number[] = [];
      await bus.subscribe('fs.v1', 'a', (e) => {
        a.push(e.payload.i as number);
      });
      for (let i = 0; i < 3; i++) await bus.publish('fs.v1', 'file.changed', { i });
      await waitUntil(() => a.length === 3, 'group a');
      const fromNow: number[] = [];
      const fromStart: number[] = [];
      await bus.subscribe('fs.v1', 'b', (e) => {
        fromNow.push(e.payload.i as number);
      });
      await bus.subscribe(
        'fs.v1',
        'c',
        (e) => {
          fromStart.push(e.payload.i as number);
        },
        { start: 'all' },
      );
      await bus.publish('fs.v1', 'file.changed', { i: 3 });
      await waitUntil(() => a.length === 4 && fromNow.length === 1 && fromStart.length === 4, 'all three groups');
      expect(fromNow).toEqual([3]);
      expect(fromStart.sort()).toEqual([0, 1, 2, 3]);
    });

    it('lets one failing subscription retry and dead-letter on its own while another group handles everything', async () => {
      fresh();
      const bus = newBus({ streams: { 'chat.v1': { maxlen: 1000, rate_limit: 1000, retry_limit: 1 } } });
      const good: string[] = [];
      await bus.subscribe('chat.v1', 'broken', () => {
        throw new Error('always');
      });
      await bus.subscribe('chat.v1', 'fine', (e) => {
        good.push(e.event_id);
      });
      for (let i = 0; i < 10; i++) await bus.publish('chat.v1', 'message.created', { i });
      await waitUntil(
        async () => good.length === 10 && (await bus.dlqLength()) === 10,
        'ten handled and ten dead letters',
      );
      const { entries } = await bus.deadLetters(null, 100);
      expect(new Set(entries.map((e) => e.letter.group))).toEqual(new Set(['broken']));
    });

    it('delays events over the rate limit instead of dropping or stranding them', async () => {
      fresh();
      const bus = newBus({ streams: { 'system.v1': { maxlen: 10_000, rate_limit: 250, retry_limit: 5 } } });
      const seen = new Set<string>();
      await bus.subscribe('system.v1', 'core', (e) => {
        seen.add(e.event_id);
      });
      const ids = new Set<string>();
      for (let i = 0; i < 600; i++) ids.add(await bus.publish('system.v1', 'job.tick', { i }));
      await waitUntil(() => seen.size === 600, 'all 600 events', 30_000);
      expect(seen).toEqual(ids);
      const keys = keysFor(prefix);
      // The last event is acked just after its handler returns: wait for it, then none may be left stranded.
      await waitUntil(
        async () => (await opened.transport.pendingCount(keys.priority('system.v1', 'medium'), 'core')) === 0,
        'every event acked',
      );
    });

    it('takes over entries a dead consumer left pending (XAUTOCLAIM) after the idle time', async () => {
      fresh();
      const keys = keysFor(prefix);
      const stream = keys.priority('chat.v1', 'medium');
      await opened.transport.ensureGroup(stream, 'core', '$');
      const bus = newBus({ instanceId: 'survivor', claimIdleMs: 400 });
      for (let i = 0; i < 5; i++) await bus.publish('chat.v1', 'message.created', { i });
      const dead = await opened.transport.readGroup('core', 'dead-consumer', [{ stream, count: 10 }], '>', 0);
      expect(dead).toHaveLength(5);
      const got: number[] = [];
      await bus.subscribe('chat.v1', 'core', (e) => {
        got.push(e.meta.retries);
      });
      await waitUntil(() => got.length === 5, 'the reclaimed events');
      expect(got).toEqual([1, 1, 1, 1, 1]);
      expect(await opened.transport.pendingCount(stream, 'core')).toBe(0);
    });

    it('skips an event_id an idempotent handler already handled', async () => {
      fresh();
      const keys = keysFor(prefix);
      const bus = newBus();
      const got: string[] = [];
      await bus.subscribe(
        'chat.v1',
        'memory',
        (e) => {
          got.push(e.event_id);
        },
        { idempotent: true },
      );
      const event = createEvent('chat.v1', 'message.created', { n: 1 });
      await opened.transport.append(keys.priority('chat.v1', 'medium'), JSON.stringify(event), 1000);
      await opened.transport.append(keys.priority('chat.v1', 'medium'), JSON.stringify(event), 1000);
      await bus.publish('chat.v1', 'message.created', { n: 2 });
      await waitUntil(() => got.length === 2, 'two distinct events');
      await new Promise((r) => setTimeout(r, 200));
      expect(got).toHaveLength(2);
      expect(got.filter((id) => id === event.event_id)).toHaveLength(1);
    });

    it('refuses invalid and oversized events at publish and writes nothing', async () => {
      fresh();
      const keys = keysFor(prefix);
      const bus = newBus();
      await expect(bus.publish('chat.v1', 'message.created', { blob: 'x'.repeat(40_000) })).rejects.toMatchObject({
        code: 'event_too_large',
      });
      await expect(bus.publish('nope.v1', 'x', {})).rejects.toMatchObject({ code: 'invalid_event' });
      await expect(bus.publish('chat.v1', 'x', {}, { priority: 'urgent' as 'high' })).rejects.toMatchObject({
        code: 'invalid_event',
      });
      await expect(bus.publish('errors.dlq', 'x', {})).rejects.toMatchObject({ code: 'invalid_event' });
      for (const p of ['high', 'medium', 'low'] as const)
        expect(await opened.transport.length(keys.priority('chat.v1', p))).toBe(0);
    });

    it('holds a manualAck event pending until bus.ack(eventId)', async () => {
      fresh();
      const keys = keysFor(prefix);
      const stream = keys.priority('plugin.v1', 'medium');
      const bus = newBus();
      const got: string[] = [];
      await bus.subscribe(
        'plugin.v1',
        'remote',
        (e) => {
          got.push(e.event_id);
        },
        { manualAck: true },
      );
      const id = await bus.publish('plugin.v1', 'tool.called', {});
      await waitUntil(() => got.length === 1, 'the event');
      expect(await opened.transport.pendingCount(stream, 'remote')).toBe(1);
      expect(await bus.ack(id)).toBe(true);
      expect(await opened.transport.pendingCount(stream, 'remote')).toBe(0);
      expect(await bus.ack(id)).toBe(false);
    });

    it('dead-letters a manualAck event that is delivered past the retry limit without an ack', async () => {
      fresh();
      const bus = newBus({ streams: { 'plugin.v1': { maxlen: 1000, rate_limit: 1000, retry_limit: 1 } } });
      const deliveries: number[] = [];
      const subscribeOnce = async () => {
        const before = deliveries.length;
        const sub = await bus.subscribe(
          'plugin.v1',
          'remote',
          (_e, ctx) => {
            deliveries.push(ctx.deliveries);
          },
          { manualAck: true, start: 'all' },
        );
        await waitUntil(
          async () => deliveries.length > before || (await bus.dlqLength()) > 0,
          'a delivery or a dead letter',
        );
        await bus.unsubscribe(sub);
      };
      await bus.publish('plugin.v1', 'tool.called', {});
      await subscribeOnce();
      await subscribeOnce();
      await subscribeOnce();
      expect(deliveries).toEqual([1, 2]);
      expect((await bus.deadLetters(null, 10)).entries[0]?.letter.error.message).toBe(
        'not acknowledged after 2 deliveries',
      );
    });

    it('applies new rate limits to running subscriptions at once', async () => {
      fresh();
      const bus = newBus({ streams: { 'fs.v1': { maxlen: 10_000, rate_limit: 1, retry_limit: 5 } } });
      const got: number[] = [];
      await bus.subscribe('fs.v1', 'core', (e) => {
        got.push(e.payload.i as number);
      });
      for (let i = 0; i < 50; i++) await bus.publish('fs.v1', 'file.created', { i });
      await waitUntil(() => got.length >= 1, 'the first event');
      bus.configure({ streams: { 'fs.v1': { maxlen: 10_000, rate_limit: 10_000, retry_limit: 5 } } });
      await waitUntil(() => got.length === 50, 'the rest at the new rate', 10_000);
    });

    it('replays a time range in order across priorities, and into a handler only when asked', async () => {
      fresh();
      const bus = newBus();
      const before = Date.now() - 5;
      const ids: string[] = [];
      for (const p of ['low', 'high', 'medium', 'high'] as const) {
        ids.push(await bus.publish('system.v1' as Topic, 'job.done', { p }, { priority: p }));
        await new Promise((r) => setTimeout(r, 3));
      }
      const after = Date.now() + 5;
      const replayed: string[] = [];
      for await (const e of bus.replay(before, 'system.v1', after)) replayed.push(e.event_id);
      expect(replayed).toEqual(ids);
      expect([...(await collect(bus.replay(after + 1000, 'system.v1')))]).toEqual([]);
      const into: string[] = [];
      expect(await bus.replayInto(before, 'system.v1', (e) => into.push(e.event_id), after)).toBe(4);
      expect(into).toEqual(ids);
    });
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
