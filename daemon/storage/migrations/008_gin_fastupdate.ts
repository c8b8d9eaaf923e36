// 008: the full-text GIN indexes write each insert straight into the index (fastupdate off) instead of a pending list
// that every query must read until a vacuum merges it — PGlite never vacuums, and on Postgres a burst of inserts took
// memory full-text p95 from 12 to 31 ms (bench/memory.bench.ts). Whatever is pending now is merged once.
export default {
  version: 8,
  name: 'gin_fastupdate',
  sql: `
ALTER INDEX IF EXISTS memories_fts SET (fastupdate = off);
ALTER INDEX IF EXISTS messages_fts SET (fastupdate = off);
SELECT gin_clean_pending_list('memories_fts'::regclass);
SELECT gin_clean_pending_list('messages_fts'::regclass);
`,
};
