// 009: the scheduler — the jobs users create (built-in jobs live in code and settings, goal jobs with their goals) and
// every run of every job: status, trigger, when it was due, start, duration, output, error and progress lines.
// Runs carry no foreign key: built-in and goal jobs have no row here. Ids are ULIDs compared byte by byte (COLLATE
// "C"), so their order is the order runs were made.
export default {
  version: 9,
  name: 'scheduler',
  sql: `
CREATE TABLE IF NOT EXISTS scheduler_jobs (
  id text COLLATE "C" PRIMARY KEY,
  description text NOT NULL,
  cron text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  missed text CHECK (missed IN ('skip', 'run_once')),
  action jsonb NOT NULL,
  grants jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

CREATE TABLE IF NOT EXISTS scheduler_runs (
  id text COLLATE "C" PRIMARY KEY,
  job_id text COLLATE "C" NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'ok', 'failed', 'skipped', 'cancelled')),
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catch_up')),
  scheduled_for timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer,
  output jsonb,
  error text,
  progress jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS scheduler_runs_job ON scheduler_runs (job_id, id DESC);
`,
};
