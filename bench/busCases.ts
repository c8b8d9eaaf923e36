// The three queues of bench/bus.bench.ts behind one small interface: raw ioredis Streams (the baseline), the titan bus,
// and BullMQ. Each opens with its own random key prefix or queue name, runs `concurrency` handlers at once, and cleans up.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { Bus } from '../bus/bus.ts';
import { promBusMetrics } from '../bus/metrics.ts';
import { RedisTransport } from '../bus/redisTransport.ts';
import { createRedis } from '../daemon/storage/redisClient.ts';

/** What every message carries: its phase, its index and the time (nowMs) it was due to be sent. */
export interface Sample {
  ph: number;
  i: number;
  t: number;
}

export interface Harness {
  title: string;
  publish(s: Sample): Promise<unknown>;
  close(): Promise<void>;
}

export type OnHandled = (s: Sample) => void;
export type OpenHarness = (url: string, concurrency: number, onHandled: OnHandled) => Promise<Harness>;

/** Milliseconds on the monotonic clock, µs resolution (performance.now: no allocation, unlike hrtime.bigint). */
export const nowMs = (): number => performance.now();

const rand = () => randomBytes(4).toString('hex');
/** A handler that does no work of its own, the same for all three: the cost measured is the queue's. */
const handlerOf = (onHandled: OnHandled) => async (s: Sample) => onHandled(s);

/** Options passed to the titan bus: production defaults except rate limits raised so they never delay a message. */
export const TITAN_LIMITS = { rate_limit: 1_000_000, globalRateLimit: 1_000_000 };

/** The titan bus as daemon/events/openBus.ts wires it: createRedis client, RedisTransport, a reader connection each. */
function titanBus(url: string, prefix: string, concurrency: number) {
  const client = createRedis({ url }, 'bench-bus');
  const bus = new Bus(
    { transport: new RedisTransport({ client }), openReader: () => new RedisTransport({ client }) },
    {
      prefix,
      concurrency,
      globalRateLimit: TITAN_LIMITS.globalRateLimit,
      streams: { 'system.v1': { maxlen: 100_000, rate_limit: TITAN_LIMITS.rate_limit, retry_limit: 5 } },
    },
  );
  bus.setMetrics(promBusMetrics(new Registry(), async () => ({ pending: await bus.pendingCounts(), dlq: 0 })));
  return { bus, client };
}

function bullConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

class Permits {
  #free: number;
  readonly #waiters: (() => void)[] = [];
  constructor(n: number) {
    this.#free = n;
  }
  acquire(): Promise<void> | undefined {
    if (this.#free > 0) {
      this.#free--;
      return undefined;
    }
    return new Promise((r) => this.#waiters.push(r));
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}

type RawEntry = [string, string[]];
/** XREADGROUP on one stream, RESP2 ([[key, entries]]) or RESP3 flattened ([key, entries]) or a Map. */
function entriesOf(reply: unknown): RawEntry[] {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return ([...reply.values()][0] ?? []) as RawEntry[];
  const arr = reply as unknown[];
  return (Array.isArray(arr[0]) ? (arr[0] as unknown[])[1] : arr[1]) as RawEntry[];
}

/**
 * (a) The baseline: what a careful hand-written consumer does with ioredis alone. XADD MAXLEN ~; one loop doing
 * XREADGROUP COUNT 100 BLOCK 2000 on its own connection; each entry parsed, handled under a permit, then XACKed.
 */
export const openRaw: OpenHarness = async (url, concurrency, onHandled) => {
  const key = `bench-raw-${rand()}`;
  const cmd = new Redis(url);
  const blocking = new Redis(url);
  blocking.on('error', () => {});
  await cmd.call('XGROUP', 'CREATE', key, 'bench', '$', 'MKSTREAM');
  const handler = handlerOf(onHandled);
  const permits = new Permits(concurrency);
  let running = true;
  const handle = async (id: string, fields: string[]) => {
    await handler(JSON.parse(fields[1] as string) as Sample);
    await cmd.call('XACK', key, 'bench', id);
  };
  const read = () =>
    blocking.call('XREADGROUP', 'GROUP', 'bench', 'c1', 'COUNT', 100, 'BLOCK', 2000, 'STREAMS', key, '>');
  const loop = (async () => {
    while (running) {
      const reply = await read().catch((err) => {
        if (running) throw err;
        return null;
      });
      for (const [id, fields] of entriesOf(reply)) {
        await permits.acquire();
        void handle(id, fields).finally(() => permits.release());
      }
    }
  })();
  return {
    title: 'raw ioredis XADD→XREADGROUP→XACK',
    publish: (s) => cmd.call('XADD', key, 'MAXLEN', '~', 100_000, '*', 'e', JSON.stringify(s)),
    async close() {
      running = false;
      blocking.disconnect();
      await loop;
      await cmd.del(key);
      await cmd.quit();
    },
  };
};

/**
 * (b) The titan bus with prom-client metrics attached and default options (batch 100, weights 6/3/1, blockMs 2000,
 * concurrency 16) except the rate limits in TITAN_LIMITS. Topic system.v1, priority medium (the default).
 */
export const openTitan: OpenHarness = async (url, concurrency, onHandled) => {
  const prefix = `bench-titan-${rand()}`;
  const { bus, client } = titanBus(url, prefix, concurrency);
  const handler = handlerOf(onHandled);
  await bus.subscribe('system.v1', 'bench', (e) => handler(e.payload as unknown as Sample));
  return {
    title: 'titan bus publish→handler (auto-ack)',
    publish: (s) => bus.publish('system.v1', 'bench.sample', s),
    async close() {
      await bus.close();
      let cursor = '0';
      do {
        const [next, keys] = (await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)) as [string, string[]];
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await client.quit();
    },
  };
};

/** (c) BullMQ with its defaults: Queue.add → Worker processor, `concurrency` at once; the queue is obliterated after. */
export const openBullmq: OpenHarness = async (url, concurrency, onHandled) => {
  const name = `bench-bullmq-${rand()}`;
  const connection = bullConnection(url);
  const queue = new Queue(name, { connection });
  const handler = handlerOf(onHandled);
  const worker = new Worker(name, (job) => handler(job.data as Sample), { connection, concurrency });
  worker.on('error', () => {});
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  return {
    title: 'BullMQ Queue.add→Worker',
    publish: (s) => queue.add('sample', s),
    async close() {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
};

/** No queue: each publish reaches the handler on the next event-loop turn. Its latency is the harness's own floor. */
export const openFloor: OpenHarness = async (_url, _concurrency, onHandled) => ({
  title: 'no queue (the harness floor)',
  publish: async (s) => setImmediate(() => onHandled(s)),
  close: async () => {},
});
