// memory_forget: deletes one memory — by its id, or the best match for a description — and returns what was deleted.
// Pinned memories and passages of files are never deleted here (unpin in the app; change or delete the file instead).
import * as v from 'valibot';
import { MEMORY_KINDS, type Memory } from '../../../memory/record.ts';
import { isRelevant } from '../contextRetrieve.ts';
import type { ToolContext } from '../types.ts';
import { clip, queryArg } from './args.ts';
import { defineTool, toolError } from './define.ts';

/** What a description may match: everything but passages of files. */
const FORGETTABLE = MEMORY_KINDS.filter((k) => k !== 'document_chunk');

const schema = v.pipe(
  v.strictObject({
    id: v.optional(
      v.pipe(
        v.string('expected the id as a string'),
        v.trim(),
        v.minLength(1, 'expected a non-empty id'),
        v.maxLength(64, 'expected a memory id (at most 64 characters)'),
        v.description('The id of the memory to delete, as memory_search or the context gave it.'),
      ),
    ),
    query: v.optional(
      queryArg(
        'What to forget, in the user\'s words: "my old phone number", «про Барсика». The best match is deleted.',
      ),
    ),
  }),
  v.check(
    (a) => (a.id === undefined) !== (a.query === undefined),
    'expected either id or query, not both and not neither',
  ),
);

const view = (m: Memory) => ({ id: m.id, kind: m.kind, text: clip(m.text, 400) });

async function forget(m: Memory, { memory }: ToolContext) {
  if (m.pinned) {
    return toolError('pinned', `memory ${m.id} is pinned, so it was kept; the user can unpin or delete it in the app`, {
      reason: 'pinned',
    });
  }
  if (m.kind === 'document_chunk') {
    return toolError(
      'file_passage',
      `memory ${m.id} is a passage of ${m.source.path ?? 'a file'}: change or delete the file instead`,
      { reason: 'file_passage' },
    );
  }
  const gone = await memory.delete(m.id);
  return gone ? { deleted: [view(m)] } : toolError('memory_not_found', `no memory ${m.id}`);
}

export const memoryForget = defineTool({
  name: 'memory_forget',
  description:
    'Deletes one memory from the user\'s long-term memory when they ask you to forget something ("forget …", «забудь …»). Give the id (from memory_search or the context) or a query (the best match is deleted). Returns what was deleted and other close matches, which you can delete by id if the user meant them too.',
  schema,
  risk: 'write',
  async run({ id, query }, ctx) {
    if (id !== undefined) return forget(await ctx.memory.get(id), ctx);
    const hits = (
      await ctx.memory.query(query as string, { k: 4, kinds: [...FORGETTABLE], graph: false, touch: false })
    ).filter((h) => isRelevant(h));
    const [best, ...others] = hits;
    if (!best) return { deleted: [], note: `nothing in memory matched ${JSON.stringify(query)}; nothing was deleted` };
    const result = await forget(best.memory, ctx);
    return others.length ? { ...result, other_matches: others.map((h) => view(h.memory)) } : result;
  },
});
