// The small mechanisms under the processor: token buckets delay rather than drop, weights split reads, ids order.
import { describe, expect, it } from 'vitest';
import { backoffMs, weightedCounts, withDefaults } from './options.ts';
import { compareIds, endOf, nextId, startOf } from './streamIds.ts';
import { TokenBucket } from './tokenBucket.ts';

describe('TokenBucket', () => {
  it('serves every caller, delaying those over the rate instead of dropping them', async () => {
    const bucket = new TokenBucket(50);
    const waits = await Promise.all(Array.from({ length: 60 }, () => bucket.take()));
    expect(waits).toHaveLength(60);
    expect(waits.slice(0, 50).every((w) => w === 0)).toBe(true);
    expect(waits.slice(50).every((w) => w > 0)).toBe(true);
  });

  it('takes a new rate at once', async () => {
    const bucket = new TokenBucket(1);
    await bucket.take();
    bucket.setRate(1000);
    const waited = await bucket.take();
    expect(waited).toBeLessThan(50);
  });
});

describe('options', () => {
  it('splits a read by priority weight, every level getting at least one', () => {
    expect(weightedCounts({ high: 6, medium: 3, low: 1 }, 100)).toEqual({ high: 60, medium: 30, low: 10 });
    expect(weightedCounts({ high: 1000, medium: 1, low: 1 }, 10).low).toBe(1);
  });

  it('doubles the retry delay up to the cap', () => {
    const o = withDefaults({ retryBaseMs: 100, retryMaxMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((r) => backoffMs(o, r))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('stream ids', () => {
  it('compares numerically, not as text', () => {
    expect(compareIds('9-0', '10-0')).toBe(-1);
    expect(compareIds('10-2', '10-10')).toBe(-1);
    expect(compareIds('10-2', '10-2')).toBe(0);
  });

  it('computes the next id and time bounds', () => {
    expect(nextId('5-1')).toBe('5-2');
    expect(nextId('5-18446744073709551615')).toBe('6-0');
    expect(startOf(1000.7)).toBe('1000-0');
    expect(endOf(1000)).toBe('1000-18446744073709551615');
  });
});

describe('ulid', () => {
  it('makes valid, distinct, time-ordered ids from the pooled source', async () => {
    const { ulid } = await import('./ulid.ts');
    const ids = Array.from({ length: 10_000 }, () => ulid());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    await new Promise((r) => setTimeout(r, 3));
    const later = ulid();
    expect(later.slice(0, 10) > (ids[0] as string).slice(0, 10)).toBe(true);
    // All 32 characters appear in the random part: the source is not biased to a subset.
    expect(new Set(ids.flatMap((id) => id.slice(10).split(''))).size).toBe(32);
  });
});
