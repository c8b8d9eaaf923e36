// 010: goals — what the user asked Titan to work on unattended (instructions, schedule, budget, granted tools), each
// run of one (status, trigger, tokens, answer) and the run's steps as they happened (thought, tool call, observation,
// answer, note). Ids are ULIDs compared byte by byte (COLLATE "C"), so their order is time order.
export default {
  version: 10,
  name: 'goals',
  sql: `
CREATE TABLE IF NOT EXISTS goals (
  id text COLLATE "C" PRIMARY KEY,
  title text NOT NULL,
  instructions text NOT NULL,
  schedule text,
  max_steps integer NOT NULL CHECK (max_steps >= 0),
  max_tokens integer NOT NULL CHECK (max_tokens >= 1),
  allowed_tools jsonb NOT NULL DEFAULT '[]',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

CREATE TABLE IF NOT EXISTS goal_runs (
  id text COLLATE "C" PRIMARY KEY,
  goal_id text COLLATE "C" NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'budget_exhausted')),
  trigger jsonb NOT NULL,
  budget jsonb NOT NULL,
  steps integer NOT NULL DEFAULT 0,
  tokens integer NOT NULL DEFAULT 0,
  answer text,
  summary text,
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS goal_runs_goal ON goal_runs (goal_id, id DESC);
-- Runs left unfinished by a stopped daemon are found at start without a scan.
CREATE INDEX IF NOT EXISTS goal_runs_unfinished ON goal_runs (id) WHERE status IN ('queued', 'running');

CREATE TABLE IF NOT EXISTS goal_steps (
  run_id text COLLATE "C" NOT NULL REFERENCES goal_runs (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('thought', 'tool_call', 'observation', 'answer', 'note')),
  text text,
  tool text,
  call_id text,
  args jsonb,
  ok boolean,
  tokens integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  PRIMARY KEY (run_id, seq)
);
`,
};
