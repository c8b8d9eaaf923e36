// The login limiter allows N attempts per sliding minute per client, then says how long to wait.
import { expect, it } from 'vitest';
import { LoginLimiter } from './loginLimiter.ts';

it('allows N attempts a minute per client and says how long to wait', () => {
  let now = 1_000_000;
  const limiter = new LoginLimiter(
    () => 3,
    () => now,
  );
  expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
  expect(limiter.take('a')).toBe(60);
  expect(limiter.take('b')).toBe(0);
  now += 30_000;
  expect(limiter.take('a')).toBe(30);
  now += 30_001;
  expect(limiter.take('a')).toBe(0);
});
