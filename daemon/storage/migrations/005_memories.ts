// 005: semantic memories — one row per memory with its history, provenance and a `simple` full-text index.
// Vectors live apart, in `memory_vectors_<dims>` created at start for the configured dimensions (memory/vectors.ts):
// a static migration cannot know the dims, and a table per dims lets a re-embed fill a new table while the old serves.
export default {
  version: 5,
  name: 'memories',
  sql: `
CREATE TABLE IF NOT EXISTS memories (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('fact', 'preference', 'task', 'event', 'summary', 'message', 'document_chunk')),
  text text NOT NULL,
  slot text,
  source jsonb NOT NULL DEFAULT '{}',
  provenance jsonb NOT NULL DEFAULT '[]',
  importance double precision NOT NULL DEFAULT 0.5 CHECK (importance >= 0 AND importance <= 1),
  pinned boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_accessed_at timestamptz,
  access_count integer NOT NULL DEFAULT 0,
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  supersedes text REFERENCES memories (id) ON DELETE SET NULL,
  expires_at timestamptz,
  content_hash text NOT NULL,
  model text,
  fts tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
);
CREATE INDEX IF NOT EXISTS memories_fts ON memories USING gin (fts);
CREATE INDEX IF NOT EXISTS memories_hash ON memories (content_hash);
CREATE INDEX IF NOT EXISTS memories_slot ON memories (slot) WHERE valid_to IS NULL;
CREATE INDEX IF NOT EXISTS memories_expires ON memories (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS memories_kind ON memories (kind);
-- Without it every deleted memory scans the table for rows that supersede it (ON DELETE SET NULL): GC would be O(n²).
CREATE INDEX IF NOT EXISTS memories_supersedes ON memories (supersedes) WHERE supersedes IS NOT NULL;
`,
};
