// The goals feature's shapes: a goal (what to work on, when, within which budget and tools), its runs and their steps.

export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'budget_exhausted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The statuses a run ends in. */
export type FinalStatus = Exclude<RunStatus, 'queued' | 'running'>;

/**
 * thought: the model's text before its tool calls; tool_call: one call (a step of the budget); observation: the call's
 * result as the model saw it; answer: the final text; note: why the run stopped (budget, cancel, failure).
 */
export const STEP_KINDS = ['thought', 'tool_call', 'observation', 'answer', 'note'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface Budget {
  /** Tool calls one run may make; the run stops before the one that would exceed it. */
  max_steps: number;
  /** Tokens (prompt + completion, all model requests) after which no further step starts. */
  max_tokens: number;
}

export interface NewGoal {
  title: string;
  instructions: string;
  /** A cron expression (5 or 6 fields) when the goal runs by itself; null when it runs only when started. */
  schedule: string | null;
  budget: Budget;
  /** Tools granted beyond the unattended default (read-only tools and memory_save). */
  allowed_tools: string[];
  /** A disabled goal is not run by its schedule or by triggers; it can still be started by hand. */
  enabled: boolean;
}

export interface Goal extends NewGoal {
  id: string;
  created_at: string;
  updated_at: string;
}

export type GoalPatch = Partial<NewGoal>;

export interface RunTrigger {
  kind: 'manual' | 'schedule' | 'trigger';
  /** The scheduler's run id, the trigger rule's id. */
  detail?: string;
}

export interface GoalRun {
  id: string;
  goal_id: string;
  status: RunStatus;
  trigger: RunTrigger;
  /** The budget the run started with (later edits of the goal do not change it). */
  budget: Budget;
  /** Tool calls made. */
  steps: number;
  tokens: number;
  /** The model's final text, when it answered. */
  answer: string | null;
  /** One sentence for the run history. */
  summary: string | null;
  error: { code: string; message: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A step as the loop reports it. */
export interface StepInput {
  kind: StepKind;
  /** A thought's, answer's or note's text; an observation's result (JSON, as the model saw it). */
  text?: string;
  tool?: string;
  call_id?: string;
  /** A tool call's arguments (parsed, or the raw text when they were not JSON). */
  args?: unknown;
  /** An observation's: whether the tool did what was asked. */
  ok?: boolean;
}

export interface GoalStep {
  seq: number;
  kind: StepKind;
  text: string | null;
  tool: string | null;
  call_id: string | null;
  args: unknown;
  ok: boolean | null;
  /** Tokens the run had used when this step was recorded. */
  tokens: number;
  created_at: string;
}
