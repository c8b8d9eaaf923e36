// createShortTermCache picks the engine from what the engines hold: Redis when a client is given, else in-process.
import { expect, it } from 'vitest';
import type { RedisClient } from '../../daemon/storage/redisClient.ts';
import { createShortTermCache } from './index.ts';

it('createShortTermCache: Redis when a client is given, else in-process', () => {
  expect(createShortTermCache({ redis: null }, { max: 5, ttlSeconds: 60 }).engine).toBe('memory');
  expect(createShortTermCache({ redis: {} as RedisClient }, { max: 5, ttlSeconds: 60 }).engine).toBe('redis');
});
