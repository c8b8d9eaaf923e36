// search_files: the user's ingested files ranked for a question (hybrid retrieval over their passages), with the best
// passage's snippet and page.
import * as v from 'valibot';
import { countArg, queryArg, round } from './args.ts';
import { defineTool } from './define.ts';

const schema = v.strictObject({
  query: queryArg('What to look for, in the user\'s words (any language): "the lease deposit", «договор аренды».'),
  k: countArg(20, 8, 'How many files to return.'),
});

export const searchFiles = defineTool({
  name: 'search_files',
  description:
    "Searches the content of the user's indexed files by meaning and by words, and returns the best-matching files with a snippet of the matching passage, its page and a score. Use read_file on a result to read more.",
  schema,
  risk: 'read',
  async run({ query, k }, { files }) {
    const hits = await files.search(query, k);
    return {
      query,
      results: hits.map((h) => ({
        path: h.path,
        page: h.page,
        score: round(h.score),
        matches: h.matches,
        snippet: h.snippet,
        memory_id: h.memory_id,
      })),
      ...(hits.length === 0
        ? {
            note: 'no indexed file matched; files become searchable once ingested (ingest_file), or look with list_files',
          }
        : {}),
    };
  },
});
