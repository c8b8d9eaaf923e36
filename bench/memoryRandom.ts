// Seeded randomness for the memory bench data: a small PRNG (mulberry32) and the picks the generators make, so the
// same index always yields the same memory in every run and on every machine.

import { mulberry32 as seededRandom } from '../tests/helpers/mulberry32.ts';

/** Uniform in [0, 1). */
export type Rand = () => number;

export const mulberry32: (seed: number) => Rand = seededRandom;

/** A well-mixed 32-bit seed for item `i` of stream `salt` (murmur3's fmix32). */
export function seedOf(i: number, salt = 0): number {
  let h = (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

export const chance = (r: Rand, p: number): boolean => r() < p;

/**
 * One entry; with skew > 1 the early entries come up more often, roughly like word frequencies in real text
 * (a few common words, a long tail of rare ones). skew 1 is uniform.
 */
export function pick<T>(r: Rand, xs: readonly T[], skew = 1.5): T {
  return xs[Math.floor(xs.length * r() ** skew)] as T;
}

/** `n` distinct entries (fewer if the list is shorter). */
export function pickN<T>(r: Rand, xs: readonly T[], n: number, skew = 1.5): T[] {
  const out = new Set<T>();
  for (let tries = 0; out.size < Math.min(n, xs.length) && tries < n * 20; tries++) out.add(pick(r, xs, skew));
  return [...out];
}

/** Whitespace-separated single words. */
export const words = (s: string): string[] => s.trim().split(/\s+/u);

/** Comma-separated phrases (entries may hold spaces). */
export const phrases = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A generated memory and a question a user might ask to find it again. */
export interface Generated {
  kind: 'fact' | 'preference' | 'task' | 'event' | 'document_chunk';
  lang: 'en' | 'ru';
  text: string;
  importance: number;
  query: string;
}

/** Calls one of the given makers, chosen at random. */
export function oneOf<T>(r: Rand, makers: readonly (() => T)[]): T {
  return pick(r, makers, 1)();
}

/** One of several phrasings of a memory, each with the questions that fit what that phrasing says. */
export function variant(r: Rand, makers: readonly (() => [string, string[]])[]): { text: string; query: string } {
  const [text, queries] = oneOf(r, makers);
  return { text, query: pick(r, queries, 1) };
}

/** A lead sentence and as many of the others as fit in `maxWords` (a memory stays within 5–60 words). */
export function paragraph(lead: string, rest: (() => string)[], maxWords = 52): string {
  const out = [lead];
  let count = lead.split(' ').length;
  for (const make of rest) {
    const s = make();
    const n = s.split(' ').length;
    if (count + n > maxWords) break;
    out.push(s);
    count += n;
  }
  return out.join(' ');
}
