// ULIDs from a pooled random buffer: the ulid package's default source makes 16 one-byte crypto calls per id
// (about 35 µs and 16 small allocations per event, measured in bench/bus.bench.ts), so ids draw from a shared pool.
import { randomFillSync } from 'node:crypto';
import { ulid as makeUlid } from 'ulid';

const POOL = Buffer.alloc(4096);
let at = POOL.length;

/** Uniform in [0, 1) with 8 bits: ulid only ever needs Math.floor(x * 32), and 256 is a multiple of 32. */
function pooledRandom(): number {
  if (at >= POOL.length) {
    randomFillSync(POOL);
    at = 0;
  }
  return (POOL[at++] as number) / 256;
}

export function ulid(): string {
  return makeUlid(undefined, pooledRandom);
}
