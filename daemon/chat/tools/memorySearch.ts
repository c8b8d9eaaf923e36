// memory_search: the user's long-term memory searched by meaning and words (hybrid retrieval, graph neighbours of the
// names in the query), each hit with its id, kind, source and scores; unrelated nearest neighbours are dropped.
import * as v from 'valibot';
import { MEMORY_KINDS } from '../../../memory/record.ts';
import type { Hit } from '../../../memory/retrieve.ts';
import { isRelevant } from '../contextRetrieve.ts';
import { clip, countArg, queryArg, round } from './args.ts';
import { defineTool } from './define.ts';

const schema = v.strictObject({
  query: queryArg('What to recall, in the user\'s words (any language): "coffee preference", «день рождения Оли».'),
  k: countArg(30, 8, 'How many memories to return at most.'),
  kinds: v.optional(
    v.pipe(
      v.array(v.picklist(MEMORY_KINDS, `expected one of ${MEMORY_KINDS.join(', ')}`)),
      v.minLength(1, 'expected at least one kind, or leave kinds out'),
      v.description(
        'Only these kinds: fact, preference, task, event, summary, message, document_chunk (a passage of a file). Default: all.',
      ),
    ),
  ),
});

/** A hit as the model sees it: the text, where it came from, and why it matched. */
export function hitView(h: Hit) {
  const m = h.memory;
  return {
    id: m.id,
    kind: m.kind,
    text: clip(m.text, 1200),
    score: round(h.score),
    importance: m.importance,
    pinned: m.pinned,
    created_at: m.created_at,
    source: m.source,
    matched: {
      ...(h.parts.text ? { text_rank: h.parts.text.rank } : {}),
      ...(h.parts.vector ? { vector_similarity: round(h.parts.vector.similarity, 3) } : {}),
      ...(h.parts.graph ? { graph: true } : {}),
    },
  };
}

export const memorySearch = defineTool({
  name: 'memory_search',
  description:
    "Searches the user's long-term memory — facts, preferences, tasks, events, summaries and passages of their files — by meaning and by words. Returns each memory's id, kind, text, source (conversation or file path and page) and score.",
  schema,
  risk: 'read',
  async run({ query, k, kinds }, { memory }) {
    const hits = (await memory.query(query, { k, kinds, graph: true, touch: false })).filter((h) => isRelevant(h));
    // Only what the model is shown counts as accessed (it keeps memories from GC).
    await memory.store.touch(hits.map((h) => h.memory.id));
    return {
      query,
      results: hits.map(hitView),
      ...(hits.length === 0 ? { note: 'nothing in memory matched' } : {}),
    };
  },
});
