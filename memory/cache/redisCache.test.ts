// The Redis cache passes the ShortTermCache conformance suite on the real Redis (real TTLs, polled), under random key prefixes.
import { Redis } from 'ioredis';
import { expect, inject, it } from 'vitest';
import { runCacheConformance } from './cache.case.test.ts';
import { createRedisCache } from './redisCache.ts';

const { redis: service } = inject('services');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const randomPrefix = () => `test:stm:${Date.now().toString(36)}${Math.floor(Math.random() * 1e9)}:`;

runCacheConformance('redis', async () => {
  const redis = new Redis(service.url);
  const prefixes: string[] = [];
  return {
    async cache(opts) {
      const prefix = randomPrefix();
      prefixes.push(prefix);
      return createRedisCache(redis, { ...opts, prefix });
    },
    elapse: sleep,
    async close() {
      for (const prefix of prefixes) {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      await redis.quit();
    },
  };
});

it('redis: each push leaves a list of at most N with a TTL set', async () => {
  const redis = new Redis(service.url);
  const prefix = randomPrefix();
  try {
    const c = createRedisCache(redis, { max: 2, ttlSeconds: 30, prefix });
    for (const x of ['a', 'b', 'c']) await c.push('k', x);
    expect(await redis.lrange(`${prefix}k`, 0, -1)).toEqual(['b', 'c']);
    const ttl = await redis.ttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  } finally {
    await redis.del(`${prefix}k`);
    await redis.quit();
  }
});

it('redis: a push to a key holding another type fails loudly instead of silently', async () => {
  const redis = new Redis(service.url);
  const prefix = randomPrefix();
  try {
    await redis.set(`${prefix}k`, 'not a list');
    const c = createRedisCache(redis, { max: 2, ttlSeconds: 30, prefix });
    await expect(c.push('k', 'x')).rejects.toThrow(/could not append|WRONGTYPE/);
  } finally {
    await redis.del(`${prefix}k`);
    await redis.quit();
  }
});
