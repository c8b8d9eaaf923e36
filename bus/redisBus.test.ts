// The bus conformance suite on the real Redis (Streams, consumer groups, XAUTOCLAIM).
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { runBusConformance } from './bus.case.test.ts';
import { RedisTransport } from './redisTransport.ts';

const { redis } = inject('services');

runBusConformance('redis', async () => {
  const client = new Redis(redis.url);
  return {
    transport: new RedisTransport({ client }),
    openReader: () => new RedisTransport({ client }),
    async cleanup(prefix) {
      if (!prefix) return;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await client.del(...keys);
      } while (cursor !== '0');
    },
  };
});
