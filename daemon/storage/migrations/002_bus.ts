// 002: the embedded bus transport's log — streams, entries, consumer groups, pending entries, and once-only marks.
// Ids are "<ms>-<seq>" split into two bigints so they sort and compare as Redis stream ids do.
export default {
  version: 2,
  name: 'bus',
  sql: `
CREATE TABLE IF NOT EXISTS bus_streams (
  stream text PRIMARY KEY,
  last_ms bigint NOT NULL DEFAULT 0,
  last_seq bigint NOT NULL DEFAULT 0,
  length bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS bus_entries (
  stream text NOT NULL REFERENCES bus_streams ON DELETE CASCADE,
  ms bigint NOT NULL,
  seq bigint NOT NULL,
  data text NOT NULL,
  PRIMARY KEY (stream, ms, seq)
);
CREATE TABLE IF NOT EXISTS bus_groups (
  stream text NOT NULL REFERENCES bus_streams ON DELETE CASCADE,
  grp text NOT NULL,
  last_ms bigint NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (stream, grp)
);
CREATE TABLE IF NOT EXISTS bus_pending (
  stream text NOT NULL,
  grp text NOT NULL,
  ms bigint NOT NULL,
  seq bigint NOT NULL,
  consumer text NOT NULL,
  deliveries integer NOT NULL,
  delivered_at bigint NOT NULL,
  PRIMARY KEY (stream, grp, ms, seq),
  FOREIGN KEY (stream, grp) REFERENCES bus_groups ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS bus_pending_consumer ON bus_pending (stream, grp, consumer, ms, seq);
CREATE TABLE IF NOT EXISTS bus_once (
  key text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_once_expires ON bus_once (expires_at);
`,
};
