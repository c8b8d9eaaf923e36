// GoalStore: goals, their runs and the runs' steps in the Sql store — one set of queries for Postgres and PGlite.
import { ulid } from '../../../bus/ulid.ts';
import type { Sql } from '../../storage/sql.ts';
import { GoalError } from './goalError.ts';
import type {
  Budget,
  FinalStatus,
  Goal,
  GoalPatch,
  GoalRun,
  GoalStep,
  NewGoal,
  RunStatus,
  RunTrigger,
  StepInput,
  StepKind,
} from './types.ts';

type Row = Record<string, unknown>;

const GOAL_COLUMNS =
  'id, title, instructions, schedule, max_steps, max_tokens, allowed_tools, enabled, created_at, updated_at';
const RUN_COLUMNS =
  'id, goal_id, status, trigger, budget, steps, tokens, answer, summary, error, created_at, started_at, finished_at';
const STEP_COLUMNS = 'seq, kind, text, tool, call_id, args, ok, tokens, created_at';

const now = () => new Date().toISOString();
const iso = (x: unknown): string | null => (x == null ? null : new Date(x as string | Date).toISOString());

function toGoal(r: Row): Goal {
  return {
    id: r.id as string,
    title: r.title as string,
    instructions: r.instructions as string,
    schedule: (r.schedule as string | null) ?? null,
    budget: { max_steps: Number(r.max_steps), max_tokens: Number(r.max_tokens) },
    allowed_tools: (r.allowed_tools as string[]) ?? [],
    enabled: Boolean(r.enabled),
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
  };
}

function toRun(r: Row): GoalRun {
  return {
    id: r.id as string,
    goal_id: r.goal_id as string,
    status: r.status as RunStatus,
    trigger: r.trigger as RunTrigger,
    budget: r.budget as Budget,
    steps: Number(r.steps),
    tokens: Number(r.tokens),
    answer: (r.answer as string | null) ?? null,
    summary: (r.summary as string | null) ?? null,
    error: (r.error as GoalRun['error']) ?? null,
    created_at: iso(r.created_at) as string,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
  };
}

function toStep(r: Row): GoalStep {
  return {
    seq: Number(r.seq),
    kind: r.kind as StepKind,
    text: (r.text as string | null) ?? null,
    tool: (r.tool as string | null) ?? null,
    call_id: (r.call_id as string | null) ?? null,
    args: r.args ?? null,
    ok: (r.ok as boolean | null) ?? null,
    tokens: Number(r.tokens),
    created_at: iso(r.created_at) as string,
  };
}

export interface RunEnd {
  status: FinalStatus;
  steps: number;
  tokens: number;
  answer: string | null;
  summary: string;
  error?: { code: string; message: string };
}

export class GoalStore {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async create(goal: NewGoal): Promise<Goal> {
    const at = now();
    const [row] = await this.sql.query(
      `INSERT INTO goals (id, title, instructions, schedule, max_steps, max_tokens, allowed_tools, enabled, created_at,
         updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $9) RETURNING ${GOAL_COLUMNS}`,
      [
        ulid(),
        goal.title,
        goal.instructions,
        goal.schedule,
        goal.budget.max_steps,
        goal.budget.max_tokens,
        JSON.stringify(goal.allowed_tools),
        goal.enabled,
        at,
      ],
    );
    return toGoal(row as Row);
  }

  async get(id: string): Promise<Goal> {
    const [row] = await this.sql.query(`SELECT ${GOAL_COLUMNS} FROM goals WHERE id = $1`, [id]);
    if (!row) throw new GoalError('goal_not_found', `no goal ${id}: list them with GET /api/goals`);
    return toGoal(row);
  }

  /** Every goal, newest first (a user keeps tens, not thousands). */
  async list(): Promise<Goal[]> {
    const rows = await this.sql.query(`SELECT ${GOAL_COLUMNS} FROM goals ORDER BY id DESC`);
    return rows.map(toGoal);
  }

  async update(id: string, patch: GoalPatch): Promise<Goal> {
    const current = await this.get(id);
    const next = { ...current, ...patch, budget: { ...current.budget, ...patch.budget } };
    const [row] = await this.sql.query(
      `UPDATE goals SET title = $2, instructions = $3, schedule = $4, max_steps = $5, max_tokens = $6,
         allowed_tools = $7::jsonb, enabled = $8, updated_at = $9
       WHERE id = $1 RETURNING ${GOAL_COLUMNS}`,
      [
        id,
        next.title,
        next.instructions,
        next.schedule,
        next.budget.max_steps,
        next.budget.max_tokens,
        JSON.stringify(next.allowed_tools),
        next.enabled,
        now(),
      ],
    );
    if (!row) throw new GoalError('goal_not_found', `no goal ${id}: it was deleted meanwhile`);
    return toGoal(row);
  }

  /** Deletes a goal with its runs and their steps. */
  async delete(id: string): Promise<void> {
    const rows = await this.sql.query('DELETE FROM goals WHERE id = $1 RETURNING id', [id]);
    if (rows.length === 0) throw new GoalError('goal_not_found', `no goal ${id}: list them with GET /api/goals`);
  }

  async createRun(goal: Goal, trigger: RunTrigger, id: string = ulid()): Promise<GoalRun> {
    const [row] = await this.sql.query(
      `INSERT INTO goal_runs (id, goal_id, status, trigger, budget, created_at)
       VALUES ($1, $2, 'queued', $3::jsonb, $4::jsonb, $5) RETURNING ${RUN_COLUMNS}`,
      [id, goal.id, JSON.stringify(trigger), JSON.stringify(goal.budget), now()],
    );
    return toRun(row as Row);
  }

  async markRunning(runId: string): Promise<void> {
    await this.sql.query(`UPDATE goal_runs SET status = 'running', started_at = $2 WHERE id = $1`, [runId, now()]);
  }

  async finishRun(runId: string, end: RunEnd): Promise<GoalRun> {
    const [row] = await this.sql.query(
      `UPDATE goal_runs SET status = $2, steps = $3, tokens = $4, answer = $5, summary = $6, error = $7::jsonb,
         finished_at = $8
       WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [
        runId,
        end.status,
        end.steps,
        end.tokens,
        end.answer,
        end.summary,
        end.error ? JSON.stringify(end.error) : null,
        now(),
      ],
    );
    return toRun(row as Row);
  }

  /** Records one step and the run's running totals, so a reader sees the run as far as it got. */
  async addStep(runId: string, seq: number, step: StepInput, totals: { steps: number; tokens: number }) {
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO goal_steps (run_id, seq, kind, text, tool, call_id, args, ok, tokens, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
        [
          runId,
          seq,
          step.kind,
          step.text ?? null,
          step.tool ?? null,
          step.call_id ?? null,
          step.args === undefined ? null : JSON.stringify(step.args),
          step.ok ?? null,
          totals.tokens,
          now(),
        ],
      );
      await tx.query('UPDATE goal_runs SET steps = $2, tokens = $3 WHERE id = $1', [
        runId,
        totals.steps,
        totals.tokens,
      ]);
    });
  }

  async getRun(goalId: string, runId: string): Promise<GoalRun> {
    const [row] = await this.sql.query(`SELECT ${RUN_COLUMNS} FROM goal_runs WHERE id = $1 AND goal_id = $2`, [
      runId,
      goalId,
    ]);
    if (!row) throw new GoalError('run_not_found', `goal ${goalId} has no run ${runId}`);
    return toRun(row);
  }

  /** A goal's runs, newest first; `before` (a run id) pages back. */
  async listRuns(goalId: string, limit: number, before?: string): Promise<GoalRun[]> {
    const rows = await this.sql.query(
      `SELECT ${RUN_COLUMNS} FROM goal_runs WHERE goal_id = $1 AND ($2::text IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [goalId, before ?? null, limit],
    );
    return rows.map(toRun);
  }

  async steps(runId: string): Promise<GoalStep[]> {
    const rows = await this.sql.query(`SELECT ${STEP_COLUMNS} FROM goal_steps WHERE run_id = $1 ORDER BY seq`, [runId]);
    return rows.map(toStep);
  }

  /** Runs a stopped daemon left queued or running: failed, with the reason. Returns how many. */
  async failUnfinished(message: string): Promise<number> {
    const rows = await this.sql.query(
      `UPDATE goal_runs SET status = 'failed', summary = $1, error = $2::jsonb, finished_at = $3
       WHERE status IN ('queued', 'running') RETURNING id`,
      [message, JSON.stringify({ code: 'interrupted', message }), now()],
    );
    return rows.length;
  }
}
