// 003: the embedding cache — one vector per (model, dimensions, sha256 of the text), so nothing is embedded twice.
// real[] rather than a typed vector column: lengths vary by model, and the cache is read by key, never searched.
export default {
  version: 3,
  name: 'embedding_cache',
  sql: `
CREATE TABLE IF NOT EXISTS embedding_cache (
  model text NOT NULL,
  dimensions integer NOT NULL,
  hash text NOT NULL,
  vector real[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, dimensions, hash)
);
`,
};
