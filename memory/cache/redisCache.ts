// The ShortTermCache on Redis: one list per conversation, trimmed to the newest N and expiring after the TTL.
import type { RedisClient } from '../../daemon/storage/redisClient.ts';
import type { ShortTermCache } from '../types.ts';
import { recentCount, resolveOptions, type ShortTermCacheOptions } from './options.ts';

export interface RedisCacheOptions extends ShortTermCacheOptions {
  /** Prepended to every key, so tests and instances can share a server. Default "titan:stm:". */
  prefix?: string;
}

export class CacheWriteError extends Error {
  readonly code = 'cache_write';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CacheWriteError';
  }
}

export function createRedisCache(redis: RedisClient, opts: RedisCacheOptions = {}): ShortTermCache {
  const { max, ttlSeconds } = resolveOptions(opts);
  const prefix = opts.prefix ?? 'titan:stm:';
  // One key per conversation: MULTI touches a single key, so it also works on a Cluster.
  const keyOf = (conversationId: string) => `${prefix}${conversationId}`;

  return {
    engine: 'redis',

    async push(conversationId, item) {
      const key = keyOf(conversationId);
      // Append, trim and refresh the TTL atomically, so no reader sees more than `max` items or a list without expiry.
      const results = await redis.multi().rpush(key, item).ltrim(key, -max, -1).expire(key, ttlSeconds).exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) {
        throw new CacheWriteError(`could not append to ${key}`, { cause: failed?.[0] ?? undefined });
      }
    },

    async recent(conversationId, limit) {
      const n = recentCount(limit);
      if (n === 0) return [];
      return redis.lrange(keyOf(conversationId), -n, -1);
    },

    async clear(conversationId) {
      await redis.del(keyOf(conversationId));
    },

    // The client belongs to the engines (daemon/storage/engines.ts), which quit it.
    async close() {},
  };
}
