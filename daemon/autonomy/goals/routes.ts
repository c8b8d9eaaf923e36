// /api/goals: goals (create, list, read, edit, delete), their runs (start, list, read with steps, cancel).
import * as v from 'valibot';
import { ApiError } from '../../http/errors.ts';
import type { ApiRoutes } from '../../http/routes.ts';
import { intParam } from '../../http/validate.ts';
import { GoalError } from './goalError.ts';
import type { GoalRunner } from './runner.ts';
import type { GoalService } from './service.ts';
import type { GoalStore } from './store.ts';
import { type GoalRun, RUN_STATUSES, STEP_KINDS } from './types.ts';

const tag = 'goals';
const Id = (what: string) =>
  v.pipe(v.string(), v.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, `${what} must be a ${what.replace(/ id$/, '')} id (a ULID)`));
const GoalParams = v.object({ id: Id('goal id') });
const RunParams = v.object({ id: Id('goal id'), runId: Id('run id') });

const Title = v.pipe(
  v.string('title must be a string'),
  v.trim(),
  v.minLength(1, 'title must not be empty'),
  v.maxLength(200, 'title has at most 200 characters'),
);
const Instructions = v.pipe(
  v.string('instructions must be a string'),
  v.trim(),
  v.minLength(1, 'instructions must not be empty: say what the goal is to achieve'),
  v.maxLength(20_000, 'instructions have at most 20,000 characters'),
);
const Schedule = v.nullable(
  v.pipe(v.string('schedule must be a cron expression or null'), v.maxLength(200, 'schedule is too long')),
);
const whole = (min: number, max: number, what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(min, `${what} must be from ${min} to ${max}`),
    v.maxValue(max, `${what} must be from ${min} to ${max}`),
  );
const BudgetInput = v.strictObject({
  max_steps: v.optional(whole(0, 1000, 'budget.max_steps')),
  max_tokens: v.optional(whole(1, 10_000_000, 'budget.max_tokens')),
});
const AllowedTools = v.pipe(
  v.array(v.string('a tool name must be a string'), 'allowed_tools must be a list of tool names'),
  v.maxLength(100, 'allowed_tools has at most 100 names'),
);
const Enabled = v.boolean('enabled must be true or false');

const GoalCreate = v.strictObject({
  title: Title,
  instructions: Instructions,
  schedule: v.optional(Schedule),
  budget: v.optional(BudgetInput),
  allowed_tools: v.optional(AllowedTools),
  enabled: v.optional(Enabled),
});
const GoalPatch = v.pipe(
  v.strictObject({
    title: v.optional(Title),
    instructions: v.optional(Instructions),
    schedule: v.optional(Schedule),
    budget: v.optional(BudgetInput),
    allowed_tools: v.optional(AllowedTools),
    enabled: v.optional(Enabled),
  }),
  v.check((b) => Object.keys(b).length > 0, 'send at least one field to change'),
);

const BudgetView = v.object({ max_steps: v.number(), max_tokens: v.number() });
const GoalView = v.object({
  id: v.string(),
  title: v.string(),
  instructions: v.string(),
  schedule: v.nullable(v.string()),
  budget: BudgetView,
  allowed_tools: v.array(v.string()),
  enabled: v.boolean(),
  created_at: v.string(),
  updated_at: v.string(),
  /** The run working now, if any. */
  running_run_id: v.nullable(v.string()),
});
const RunView = v.object({
  id: v.string(),
  goal_id: v.string(),
  status: v.picklist(RUN_STATUSES),
  trigger: v.object({ kind: v.picklist(['manual', 'schedule', 'trigger']), detail: v.optional(v.string()) }),
  budget: BudgetView,
  steps: v.number(),
  tokens: v.number(),
  answer: v.nullable(v.string()),
  summary: v.nullable(v.string()),
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
  created_at: v.string(),
  started_at: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
});
const StepView = v.object({
  seq: v.number(),
  kind: v.picklist(STEP_KINDS),
  text: v.nullable(v.string()),
  tool: v.nullable(v.string()),
  call_id: v.nullable(v.string()),
  args: v.unknown(),
  ok: v.nullable(v.boolean()),
  tokens: v.number(),
  created_at: v.string(),
});

/** GoalError → its status and code; anything else is the app's 500. */
function mapError(err: unknown): never {
  if (err instanceof GoalError) throw new ApiError(err.status, err.code, err.message);
  throw err;
}

/** The run once it ends, or as it was when the wait is over or the client went away. */
function untilEnd(ended: Promise<GoalRun>, now: GoalRun, ms: number, gone: AbortSignal): Promise<GoalRun> {
  return new Promise((resolve, reject) => {
    const settle = (run: GoalRun) => {
      clearTimeout(timer);
      gone.removeEventListener('abort', early);
      resolve(run);
    };
    const early = () => settle(now);
    const timer = setTimeout(early, ms);
    gone.addEventListener('abort', early, { once: true });
    ended.then(settle, reject);
  });
}

export function goalRoutes(api: ApiRoutes, deps: { service: GoalService; store: GoalStore; runner: GoalRunner }) {
  const { service, store, runner } = deps;
  const view = <G extends { id: string }>(goal: G) => ({ ...goal, running_run_id: runner.runningOf(goal.id) });

  api.add(
    {
      method: 'get',
      path: '/api/goals',
      summary: 'Every goal, newest first',
      tag,
      response: v.object({ items: v.array(GoalView) }),
    },
    async (c) => c.json({ items: (await store.list()).map(view) }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/goals',
      summary: 'Create a goal: instructions, an optional cron schedule, a budget, and tools granted beyond read-only',
      tag,
      body: GoalCreate,
      status: 201,
      response: GoalView,
    },
    async (c, { body }) => c.json(view(await service.create(body).catch(mapError)), 201),
  );

  api.add(
    {
      method: 'get',
      path: '/api/goals/:id',
      summary: 'One goal',
      tag,
      params: GoalParams,
      response: GoalView,
      errors: [404],
    },
    async (c, { params }) => c.json(view(await store.get(params.id).catch(mapError))),
  );

  api.add(
    {
      method: 'patch',
      path: '/api/goals/:id',
      summary: 'Edit a goal (only the fields sent); a schedule of null stops it running by itself',
      tag,
      params: GoalParams,
      body: GoalPatch,
      response: GoalView,
      errors: [404],
    },
    async (c, { params, body }) => c.json(view(await service.update(params.id, body).catch(mapError))),
  );

  api.add(
    {
      method: 'delete',
      path: '/api/goals/:id',
      summary: 'Delete a goal with its run history (a running run is cancelled first)',
      tag,
      params: GoalParams,
      status: 204,
      errors: [404],
    },
    async (c, { params }) => {
      await service.delete(params.id).catch(mapError);
      return c.body(null, 204);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/goals/:id/runs',
      summary: 'Start a run now; it works in the background (one run at a time per goal)',
      tag,
      params: GoalParams,
      status: 202,
      response: v.object({ run_id: v.string() }),
      errors: [404, 409, 503],
    },
    async (c, { params }) => c.json(await runner.startRun(params.id, { kind: 'manual' }).catch(mapError), 202),
  );

  api.add(
    {
      method: 'get',
      path: '/api/goals/:id/runs',
      summary: 'A goal’s runs, newest first; `before` (a run id) pages back',
      tag,
      params: GoalParams,
      query: v.strictObject({ limit: v.optional(intParam(1, 100, 'limit'), '20'), before: v.optional(Id('before')) }),
      response: v.object({ items: v.array(RunView), next_before: v.nullable(v.string()) }),
      errors: [404],
    },
    async (c, { params, query }) => {
      await store.get(params.id).catch(mapError);
      const items = await store.listRuns(params.id, Number(query.limit), query.before);
      return c.json({ items, next_before: items.length === Number(query.limit) ? (items.at(-1)?.id ?? null) : null });
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/goals/:id/runs/:runId',
      summary:
        'One run with its steps so far: thoughts, tool calls, observations, the answer or why it stopped; with `wait` (seconds), answers when the run ends or the wait is over, whichever is first',
      tag,
      params: RunParams,
      query: v.strictObject({ wait: v.optional(intParam(1, 60, 'wait')) }),
      response: v.object({ run: RunView, steps: v.array(StepView) }),
      errors: [404],
    },
    async (c, { params, query }) => {
      let run = await store.getRun(params.id, params.runId).catch(mapError);
      if (query.wait !== undefined && (run.status === 'queued' || run.status === 'running')) {
        run = await untilEnd(runner.wait(run.goal_id, run.id), run, query.wait * 1000, c.req.raw.signal);
      }
      return c.json({ run, steps: await store.steps(run.id) });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/goals/:id/runs/:runId/cancel',
      summary: 'Cancel a queued or running run; answers once it has stopped, with the run as stored',
      tag,
      params: RunParams,
      response: RunView,
      errors: [404, 409],
    },
    async (c, { params }) => c.json(await runner.cancel(params.id, params.runId).catch(mapError)),
  );
}
