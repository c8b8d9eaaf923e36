// 011: notifications — what Titan raised for the user while nobody was watching (a trigger's reaction, a goal's
// result), newest first by ULID, with an unread marker. conversation_id is not a foreign key: a notification outlives
// a purged conversation (the UI then shows it without a link). The store keeps only the newest ~1000.
export default {
  version: 11,
  name: 'notifications',
  sql: `
CREATE TABLE IF NOT EXISTS notifications (
  id text COLLATE "C" PRIMARY KEY,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  level text NOT NULL DEFAULT 'info' CHECK (level IN ('info', 'warn', 'error')),
  source text NOT NULL,
  conversation_id text COLLATE "C",
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  read_at timestamptz
);
CREATE INDEX IF NOT EXISTS notifications_unread ON notifications (id) WHERE read_at IS NULL;
`,
};
