// The bus against real Redis failures: a consumer killed mid-batch, a Redis restart, a Sentinel failover, a Cluster.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import { Bus } from '../../bus/bus.ts';
import type { BusEvent } from '../../bus/event.ts';
import { RedisTransport } from '../../bus/redisTransport.ts';
import { createRedis, type RedisClient } from '../../daemon/storage/redisClient.ts';
import {
  type RedisClusterSet,
  type RedisServer,
  type SentinelSet,
  startCluster,
  startRedis,
  startSentinelSet,
} from '../helpers/redisProcesses.ts';

const uid = () => `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const FAST = { blockMs: 200, retryBaseMs: 20, retryMaxMs: 200, watchdogGraceMs: 2000 };

function busOn(client: RedisClient, prefix: string, instanceId: string, extra: object = {}) {
  return new Bus(
    { transport: new RedisTransport({ client }), openReader: () => new RedisTransport({ client }) },
    { prefix, instanceId, ...FAST, ...extra },
  );
}

describe('a consumer process killed with SIGKILL mid-batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'titan-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves its pending events to be reclaimed and handled by another consumer; none is lost', async () => {
    const url = inject('services').redis.url;
    const prefix = uid();
    const out = join(dir, 'victim.txt');
    const client = new Redis(url);
    const publisher = busOn(client, prefix, 'publisher');
    // The group must exist before publishing so the victim sees every event.
    const setup = await publisher.subscribe('chat.v1', 'core', () => {});
    await publisher.unsubscribe(setup);

    const victim = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        join(import.meta.dirname, '..', 'fixtures', 'busConsumer.ts'),
        url,
        prefix,
        'victim',
        out,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => victim.stdout?.once('data', () => resolve()));
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push(await publisher.publish('chat.v1', 'message.created', { i }));
    await waitUntil(
      () => existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 40,
      'the victim to be busy',
    );
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    const byVictim = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(byVictim.length).toBeLessThan(300);

    const rescued: string[] = [];
    const rescuer = busOn(client, prefix, 'rescuer', { claimIdleMs: 500 });
    await rescuer.subscribe('chat.v1', 'core', (e: BusEvent) => {
      rescued.push(e.event_id);
    });
    await waitUntil(() => new Set([...byVictim, ...rescued]).size === 300, 'every event handled by one or the other');
    expect(new Set([...byVictim, ...rescued])).toEqual(new Set(ids));
    // At-least-once: only what the victim had in flight when it died (its concurrency, 4) may run twice.
    const twice = rescued.filter((id) => byVictim.includes(id));
    expect(twice.length).toBeLessThanOrEqual(4);
    await rescuer.close();
    await publisher.close();
    client.disconnect();
  });
});

describe('Redis restarted with appendonly yes, appendfsync always', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
  });
  afterAll(() => server?.stop());

  it('does not hand acked events out again, and does hand out the unacked ones', async () => {
    const prefix = uid();
    const client = new Redis(server.url, { maxRetriesPerRequest: 50 });
    const first = busOn(client, prefix, 'one');
    const handled: number[] = [];
    await first.subscribe('fs.v1', 'core', (e) => {
      handled.push(e.payload.i as number);
    });
    for (let i = 0; i < 50; i++) await first.publish('fs.v1', 'file.created', { i });
    await waitUntil(() => handled.length === 50, 'the first 50');
    await first.closeSubscriptions();
    for (let i = 50; i < 80; i++) await first.publish('fs.v1', 'file.created', { i });

    await server.restart();
    const second = busOn(client, prefix, 'one');
    const after: number[] = [];
    await second.subscribe('fs.v1', 'core', (e) => {
      after.push(e.payload.i as number);
    });
    await waitUntil(() => after.length === 30, 'the 30 unacked events');
    await new Promise((r) => setTimeout(r, 500));
    expect(after.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => k + 50));
    await second.close();
    await first.close();
    client.disconnect();
  });
});

describe('a blocking read that hangs (Redis frozen with SIGSTOP)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.kill('SIGCONT');
    await server?.stop();
  });

  it('is noticed by the watchdog, which reconnects, and consumption resumes by itself', async () => {
    const client = new Redis(server.url);
    client.on('error', () => {});
    const problems: string[] = [];
    const bus = new Bus(
      {
        transport: new RedisTransport({ client }),
        openReader: () => new RedisTransport({ client }),
        onError: (e) => problems.push(String((e as Error).message)),
      },
      { prefix: uid(), instanceId: 'frozen', ...FAST, blockMs: 300, watchdogGraceMs: 400 },
    );
    const got: number[] = [];
    await bus.subscribe('chat.v1', 'core', (e) => {
      got.push(e.payload.i as number);
    });
    await bus.publish('chat.v1', 'message.created', { i: 1 });
    await waitUntil(() => got.length === 1, 'the first event');
    await server.kill('SIGSTOP');
    await waitUntil(() => problems.some((p) => /hung/.test(p)), 'the watchdog', 10_000);
    await server.kill('SIGCONT');
    await bus.publish('chat.v1', 'message.created', { i: 2 });
    await waitUntil(() => got.includes(2), 'consumption to resume');
    await bus.close();
    client.disconnect();
  });
});

describe('Sentinel failover while publishing', () => {
  let set: SentinelSet;
  beforeAll(async () => {
    set = await startSentinelSet();
  }, 60_000);
  afterAll(() => set?.stop());

  it('reconnects by itself and delivers every publish that returned an id', async () => {
    const prefix = uid();
    const client = createRedis({ sentinel: { nodes: set.sentinels, name: set.name } }, 'test');
    client.on('error', () => {});
    const bus = new Bus(
      {
        transport: new RedisTransport({ client, waitReplicas: { count: 1, timeoutMs: 1000 } }),
        openReader: () => new RedisTransport({ client }),
      },
      { prefix, instanceId: 'sentinel', ...FAST },
    );
    const got = new Set<string>();
    await bus.subscribe('chat.v1', 'core', (e) => {
      got.add(e.event_id);
    });
    const returned: string[] = [];
    let failures = 0;
    let stop = false;
    const publishing = (async () => {
      for (let i = 0; !stop && i < 5000; i++) {
        try {
          returned.push(await bus.publish('chat.v1', 'message.created', { i }));
        } catch {
          failures++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();
    await waitUntil(() => returned.length >= 100, 'publishing before the failover');
    await set.failover();
    const atFailover = returned.length;
    await waitUntil(() => returned.length >= atFailover + 100, 'publishing after the failover', 30_000);
    stop = true;
    await publishing;
    await waitUntil(() => returned.every((id) => got.has(id)), 'every returned id to be delivered', 30_000);
    expect(returned.length).toBeGreaterThan(200);
    expect(failures).toBeLessThan(returned.length);
    await bus.close();
    client.disconnect();
  }, 90_000);
});

describe('a 3-node Redis Cluster', () => {
  let cluster: RedisClusterSet;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('publishes and consumes across topics', async () => {
    const prefix = uid();
    const client = createRedis({ cluster: { nodes: cluster.nodes } }, 'test');
    client.on('error', () => {});
    const bus = busOn(client, prefix, 'cluster');
    const got: string[] = [];
    for (const topic of ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'] as const) {
      await bus.subscribe(topic, 'core', (e) => {
        got.push(`${e.topic}:${e.payload.i}`);
      });
    }
    const want: string[] = [];
    for (let i = 0; i < 20; i++) {
      for (const topic of ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'] as const) {
        await bus.publish(topic, 'test.event', { i }, { priority: (['high', 'medium', 'low'] as const)[i % 3] });
        want.push(`${topic}:${i}`);
      }
    }
    await waitUntil(() => got.length === want.length, 'every event on every topic');
    expect(got.sort()).toEqual(want.sort());
    await bus.close();
    client.disconnect();
  }, 60_000);
});
