// The Goals screen's calls to /api/goals: goals (list, create, edit, delete), their runs (start, list, read with
// steps, cancel). The types are the web app's copies of the daemon's response schemas (daemon/autonomy/goals/routes.ts).
import { api } from '../lib/api.ts';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'budget_exhausted';
export type StepKind = 'thought' | 'tool_call' | 'observation' | 'answer' | 'note';
export interface Budget {
  max_steps: number;
  max_tokens: number;
}
export interface Goal {
  id: string;
  title: string;
  instructions: string;
  schedule: string | null;
  budget: Budget;
  allowed_tools: string[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
  running_run_id: string | null;
}
export interface GoalRun {
  id: string;
  goal_id: string;
  status: RunStatus;
  trigger: { kind: 'manual' | 'schedule' | 'trigger'; detail?: string };
  budget: Budget;
  steps: number;
  tokens: number;
  answer: string | null;
  summary: string | null;
  error: { code: string; message: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
export interface GoalStep {
  seq: number;
  kind: StepKind;
  text: string | null;
  tool: string | null;
  call_id: string | null;
  args: unknown;
  ok: boolean | null;
  tokens: number;
  created_at: string;
}
export interface GoalInput {
  title: string;
  instructions: string;
  schedule: string | null;
  budget?: Partial<Budget>;
  allowed_tools: string[];
  enabled: boolean;
}

const goal = (id: string) => `/api/goals/${encodeURIComponent(id)}`;
export const isActive = (s: RunStatus) => s === 'queued' || s === 'running';

export const goalsApi = {
  list: () => api<{ items: Goal[] }>('/api/goals').then((r) => r.items),
  get: (id: string) => api<Goal>(goal(id)),
  create: (input: GoalInput) => api<Goal>('/api/goals', { method: 'POST', json: input }),
  update: (id: string, input: Partial<GoalInput>) => api<Goal>(goal(id), { method: 'PATCH', json: input }),
  remove: (id: string) => api(goal(id), { method: 'DELETE' }),
  start: (id: string) => api<{ run_id: string }>(`${goal(id)}/runs`, { method: 'POST' }),
  runs: (id: string, limit = 20, before?: string) =>
    api<{ items: GoalRun[]; next_before: string | null }>(
      `${goal(id)}/runs?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    ),
  run: (id: string, runId: string) =>
    api<{ run: GoalRun; steps: GoalStep[] }>(`${goal(id)}/runs/${encodeURIComponent(runId)}`),
  cancel: (id: string, runId: string) =>
    api<GoalRun>(`${goal(id)}/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' }),
};
