// The built-in offline embedder: deterministic character n-gram feature hashing, good enough for Russian and English
// search with no network. The same text gives the same vector in every process, on every platform, after every restart.
import { EmbedderAbortedError } from '../errors/embedderAbortedError.ts';
import { EmptyTextError } from '../errors/emptyTextError.ts';
import type { Embedder } from '../types.ts';
import { stem } from './stem.ts';

/** The model id stored with each vector; bump the version whenever the features or the hash change. */
export const OFFLINE_MODEL = 'titan-ngram-v1';

export interface OfflineEmbedderOptions {
  /** Vector length. Default 384 (config.json's default). */
  dimensions?: number;
}

// Whole words say more than any one of their n-grams; stems sit between (they tie word forms together).
const WORD_WEIGHT = 2;
const STEM_WEIGHT = 1.5;
const GRAM_WEIGHT = 1;
const MIN_GRAM = 3;
const MAX_GRAM = 5;
// Distinct seeds keep the three feature kinds in separate hash spaces ("w:дом" never collides with the gram "дом").
const SEED_WORD = 0x811c9dc5;
const SEED_STEM = 0x2f6b_1a3d;
const SEED_GRAM = 0x5bd1_e995;

/** NFKC, locale-independent lower case, ё→е, whitespace collapsed and trimmed. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/ё/g, 'е').replace(/\s+/gu, ' ').trim();
}

/** Words are runs of letters and digits; a text with none (e.g. only punctuation) uses its non-space chunks instead. */
function wordsOf(normalized: string): string[] {
  const words = normalized.match(/[\p{L}\p{N}]+/gu);
  if (words && words.length > 0) return words;
  return normalized.split(' ').filter((w) => w.length > 0);
}

/**
 * FNV-1a over the UTF-16 code units of s[start, end), then MurmurHash3's fmix32 so every output bit depends on every
 * input bit (plain FNV's low bits are weak, and we take both an index and a sign from the hash).
 */
export function hash32(seed: number, s: string, start = 0, end = s.length): number {
  let h = seed >>> 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ (c & 0xff), 0x01000193);
    h = Math.imul(h ^ (c >>> 8), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function count(counts: Map<number, number>, h: number): void {
  counts.set(h, (counts.get(h) ?? 0) + 1);
}

/** Feature hash → occurrence count, one map per feature kind. */
function featuresOf(words: string[]): Map<number, number>[] {
  const wordCounts = new Map<number, number>();
  const stemCounts = new Map<number, number>();
  const gramCounts = new Map<number, number>();
  for (const word of words) {
    count(wordCounts, hash32(SEED_WORD, word));
    count(stemCounts, hash32(SEED_STEM, stem(word)));
    // Boundary markers make prefixes and suffixes their own grams ("<до", "ор>"); a short word yields at least "<w>".
    const padded = `<${word}>`;
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (let i = 0; i + n <= padded.length; i++) count(gramCounts, hash32(SEED_GRAM, padded, i, i + n));
    }
  }
  return [wordCounts, stemCounts, gramCounts];
}

/** Signed hashing trick with sublinear tf (1 + ln count), then L2 normalisation. */
function project(kinds: Map<number, number>[], dimensions: number): Float64Array {
  const weights = [WORD_WEIGHT, STEM_WEIGHT, GRAM_WEIGHT];
  const v = new Float64Array(dimensions);
  kinds.forEach((counts, k) => {
    const weight = weights[k] ?? 1;
    for (const [h, c] of counts) {
      // The top bit picks the sign so collisions cancel on average instead of piling up.
      const sign = h & 0x8000_0000 ? -1 : 1;
      const i = (h & 0x7fff_ffff) % dimensions;
      v[i] = (v[i] ?? 0) + sign * weight * (1 + Math.log(c));
    }
  });
  return v;
}

function normalize(v: Float64Array): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  // Cannot happen with the weights above (2 ± 1.5 ± 1 ≠ 0 for the smallest text), but never return a zero vector.
  if (norm === 0) {
    v[0] = 1;
    return Array.from(v);
  }
  return Array.from(v, (x) => x / norm);
}

/**
 * Embeds one text. Throws EmptyTextError (index 0) for a text that is empty after normalisation: a zero vector
 * would break cosine distance, and a fixed vector would make every empty text "identical" to every other.
 */
export function embedOne(text: string, dimensions: number, index = 0): number[] {
  const normalized = normalizeText(text);
  if (normalized.length === 0) throw new EmptyTextError(index);
  return normalize(project(featuresOf(wordsOf(normalized)), dimensions));
}

export class OfflineEmbedder implements Embedder {
  readonly model = OFFLINE_MODEL;
  readonly dimensions: number;

  constructor(options: OfflineEmbedderOptions = {}) {
    const dimensions = options.dimensions ?? 384;
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError(`dimensions must be a positive integer`);
    this.dimensions = dimensions;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (signal?.aborted) throw new EmbedderAbortedError({ cause: signal.reason });
    return texts.map((text, i) => embedOne(text, this.dimensions, i));
  }
}
