// The in-process cache passes the ShortTermCache conformance suite on an injected clock, and stays bounded.
import { expect, it } from 'vitest';
import { runCacheConformance } from './cache.case.test.ts';
import { createMemoryCache } from './memoryCache.ts';

runCacheConformance('in-process', async () => {
  let clock = 1_000_000;
  return {
    cache: async (opts) => createMemoryCache({ ...opts, now: () => clock }),
    elapse: async (ms) => {
      clock += ms;
    },
    close: async () => {},
  };
});

it('in-process: past maxConversations the least recently pushed conversation goes', async () => {
  const c = createMemoryCache({ max: 2, ttlSeconds: 60, maxConversations: 2 });
  await c.push('a', '1');
  await c.push('b', '1');
  await c.push('a', '2'); // a is now the most recent
  await c.push('c', '1');
  expect(await c.recent('b', 5)).toEqual([]);
  expect(await c.recent('a', 5)).toEqual(['1', '2']);
  expect(await c.recent('c', 5)).toEqual(['1']);
});

it('in-process: close empties it, and bad options fall back to the defaults', async () => {
  const c = createMemoryCache({ max: 0, ttlSeconds: Number.NaN });
  for (let i = 0; i < 60; i++) await c.push('x', String(i));
  expect(await c.recent('x', 100)).toHaveLength(50);
  await c.close();
  expect(await c.recent('x', 100)).toEqual([]);
});
