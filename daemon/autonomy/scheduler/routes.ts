// /api/scheduler: list, create, edit and delete jobs, run one now, and read its run history.
import * as v from 'valibot';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import type { ApiRoutes } from '../../http/routes.ts';
import { intParam } from '../../http/validate.ts';
import { CronError } from './cron.ts';
import { SchedulerError } from './schedulerError.ts';
import type { SchedulerService } from './service.ts';

const JobId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a job id is 1–64 lowercase letters, digits and dashes'),
);
const Missed = v.picklist(['skip', 'run_once'], 'missed must be "skip" or "run_once"');
const ToolName = v.pipe(v.string(), v.minLength(1, 'a tool name must not be empty'));
const Action = v.variant(
  'type',
  [
    v.strictObject({
      type: v.literal('tool'),
      tool: ToolName,
      arguments: v.optional(v.record(v.string(), v.unknown(), 'arguments must be a JSON object'), {}),
    }),
    v.strictObject({
      type: v.literal('goal'),
      goal_id: v.pipe(v.string(), v.minLength(1, 'goal_id must not be empty')),
    }),
  ],
  'action must be {"type": "tool", "tool", "arguments"} or {"type": "goal", "goal_id"}',
);
const Fields = {
  description: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'description must not be empty'),
    v.maxLength(500, 'description has at most 500 characters'),
  ),
  cron: v.pipe(v.string('cron must be a string such as "0 3 * * *"'), v.minLength(1, 'cron must not be empty')),
  enabled: v.boolean('enabled must be true or false'),
  missed: v.nullable(Missed),
  action: Action,
  grants: v.pipe(v.array(ToolName, 'grants must be a list of tool names'), v.maxLength(100)),
};

const RunSchema = v.object({
  id: v.string(),
  job_id: v.string(),
  status: v.picklist(['queued', 'running', 'ok', 'failed', 'skipped', 'cancelled']),
  trigger: v.picklist(['schedule', 'manual', 'catch_up']),
  scheduled_for: v.nullable(v.string()),
  started_at: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
  duration_ms: v.nullable(v.number()),
  output: v.nullable(v.object({ summary: v.string(), details: v.optional(v.record(v.string(), v.unknown())) })),
  error: v.nullable(v.string()),
  progress: v.array(v.string()),
});
const JobSchema = v.object({
  id: v.string(),
  description: v.string(),
  kind: v.picklist(['builtin', 'user', 'goal']),
  cron: v.string(),
  enabled: v.boolean(),
  missed: Missed,
  next_run_at: v.nullable(v.string()),
  running: v.nullable(
    v.object({ run_id: v.string(), started_at: v.nullable(v.string()), progress: v.array(v.string()) }),
  ),
  last_run: v.nullable(
    v.object({
      id: v.string(),
      status: v.string(),
      trigger: v.string(),
      started_at: v.nullable(v.string()),
      finished_at: v.nullable(v.string()),
      duration_ms: v.nullable(v.number()),
      summary: v.nullable(v.string()),
      error: v.nullable(v.string()),
    }),
  ),
  action: v.optional(v.unknown()),
  grants: v.optional(v.array(v.string())),
});

/** Scheduler errors → HTTP: unknown job 404; busy, taken or not editable 409; the rest is the caller's input (400). */
function mapError(err: unknown): never {
  if (err instanceof CronError) throw badRequest('bad_cron', err.message);
  if (err instanceof SchedulerError) {
    if (err.code === 'job_not_found') throw notFound(err.message);
    if (err.code === 'job_running' || err.code === 'job_exists' || err.code === 'job_not_editable') {
      throw conflict(err.code, err.message);
    }
    throw badRequest(err.code, err.message);
  }
  throw err;
}

export function schedulerRoutes(api: ApiRoutes, service: SchedulerService): void {
  const tag = 'scheduler';
  const params = v.strictObject({ id: v.string() });

  api.add(
    {
      method: 'get',
      path: '/api/scheduler/jobs',
      summary: 'Every job (built-in, user and goal) with its schedule, next run and last run',
      tag,
      response: v.object({ jobs: v.array(JobSchema) }),
    },
    async (c) => c.json({ jobs: await service.list() }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/scheduler/jobs',
      summary: 'Create a job: one tool call (read-only tools and memory_save unless granted more) or a goal run',
      tag,
      body: v.strictObject({
        id: v.optional(JobId),
        description: Fields.description,
        cron: Fields.cron,
        enabled: v.optional(Fields.enabled),
        missed: v.optional(Fields.missed),
        action: Fields.action,
        grants: v.optional(Fields.grants),
      }),
      status: 201,
      response: v.object({ job: JobSchema }),
      errors: [409],
    },
    async (c, { body }) => c.json({ job: await service.create(body).catch(mapError) }, 201),
  );

  api.add(
    {
      method: 'get',
      path: '/api/scheduler/jobs/:id',
      summary: 'One job',
      tag,
      params,
      response: v.object({ job: JobSchema }),
      errors: [404],
    },
    async (c, { params }) => c.json({ job: await service.get(params.id).catch(mapError) }),
  );

  api.add(
    {
      method: 'patch',
      path: '/api/scheduler/jobs/:id',
      summary: 'Change a job: built-in jobs take cron, enabled and missed; goal jobs are changed with their goal',
      tag,
      params,
      body: v.pipe(
        v.strictObject({
          description: v.optional(Fields.description),
          cron: v.optional(Fields.cron),
          enabled: v.optional(Fields.enabled),
          missed: v.optional(Fields.missed),
          action: v.optional(Fields.action),
          grants: v.optional(Fields.grants),
        }),
        v.check(
          (b) => Object.keys(b).length > 0,
          'send at least one of description, cron, enabled, missed, action, grants',
        ),
      ),
      response: v.object({ job: JobSchema }),
      errors: [404, 409],
    },
    async (c, { params, body }) => c.json({ job: await service.patch(params.id, body).catch(mapError) }),
  );

  api.add(
    {
      method: 'delete',
      path: '/api/scheduler/jobs/:id',
      summary: 'Delete a user job and its run history',
      tag,
      params,
      status: 204,
      errors: [404, 409],
    },
    async (c, { params }) => {
      await service.delete(params.id).catch(mapError);
      return c.body(null, 204);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/scheduler/jobs/:id/run',
      summary: 'Run a job now (202 with the run; ?wait=true answers when it has finished); 409 while it runs',
      tag,
      params,
      query: v.strictObject({ wait: v.optional(v.picklist(['true', 'false'], 'wait must be true or false')) }),
      status: 202,
      alsoStatus: [200],
      response: v.object({ run: RunSchema }),
      errors: [404, 409],
    },
    async (c, { params, query }) => {
      const wait = query.wait === 'true';
      const run = await service.run(params.id, wait).catch(mapError);
      return c.json({ run }, wait ? 200 : 202);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/scheduler/jobs/:id/runs',
      summary: 'The runs of a job, newest first (status, trigger, start, duration, output, error, progress)',
      tag,
      params,
      query: v.strictObject({
        limit: v.optional(intParam(1, 200, 'limit'), '50'),
        before: v.optional(v.pipe(v.string(), v.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'before must be a run id'))),
      }),
      response: v.object({ runs: v.array(RunSchema), next_before: v.nullable(v.string()) }),
      errors: [404],
    },
    async (c, { params, query }) => {
      const runs = await service.history(params.id, { limit: query.limit, before: query.before }).catch(mapError);
      const last = runs.length === query.limit ? runs[runs.length - 1] : undefined;
      return c.json({ runs, next_before: last?.id ?? null });
    },
  );
}
