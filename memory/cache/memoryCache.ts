// The ShortTermCache in process (embedded default): a Map of conversations with per-key expiry and an LRU bound.
import type { ShortTermCache } from '../types.ts';
import { recentCount, resolveOptions, type ShortTermCacheOptions } from './options.ts';

export interface MemoryCacheOptions extends ShortTermCacheOptions {
  /** Conversations kept at most; pushing to a new one past this drops the least recently pushed. Default 10 000. */
  maxConversations?: number;
  /** Milliseconds since the epoch; tests inject a clock to step over the TTL. Default Date.now. */
  now?: () => number;
}

interface Entry {
  items: string[];
  expiresAt: number;
}

export function createMemoryCache(opts: MemoryCacheOptions = {}): ShortTermCache {
  const { max, ttlSeconds } = resolveOptions(opts);
  const maxConversations = Math.max(1, Math.floor(opts.maxConversations ?? 10_000));
  const now = opts.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on push keeps the least recently pushed first.
  const entries = new Map<string, Entry>();

  /** The live entry, or none: an expired one is dropped the moment it is looked at. */
  function live(conversationId: string): Entry | undefined {
    const entry = entries.get(conversationId);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(conversationId);
      return undefined;
    }
    return entry;
  }

  /**
   * Drops expired conversations from the front, then the oldest while over the bound. The Map is in push
   * order and every push sets the same TTL, so the front is also the first to expire: the sweep stops early.
   */
  function sweep(): void {
    for (const [id, entry] of entries) {
      if (entry.expiresAt > now() && entries.size <= maxConversations) return;
      entries.delete(id);
    }
  }

  return {
    engine: 'memory',

    async push(conversationId, item) {
      const entry = live(conversationId) ?? { items: [], expiresAt: 0 };
      entry.items.push(item);
      if (entry.items.length > max) entry.items.splice(0, entry.items.length - max);
      entry.expiresAt = now() + ttlSeconds * 1000;
      entries.delete(conversationId);
      entries.set(conversationId, entry);
      sweep();
    },

    async recent(conversationId, limit) {
      const n = recentCount(limit);
      const entry = live(conversationId);
      if (!entry || n === 0) return [];
      return entry.items.slice(-n);
    },

    async clear(conversationId) {
      entries.delete(conversationId);
    },

    async close() {
      entries.clear();
    },
  };
}
