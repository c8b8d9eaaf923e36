// Bus snapshots against the real local S3 server (moto, IAM auth on) on both engines — the real Redis and the embedded
// transport on PGlite: what run() writes, what it refuses with which error, and a full wipe-and-restore.
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { testBuckets } from '../tests/helpers/s3Buckets.ts';
import { waitUntil } from './bus.case.test.ts';
import { Bus } from './bus.ts';
import { decodeEvent, type Topic } from './event.ts';
import { type Keys, keysFor } from './keys.ts';
import { RedisTransport } from './redisTransport.ts';
import { snapshotStreams } from './snapshotFormat.ts';
import {
  restoreFromSnapshots,
  SnapshotError,
  SnapshotStore,
  type SnapshotStoreConfig,
  Snapshotter,
} from './snapshots.ts';
import { SqlTransport } from './sqlTransport.ts';
import { compareIds } from './streamIds.ts';
import type { StreamEntry, Transport } from './transport.ts';

const { redis, s3 } = inject('services');
const buckets = testBuckets(s3);
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await buckets.removeAll();
});

/** One engine under test; `wipe` loses every stream, as a flushed Redis or a new machine's empty store would. */
interface Engine {
  transport: Transport;
  openReader: () => Transport;
  wipe(): Promise<void>;
}

async function openRedis(prefix: string): Promise<Engine> {
  const client = new Redis(redis.url);
  const dropAll = async () => {
    const found = await client.keys(`${prefix}:*`);
    if (found.length > 0) await client.del(...found);
  };
  const engine: Engine = {
    transport: new RedisTransport({ client }),
    openReader: () => new RedisTransport({ client }),
    wipe: dropAll,
  };
  closers.push(async () => {
    await engine.transport.close();
    await dropAll();
    await client.quit();
  });
  return engine;
}

async function openPglite(): Promise<Engine> {
  const open = async () => {
    const sql = await openPgliteSql(null);
    await migrate(sql);
    closers.push(() => sql.close());
    return sql;
  };
  const use = (sql: Sql) => {
    engine.transport = new SqlTransport(sql);
    engine.openReader = () => new SqlTransport(sql);
  };
  const engine = {
    wipe: async () => use(await open()),
  } as Engine;
  use(await open());
  return engine;
}

const ENGINES = { redis: openRedis, 'embedded (pglite)': openPglite } as const;

const uniquePrefix = () => `snap${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;

function storeFor(bucket: string, overrides: Partial<SnapshotStoreConfig> = {}): SnapshotStore {
  const store = new SnapshotStore({
    endpoint: s3.url,
    bucket,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    ...overrides,
  });
  closers.push(async () => store.close());
  return store;
}

async function everyEntry(transport: Transport, keys: Keys): Promise<Map<string, StreamEntry[]>> {
  const out = new Map<string, StreamEntry[]>();
  for (const { stream } of snapshotStreams(keys)) {
    const entries = await transport.range(stream, '-', '+', 10_000);
    if (entries.length > 0) out.set(stream, entries);
  }
  return out;
}

const asLines = (entries: StreamEntry[]) => entries.map(({ id, data }) => ({ id, data }));
const parseLines = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; data: string });

/** A port nothing listens on: bound by the kernel, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const [name, openEngine] of Object.entries(ENGINES)) {
  describe(`bus snapshots: ${name}`, () => {
    const setup = async () => {
      const prefix = uniquePrefix();
      const keys = keysFor(prefix);
      const engine = await openEngine(prefix);
      const bucket = await buckets.create();
      const bus = new Bus({ transport: engine.transport }, { prefix, instanceId: 'snap-test', blockMs: 200 });
      return { prefix, keys, engine, bucket, bus, store: storeFor(bucket) };
    };

    it('run() writes one object per stream with exactly its new entries, then only what came after', async () => {
      const { keys, engine, bucket, bus, store } = await setup();
      const published = [
        await bus.publish('chat.v1', 'message.created', { n: 1 }),
        await bus.publish('chat.v1', 'message.created', { n: 2 }, { priority: 'high' }),
        await bus.publish('chat.v1', 'message.created', { n: 3 }),
        await bus.publish('fs.v1', 'file.changed', { path: '/a' }, { priority: 'low' }),
      ];
      const snap = new Snapshotter(engine.transport, keys, { store });
      const before = await everyEntry(engine.transport, keys);
      const [chatMedium, chatHigh, fsLow] = [
        keys.priority('chat.v1', 'medium'),
        keys.priority('chat.v1', 'high'),
        keys.priority('fs.v1', 'low'),
      ];
      expect([...before.keys()].sort()).toEqual([chatHigh, chatMedium, fsLow].sort());

      const counts = await snap.run();
      expect(Object.keys(counts)).toHaveLength(13);
      expect(Object.entries(counts).filter(([, n]) => n > 0)).toEqual(
        expect.arrayContaining([
          [chatMedium, 2],
          [chatHigh, 1],
          [fsLow, 1],
        ]),
      );
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(4);

      const objectKey = (stream: string, entries: StreamEntry[]) =>
        `bus/${stream}/${entries[0]?.id}_${entries.at(-1)?.id}.jsonl`;
      const firstObjects = [...before].map(([stream, entries]) => objectKey(stream, entries));
      expect(await buckets.keys(bucket)).toEqual([...firstObjects, 'bus/cursor.json'].sort());
      for (const [stream, entries] of before) {
        expect(parseLines(await buckets.text(bucket, objectKey(stream, entries)))).toEqual(asLines(entries));
      }
      const ids = [...before.values()].flat().map((e) => decodeEvent(e.data ?? '').event_id);
      expect(ids.sort()).toEqual([...published].sort());

      // Nothing new: no object, and the same cursor.
      const cursorBefore = await buckets.text(bucket, 'bus/cursor.json');
      expect(Object.values(await snap.run()).every((n) => n === 0)).toBe(true);
      expect(await buckets.keys(bucket)).toHaveLength(4);
      expect(await buckets.text(bucket, 'bus/cursor.json')).toBe(cursorBefore);

      // Another machine (a new Snapshotter) continues from the cursor kept in the bucket.
      await bus.publish('chat.v1', 'message.created', { n: 4 });
      await bus.publish('chat.v1', 'message.created', { n: 5 });
      const later = (await engine.transport.range(chatMedium, '-', '+', 100)).slice(2);
      const again = await new Snapshotter(engine.transport, keys, { store }).run();
      expect(again[chatMedium]).toBe(2);
      expect(Object.values(again).reduce((a, b) => a + b, 0)).toBe(2);
      const laterKey = objectKey(chatMedium, later);
      expect(await buckets.keys(bucket)).toEqual([...firstObjects, laterKey, 'bus/cursor.json'].sort());
      expect(parseLines(await buckets.text(bucket, laterKey))).toEqual(asLines(later));
      const cursor = JSON.parse(await buckets.text(bucket, 'bus/cursor.json'));
      expect(cursor.streams[chatMedium]).toBe(later.at(-1)?.id);
      expect(cursor.streams[fsLow]).toBe(before.get(fsLow)?.at(-1)?.id);
    });

    it('a run() called during a run joins it instead of overlapping', async () => {
      const { keys, engine, bucket, bus, store } = await setup();
      for (let i = 0; i < 30; i++) await bus.publish('system.v1', 'job.done', { i });
      const snap = new Snapshotter(engine.transport, keys, { store });
      const first = snap.run();
      const second = snap.run();
      expect(second).toBe(first);
      expect((await first)[keys.priority('system.v1', 'medium')]).toBe(30);
      expect(await buckets.keys(bucket)).toHaveLength(2);
      expect((await snap.run())[keys.priority('system.v1', 'medium')]).toBe(0);
    });

    it('start() snapshots on its timer and reports each run; stop() ends the runs', async () => {
      const { keys, engine, bucket, bus, store } = await setup();
      await bus.publish('plugin.v1', 'plugin.loaded', { id: 'x' });
      const reports: Record<string, number>[] = [];
      const snap = new Snapshotter(engine.transport, keys, { store, intervalMs: 100, onRun: (c) => reports.push(c) });
      snap.start();
      await waitUntil(() => reports.length >= 2, 'two timed runs');
      await snap.stop();
      expect(reports[0]?.[keys.priority('plugin.v1', 'medium')]).toBe(1);
      expect(reports[1]?.[keys.priority('plugin.v1', 'medium')]).toBe(0);
      const seen = reports.length;
      await bus.publish('plugin.v1', 'plugin.loaded', { id: 'y' });
      await new Promise((r) => setTimeout(r, 350));
      expect(reports).toHaveLength(seen);
      expect(await buckets.keys(bucket)).toHaveLength(2);
    });

    it('bad credentials, a missing bucket and an unreachable endpoint fail with a typed, actionable error', async () => {
      const { keys, engine, bucket, bus } = await setup();
      await bus.publish('chat.v1', 'message.created', { n: 1 });
      const attempt = (store: SnapshotStore) => new Snapshotter(engine.transport, keys, { store }).run();
      const cases: [SnapshotStore, string, RegExp][] = [
        [storeFor(bucket, { accessKeyId: 'AKIAUNKNOWNKEY000000' }), 'credentials', /access_key_id and secret/],
        [storeFor(bucket, { secretAccessKey: 'not-the-secret' }), 'credentials', /SignatureDoesNotMatch/],
        [storeFor(`${bucket}-missing`), 'no_bucket', /does not exist: create the bucket/],
        [storeFor(bucket, { endpoint: `http://127.0.0.1:${await closedPort()}` }), 'unreachable', /ECONNREFUSED/],
      ];
      for (const [store, reason, message] of cases) {
        const err = await attempt(store).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SnapshotError);
        expect(err).toMatchObject({ code: 'snapshot_failed', reason, message: expect.stringMatching(message) });
        await expect(restoreFromSnapshots(engine.transport, keys, store)).rejects.toMatchObject({ reason });
      }
      // None of them wrote anything: the real bucket is still empty.
      expect(await buckets.keys(bucket)).toEqual([]);
    });

    it('after a wipe, restore brings every entry back with its id; subscribers get them all; the tail continues', async () => {
      const { prefix, keys, engine, bucket, bus, store } = await setup();
      const topics: Topic[] = ['chat.v1', 'fs.v1'];
      const published: string[] = [];
      for (let i = 0; i < 12; i++) {
        const topic = topics[i % 2] as Topic;
        published.push(await bus.publish(topic, 'thing.happened', { i }, { priority: i % 3 === 0 ? 'high' : 'low' }));
        if (i === 5) await new Snapshotter(engine.transport, keys, { store }).run();
      }
      await engine.transport.append(keys.dlq, '{"not": "an event"}', 1000);
      await new Snapshotter(engine.transport, keys, { store }).run();
      const before = await everyEntry(engine.transport, keys);
      expect([...before.values()].flat()).toHaveLength(13);

      await engine.wipe();
      expect(await everyEntry(engine.transport, keys)).toEqual(new Map());
      const restored = await restoreFromSnapshots(engine.transport, keys, store);
      expect(Object.fromEntries(Object.entries(restored).filter(([, n]) => n > 0))).toEqual(
        Object.fromEntries([...before].map(([s, e]) => [s, e.length])),
      );
      expect(await everyEntry(engine.transport, keys)).toEqual(before);
      // Restoring again finds nothing missing.
      expect(Object.values(await restoreFromSnapshots(engine.transport, keys, store)).every((n) => n === 0)).toBe(true);

      const after = new Bus(
        { transport: engine.transport, openReader: engine.openReader },
        { prefix, instanceId: 'snap-restored', blockMs: 200 },
      );
      closers.push(() => after.closeSubscriptions());
      const handled = new Set<string>();
      for (const topic of topics)
        await after.subscribe(topic, 'audit', (e) => void handled.add(e.event_id), { start: 'all' });
      await waitUntil(() => handled.size === published.length, 'every restored event handled');
      expect([...handled].sort()).toEqual([...published].sort());

      const live = await after.publish('chat.v1', 'thing.happened', { live: true });
      await waitUntil(() => handled.has(live), 'the live event handled');
      const medium = await engine.transport.range(keys.priority('chat.v1', 'medium'), '-', '+', 10);
      const lastRestored =
        [...before.values()]
          .flat()
          .map((e) => e.id)
          .sort(compareIds)
          .at(-1) ?? '';
      expect(compareIds(medium.at(-1)?.id ?? '', lastRestored)).toBeGreaterThan(0);
      const next = await new Snapshotter(engine.transport, keys, { store }).run();
      expect(next[keys.priority('chat.v1', 'medium')]).toBe(1);
      expect(Object.values(next).reduce((a, b) => a + b, 0)).toBe(1);
      // Two runs before the wipe (4 objects, then 4 and the DLQ's), the live event's, and the cursor.
      expect(await buckets.keys(bucket)).toHaveLength(4 + 5 + 1 + 1);
    });

    it('restore appends only what is newer than the stream top, also from an object the stream half has', async () => {
      const { keys, engine, bus, store } = await setup();
      const stream = keys.priority('chat.v1', 'medium');
      const snap = new Snapshotter(engine.transport, keys, { store });
      for (let i = 0; i < 3; i++) await bus.publish('chat.v1', 'message.created', { i });
      await snap.run();
      for (let i = 3; i < 6; i++) await bus.publish('chat.v1', 'message.created', { i });
      await snap.run();
      const all = await engine.transport.range(stream, '-', '+', 100);

      // As if an older backup had been loaded: the stream has the first four, up to the middle of the second object.
      await engine.wipe();
      for (const e of all.slice(0, 4)) await engine.transport.append(stream, e.data ?? '', 1000, e.id);
      const restored = await restoreFromSnapshots(engine.transport, keys, store);
      expect(restored[stream]).toBe(2);
      expect(await engine.transport.range(stream, '-', '+', 100)).toEqual(all);
    });

    it('restore refuses a snapshot object that is not JSONL of {id, data}, naming it', async () => {
      const { keys, engine, bucket, store } = await setup();
      const stream = keys.priority('fs.v1', 'high');
      await buckets.put(bucket, `bus/${stream}/1-0_2-0.jsonl`, '{"id": "1-0", "data": "ok"}\nnot json\n');
      await expect(restoreFromSnapshots(engine.transport, keys, store)).rejects.toMatchObject({
        code: 'snapshot_failed',
        reason: 'corrupt',
        message: expect.stringMatching(/1-0_2-0\.jsonl" line 2/),
      });
    });
  });
}
