// 001: pgvector, and a key/value table for instance facts (instance id, engine versions).
export default {
  version: 1,
  name: 'core',
  sql: `
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS titan_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
};
