// 007: chat history — conversations (soft-deletable) and their messages, with a `simple` full-text index over messages.
// Ids are ULIDs compared byte by byte (COLLATE "C"): their order is time order, and sorting them needs no locale.
// Timestamps are written at millisecond precision so the ISO strings the API shows (and its cursors carry) are exact.
// The indexed text folds ё to е and splits paths, e-mails, hosts and tags into words (the default parser keeps
// "/home/anna/report.pdf" as one token and drops "<div>" as a tag), and stops at 100,000 characters: a tsvector has a
// 1 MB cap, and a long tool result must never make its message fail to save.
export default {
  version: 7,
  name: 'chat',
  sql: `
CREATE TABLE IF NOT EXISTS conversations (
  id text COLLATE "C" PRIMARY KEY,
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  deleted_at timestamptz,
  message_count integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS conversations_live ON conversations (updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS conversations_deleted ON conversations (deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS messages (
  id text COLLATE "C" PRIMARY KEY,
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content text NOT NULL DEFAULT '',
  tool_calls jsonb NOT NULL DEFAULT '[]',
  tool_call_id text,
  status text NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'error')),
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  fts tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', translate(left(content, 100000), 'Ёё/\\._@:<>', 'Ее        '))
  ) STORED
);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, id);
CREATE INDEX IF NOT EXISTS messages_fts ON messages USING gin (fts);
`,
};
