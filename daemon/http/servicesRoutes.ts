// /api/services/local: the Settings page's "Run Local" — whether Docker is there, the compose stack's state, and
// up/down as jobs whose progress lines are polled. Without Docker it explains that the embedded engines are in use.
import * as v from 'valibot';
import type { SettingsStore } from '../config/settingsStore.ts';
import type { Logs } from '../logs/logs.ts';
import { dockerStatus } from '../runlocal/docker.ts';
import { type Job, JobSchema, RunLocalJobs } from '../runlocal/jobs.ts';
import { RunLocalError } from '../runlocal/runLocalError.ts';
import { down, status, up, withoutDocker } from '../runlocal/stack.ts';
import type { Engines } from '../storage/engines.ts';
import { ApiError, notFound } from './errors.ts';
import type { ApiRoutes } from './routes.ts';

const StatusSchema = v.object({
  docker: v.object({ available: v.boolean(), version: v.nullable(v.string()), problem: v.nullable(v.string()) }),
  message: v.string(),
  compose_file: v.nullable(v.string()),
  services: v.array(v.object({ service: v.string(), state: v.string(), health: v.string() })),
  in_use: v.boolean(),
  what_docker_adds: v.string(),
  job: v.nullable(JobSchema),
});

export interface ServicesRoutesDeps {
  settings: SettingsStore;
  engines: Engines;
  logs: Logs;
  env: NodeJS.ProcessEnv;
}

function conflictOf(err: unknown): never {
  if (err instanceof RunLocalError) throw new ApiError(409, err.code, err.message);
  throw err;
}

export function servicesRoutes(api: ApiRoutes, deps: ServicesRoutesDeps) {
  const tag = 'system';
  const jobs = new RunLocalJobs();
  const logEnd = (job: Job) =>
    deps.logs.app[job.state === 'done' ? 'info' : 'warn'](
      { action: job.action, state: job.state, error: job.error?.message, lines: job.lines.slice(-5) },
      `run local ${job.action} ${job.state}`,
    );
  const stackDeps = (progress: (line: string) => void) => ({
    env: deps.env,
    settings: deps.settings,
    progress,
    // The running engines are the source; once they are the server engines there is nothing to migrate.
    source: async () => ({ sql: deps.engines.sql, neo4j: deps.engines.neo4j, settings: deps.settings.get() }),
  });
  /** Refuses before starting a job, so the button gets the explanation at once. */
  const requireDocker = async () => {
    const d = await dockerStatus(deps.env);
    if (!d.available)
      throw new ApiError(409, 'docker_unavailable', withoutDocker(d.problem ?? 'Docker is not available'));
  };

  api.add(
    {
      method: 'get',
      path: '/api/services/local',
      summary: 'Run Local: whether Docker runs, the compose services and the last up/down job',
      tag,
      response: StatusSchema,
    },
    async (c) => c.json({ ...(await status({ env: deps.env, settings: deps.settings })), job: jobs.latest() }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/services/local/up',
      summary: 'Start Redis, Postgres and Neo4j with docker compose, wait until healthy, switch the settings to them',
      tag,
      body: v.strictObject({
        /** Copy the embedded engines' data into the services first (only into empty ones). */
        migrate: v.optional(v.boolean('migrate must be true or false'), false),
      }),
      status: 202,
      response: JobSchema,
      errors: [409],
    },
    async (c, { body }) => {
      await requireDocker();
      const migrate = body.migrate && deps.engines.sql.engine === 'pglite';
      let job: Job;
      try {
        job = jobs.start('up', async (progress) => ({ ...(await up(stackDeps(progress), { migrate })) }), logEnd);
      } catch (err) {
        conflictOf(err);
      }
      return c.json(job, 202);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/services/local/down',
      summary: 'Stop the Run Local services (their data stays in Docker volumes)',
      tag,
      status: 202,
      response: JobSchema,
      errors: [409],
    },
    async (c) => {
      await requireDocker();
      let job: Job;
      try {
        job = jobs.start('down', async (progress) => ({ ...(await down(stackDeps(progress))) }), logEnd);
      } catch (err) {
        conflictOf(err);
      }
      return c.json(job, 202);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/services/local/jobs/:id',
      summary: 'A Run Local job with its progress lines',
      tag,
      params: v.object({ id: v.string() }),
      response: JobSchema,
      errors: [404],
    },
    async (c, { params }) => {
      const job = jobs.get(params.id);
      if (!job) throw notFound(`no Run Local job ${params.id}: only the latest is kept`);
      return c.json(job);
    },
  );
}
