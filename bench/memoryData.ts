// Bench data for memory retrieval: a deterministic generator (seeded PRNG) of distinct, realistic memories — about 60%
// English, 40% Russian; facts, preferences, tasks, events and document chunks of 5–60 words — and of questions that
// paraphrase particular generated memories (so each has a known target), plus the labelled fixture queries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishMemory } from './memoryEn.ts';
import { chance, type Generated, mulberry32, seedOf } from './memoryRandom.ts';
import { russianMemory } from './memoryRu.ts';

export type { Generated } from './memoryRandom.ts';

/** Bump to get a different (but still reproducible) data set. */
const DATA_SEED = 1;

function memoryAt(i: number, attempt: number): Generated {
  const r = mulberry32(seedOf(i, DATA_SEED * 1000 + attempt));
  return chance(r, 0.6) ? englishMemory(r) : russianMemory(r);
}

/** `n` memories with distinct texts; the same `n` gives the same list in every run. */
export function generateMemories(n: number): Generated[] {
  const seen = new Set<string>();
  const out: Generated[] = [];
  for (let i = 0; out.length < n; i++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const m = memoryAt(i, attempt);
      if (seen.has(m.text)) continue;
      seen.add(m.text);
      out.push(m);
      break;
    }
  }
  return out;
}

/** `count` questions, each aimed at one memory spread evenly over the list: `target` is its index. */
export function targetedQueries(memories: readonly Generated[], count: number): { q: string; target: number }[] {
  const step = memories.length / count;
  return Array.from({ length: count }, (_, i) => {
    const target = Math.floor((i + 0.5) * step);
    return { q: (memories[target] as Generated).query, target };
  });
}

/** The labelled queries of the retrieval-quality fixture (their targets are not in the generated set). */
export function fixtureQueries(): string[] {
  const file = join(import.meta.dirname, '..', 'tests', 'fixtures', 'memory', 'queries.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { q: string }[]).map((q) => q.q);
}
