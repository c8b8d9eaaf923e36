// The Scheduler screen's calls to /api/scheduler: jobs (list, change cron or enabled), run one now, its run history.
// The types are the web app's copies of the daemon's response schemas (daemon/autonomy/scheduler/routes.ts).
import { api } from '../lib/api.ts';

export type RunStatus = 'queued' | 'running' | 'ok' | 'failed' | 'skipped' | 'cancelled';
export interface JobRun {
  id: string;
  job_id: string;
  status: RunStatus;
  trigger: 'schedule' | 'manual' | 'catch_up';
  scheduled_for: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: { summary: string; details?: Record<string, unknown> } | null;
  error: string | null;
  progress: string[];
}
export interface Job {
  id: string;
  description: string;
  kind: 'builtin' | 'user' | 'goal';
  cron: string;
  enabled: boolean;
  missed: 'skip' | 'run_once';
  next_run_at: string | null;
  running: { run_id: string; started_at: string | null; progress: string[] } | null;
  last_run: {
    id: string;
    status: string;
    trigger: string;
    started_at: string | null;
    finished_at: string | null;
    duration_ms: number | null;
    summary: string | null;
    error: string | null;
  } | null;
  action?: unknown;
  grants?: string[];
}

const job = (id: string) => `/api/scheduler/jobs/${encodeURIComponent(id)}`;

export const schedulerApi = {
  list: () => api<{ jobs: Job[] }>('/api/scheduler/jobs').then((r) => r.jobs),
  patch: (id: string, change: { cron?: string; enabled?: boolean }) =>
    api<{ job: Job }>(job(id), { method: 'PATCH', json: change }).then((r) => r.job),
  run: (id: string) => api<{ run: JobRun }>(`${job(id)}/run`, { method: 'POST' }).then((r) => r.run),
  runs: (id: string, before?: string) =>
    api<{ runs: JobRun[]; next_before: string | null }>(
      `${job(id)}/runs?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    ),
};
