// ingest_file: reads a file's text into memory now (chunked, embedded, searchable), reporting the outcome and chunks.
import * as v from 'valibot';
import { pathArg } from './args.ts';
import { defineTool, toolError } from './define.ts';

const schema = v.strictObject({
  path: pathArg('The file to index: absolute, or relative to the home folder, e.g. "Downloads/report.pdf".'),
});

export const ingestFile = defineTool({
  name: 'ingest_file',
  description:
    'Indexes one file now so search_files and memory can find its passages (files in the allowed folders are indexed in the background anyway; use this for a file that is new or was not found). Returns the outcome (indexed, unchanged, no_text, unsupported, failed) and the number of passages.',
  schema,
  risk: 'read',
  async run({ path }, { files, who }) {
    const target = await files.resolve(path, 'read', who);
    if (target.kind === 'dir') {
      return toolError('bad_path', `${target.path} is a folder: list it and ingest its files one by one`, {
        reason: 'is_a_directory',
      });
    }
    // Stats the checked file (a missing one is a not_found result) before the ingestor reads it through the guard.
    await files.ops.stat(target);
    const result = await files.ingestor.ingest(target.path);
    if (result.outcome === 'failed') {
      return toolError('ingest_failed', `${result.path} could not be indexed: ${result.error ?? 'unknown error'}`, {
        path: result.path,
      });
    }
    return { path: result.path, outcome: result.outcome, chunks: result.chunks };
  },
});
