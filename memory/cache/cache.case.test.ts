// The ShortTermCache conformance suite: every engine (Redis, in-process) runs these cases via `runCacheConformance`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShortTermCache } from '../types.ts';

/** What an engine's test file hands the suite. */
export interface CacheHarness {
  /** A cache keeping `max` items for `ttlSeconds`, isolated from every other cache the harness made. */
  cache(opts: { max: number; ttlSeconds: number }): Promise<ShortTermCache>;
  /** Lets `ms` milliseconds pass for the cache's clock (real time for Redis, an injected clock in process). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function runCacheConformance(name: string, open: () => Promise<CacheHarness>) {
  describe(`ShortTermCache conformance: ${name}`, () => {
    let h: CacheHarness;
    beforeAll(async () => {
      h = await open();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('keeps only the newest `max` items, oldest first', async () => {
      const c = await h.cache({ max: 3, ttlSeconds: 60 });
      for (const item of ['1', '2', '3', '4', '5']) await c.push('conv', item);
      expect(await c.recent('conv', 10)).toEqual(['3', '4', '5']);
      expect(await c.recent('conv', 2)).toEqual(['4', '5']);
      expect(await c.recent('conv', 0)).toEqual([]);
      expect(await c.recent('never-seen', 5)).toEqual([]);
    });

    it('keeps conversations apart and clears one without touching another', async () => {
      const c = await h.cache({ max: 5, ttlSeconds: 60 });
      await c.push('a', 'a1');
      await c.push('b', 'b1');
      await c.push('a', 'a2');
      expect(await c.recent('a', 5)).toEqual(['a1', 'a2']);
      expect(await c.recent('b', 5)).toEqual(['b1']);
      await c.clear('a');
      expect(await c.recent('a', 5)).toEqual([]);
      expect(await c.recent('b', 5)).toEqual(['b1']);
      await c.push('a', 'a3');
      expect(await c.recent('a', 5)).toEqual(['a3']);
    });

    it('forgets a conversation after its TTL, and each push restarts the TTL', async () => {
      const c = await h.cache({ max: 5, ttlSeconds: 1 });
      await c.push('t', 'x');
      await h.elapse(600);
      await c.push('t', 'y'); // refreshes: the conversation now lives until ~1.6 s
      await h.elapse(600);
      expect(await c.recent('t', 5)).toEqual(['x', 'y']);
      await h.elapse(1500);
      expect(await c.recent('t', 5)).toEqual([]);
      await c.push('t', 'z');
      expect(await c.recent('t', 5)).toEqual(['z']);
    });

    it('stores Unicode, empty strings and JSON exactly', async () => {
      const c = await h.cache({ max: 10, ttlSeconds: 60 });
      const items = ['Привет, мир', '👩‍💻 emoji ✓', '', JSON.stringify({ role: 'user', text: 'a "quoted" \\ line\n' })];
      for (const item of items) await c.push('разговор:1', item);
      expect(await c.recent('разговор:1', 10)).toEqual(items);
    });

    it('uses the conversation id as data, never as a pattern', async () => {
      const c = await h.cache({ max: 5, ttlSeconds: 60 });
      await c.push('a*', 'star');
      await c.push('ab', 'plain');
      await c.clear('a*');
      expect(await c.recent('ab', 5)).toEqual(['plain']);
      expect(await c.recent('a*', 5)).toEqual([]);
    });
  });
}
