// 006: what Titan knows of each file in the allowed folders — size, mtime, content hash and ingest status — so a
// rescan skips what has not changed, and the UI and chat can tell whether a file is searchable yet.
export default {
  version: 6,
  name: 'file_index',
  sql: `
CREATE TABLE IF NOT EXISTS file_index (
  path text PRIMARY KEY,
  size bigint NOT NULL,
  mtime_ms double precision NOT NULL,
  content_hash text,
  status text NOT NULL CHECK (status IN ('pending', 'indexed', 'no_text', 'unsupported', 'failed')),
  kind text,
  pages integer,
  chunks integer NOT NULL DEFAULT 0,
  error text,
  indexed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS file_index_hash ON file_index (content_hash);
-- A file's chunks are found by path when it changes, moves or goes away.
CREATE INDEX IF NOT EXISTS memories_document_path ON memories ((source->>'path')) WHERE kind = 'document_chunk';
`,
};
