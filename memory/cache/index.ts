// The short-term cache for the configured engines: Redis lists when a client is given, else the in-process map.
import type { RedisClient } from '../../daemon/storage/redisClient.ts';
import type { ShortTermCache } from '../types.ts';
import { createMemoryCache, type MemoryCacheOptions } from './memoryCache.ts';
import { createRedisCache, type RedisCacheOptions } from './redisCache.ts';

export { createMemoryCache } from './memoryCache.ts';
export { CacheWriteError, createRedisCache } from './redisCache.ts';

/** `max` and `ttlSeconds` come from config limits.cache_messages and limits.cache_ttl_s. */
export type ShortTermCacheFactoryOptions = { max: number; ttlSeconds: number } & Pick<RedisCacheOptions, 'prefix'> &
  Pick<MemoryCacheOptions, 'maxConversations'>;

export function createShortTermCache(
  engines: { redis: RedisClient | null | undefined },
  opts: ShortTermCacheFactoryOptions,
): ShortTermCache {
  return engines.redis ? createRedisCache(engines.redis, opts) : createMemoryCache(opts);
}
