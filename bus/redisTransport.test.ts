// The Redis Streams transport passes the Transport conformance suite on the real Redis, plus Redis-only behaviour.
import { Redis } from 'ioredis';
import { expect, inject, it } from 'vitest';
import type { RedisClient } from '../daemon/storage/redisClient.ts';
import { createRedisTransport, evictionPolicyWarning } from './redisTransport.ts';
import { runTransportConformance } from './transport.case.test.ts';

const { redis } = inject('services');
const connect = () => new Redis(redis.url, { maxRetriesPerRequest: 2 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uniqueStream = (what: string) => `test:{${what}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}}:s`;

runTransportConformance('redis', async () => {
  const client = connect();
  return {
    transport: createRedisTransport(client),
    cleanup: async ({ streams, keys }) => {
      const names = [...streams, ...keys];
      if (names.length > 0) await client.del(...names);
      await client.quit();
    },
  };
});

it('redis: evictionPolicyWarning warns for allkeys-* and is quiet for noeviction and volatile-*', async () => {
  const client = connect();
  const [, before = 'noeviction'] = (await client.config('GET', 'maxmemory-policy')) as string[];
  try {
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    expect(await evictionPolicyWarning(client)).toMatch(/allkeys-lru.*noeviction/);
    await client.config('SET', 'maxmemory-policy', 'volatile-lru');
    expect(await evictionPolicyWarning(client)).toBeNull();
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await evictionPolicyWarning(client)).toBeNull();
  } finally {
    await client.config('SET', 'maxmemory-policy', before);
    await client.quit();
  }
});

it('redis: evictionPolicyWarning is null where CONFIG is disabled', async () => {
  const refusing = {
    call: async () => {
      throw new Error("ERR unknown command 'CONFIG'");
    },
  } as unknown as RedisClient;
  expect(await evictionPolicyWarning(refusing)).toBeNull();
});

it('redis: a blocking read on its own connection does not delay commands on the shared client', async () => {
  const client = connect();
  const transport = createRedisTransport(client);
  const s = uniqueStream('ping');
  try {
    await transport.ensureGroup(s, 'g', '$');
    const reading = transport.readGroup('g', 'c', [{ stream: s, count: 1 }], '>', 1500);
    await sleep(150);
    const started = performance.now();
    expect(await client.ping()).toBe('PONG');
    expect(performance.now() - started).toBeLessThan(300);
    expect(await reading).toEqual([]);
  } finally {
    await transport.close();
    await client.del(s);
    await client.quit();
  }
});

it('redis: close() leaves the shared command client open', async () => {
  const client = connect();
  const transport = createRedisTransport(client);
  await transport.close();
  await transport.close();
  expect(await client.ping()).toBe('PONG');
  await client.quit();
});
