// SchedulerService: the scheduler feature in one object — built-in jobs (cron/enabled from settings scheduler.jobs),
// user jobs (their table), goal jobs (defined by the goals feature) — and what the routes ask of it.
import { ulid } from '../../../bus/ulid.ts';
import type { AutonomyDeps, JobScheduler } from '../types.ts';
import { builtinJobs } from './builtins.ts';
import type { Clock } from './clock.ts';
import { type JobAction, JobStore, type UserJob } from './jobStore.ts';
import { RunStore, type RunView } from './runStore.ts';
import { type JobState, type MissedPolicy, type ScheduledJob, Scheduler } from './scheduler.ts';
import { SchedulerError } from './schedulerError.ts';
import { runUserJob, unattendedRefusal } from './userJobs.ts';

export interface JobView {
  id: string;
  description: string;
  kind: 'builtin' | 'user' | 'goal';
  cron: string;
  enabled: boolean;
  missed: MissedPolicy;
  next_run_at: string | null;
  running: { run_id: string; started_at: string | null; progress: string[] } | null;
  last_run:
    | (Pick<RunView, 'id' | 'status' | 'trigger' | 'started_at' | 'finished_at' | 'duration_ms' | 'error'> & {
        summary: string | null;
      })
    | null;
  action?: JobAction;
  grants?: string[];
}

export interface NewUserJob {
  id?: string;
  description: string;
  cron: string;
  enabled?: boolean;
  missed?: MissedPolicy | null;
  action: JobAction;
  grants?: string[];
}

export type JobPatch = Partial<Omit<NewUserJob, 'id'>>;

const notFound = (id: string) =>
  new SchedulerError('job_not_found', `there is no job "${id}": GET /api/scheduler/jobs lists them`);

export class SchedulerService implements JobScheduler {
  readonly scheduler: Scheduler;
  readonly runs: RunStore;
  private readonly jobs: JobStore;
  private readonly deps: AutonomyDeps;
  private readonly builtins: ReturnType<typeof builtinJobs>;
  private readonly user = new Map<string, UserJob>();
  private unsubscribe: () => void = () => {};

  constructor(deps: AutonomyDeps, clock: Clock) {
    this.deps = deps;
    const sql = deps.engines.sql;
    this.runs = new RunStore(sql, () => deps.settings.get().scheduler.history);
    this.jobs = new JobStore(sql);
    this.builtins = builtinJobs(deps);
    this.scheduler = new Scheduler({
      clock,
      runs: this.runs,
      missed: () => deps.settings.get().scheduler.missed,
      log: deps.logs.app,
      publish: (type, payload) => deps.bus.publish('system.v1', type, payload, { source: 'scheduler' }),
    });
  }

  /** Defines the built-in jobs and loads the user jobs; settings changes re-apply the built-ins' overrides. */
  async open(): Promise<void> {
    this.applyBuiltins();
    for (const job of await this.jobs.list()) {
      try {
        this.defineUser(job);
      } catch (err) {
        this.deps.logs.app.warn({ job: job.id, err: (err as Error).message }, 'scheduler: a user job was not loaded');
      }
    }
    this.unsubscribe = this.deps.settings.onChange(() => this.applyBuiltins());
  }

  start(): Promise<void> {
    return this.scheduler.start();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.scheduler.close();
  }

  /** For features (goals): adds or replaces a job of theirs; an id held by another kind of job is refused. */
  define(job: ScheduledJob): void {
    const held = this.scheduler.state(job.id)?.job.kind;
    if (held && held !== job.kind) {
      throw new SchedulerError('job_exists', `the job id "${job.id}" is taken by a ${held} job: pick another`);
    }
    this.scheduler.define(job);
  }

  remove(id: string): void {
    this.scheduler.remove(id);
  }

  private applyBuiltins(): void {
    const overrides = new Map(this.deps.settings.get().scheduler.jobs.map((j) => [j.id, j]));
    for (const b of this.builtins) {
      const o = overrides.get(b.id);
      this.scheduler.define({
        id: b.id,
        description: b.description,
        cron: o?.cron ?? b.cron,
        enabled: o?.enabled ?? true,
        missed: o?.missed,
        kind: 'builtin',
        run: b.run,
      });
    }
    for (const id of overrides.keys()) {
      if (!this.builtins.some((b) => b.id === id)) {
        this.deps.logs.app.warn({ job: id }, 'scheduler: settings scheduler.jobs names a job that is not built in');
      }
    }
  }

  private defineUser(job: UserJob): void {
    this.scheduler.define({
      id: job.id,
      description: job.description,
      cron: job.cron,
      enabled: job.enabled,
      missed: job.missed ?? undefined,
      kind: 'user',
      run: (ctx) => runUserJob(this.deps, job, ctx),
    });
    this.user.set(job.id, job);
  }

  /** A tool action must name a tool that exists and that the job may call unattended (with its grants). */
  private checkAction(id: string, action: JobAction, grants: string[]): void {
    const names = this.deps.tools.list().map((t) => t.name);
    for (const name of [...grants, ...(action.type === 'tool' ? [action.tool] : [])]) {
      if (!names.includes(name)) {
        throw new SchedulerError(
          'unknown_tool',
          `there is no tool named "${name}"; the tools are: ${names.join(', ')}`,
        );
      }
    }
    if (action.type !== 'tool') return;
    const tool = this.deps.tools.get(action.tool);
    const refusal = tool && unattendedRefusal(tool, this.deps.approvals.policyOf(tool), id, grants);
    if (refusal) throw new SchedulerError('tool_not_allowed', refusal);
  }

  private view(state: JobState, last: RunView | undefined): JobView {
    const { job } = state;
    const user = job.kind === 'user' ? this.user.get(job.id) : undefined;
    return {
      id: job.id,
      description: job.description,
      kind: job.kind,
      cron: job.cron,
      enabled: job.enabled,
      missed: state.missed,
      next_run_at: state.next_run_at,
      running: state.running
        ? { run_id: state.running.id, started_at: state.running.started_at, progress: state.running.progress }
        : null,
      last_run: last
        ? {
            id: last.id,
            status: last.status,
            trigger: last.trigger,
            started_at: last.started_at,
            finished_at: last.finished_at,
            duration_ms: last.duration_ms,
            summary: last.output?.summary ?? null,
            error: last.error,
          }
        : null,
      ...(user ? { action: user.action, grants: user.grants } : {}),
    };
  }

  async list(): Promise<JobView[]> {
    const latest = await this.runs.latest();
    return this.scheduler.list().map((s) => this.view(s, latest.get(s.job.id)));
  }

  async get(id: string): Promise<JobView> {
    const state = this.scheduler.state(id);
    if (!state) throw notFound(id);
    const [last] = await this.runs.list(id, { limit: 1 });
    return this.view(state, last);
  }

  async create(input: NewUserJob): Promise<JobView> {
    const id = input.id ?? `job-${ulid().toLowerCase()}`;
    if (id.startsWith('goal-')) {
      throw new SchedulerError('job_exists', `ids starting with "goal-" are kept for goals' schedules: pick another`);
    }
    if (this.scheduler.has(id)) {
      throw new SchedulerError('job_exists', `a job "${id}" exists already: pick another id or PATCH that one`);
    }
    const grants = [...new Set(input.grants ?? [])];
    this.checkAction(id, input.action, grants);
    const job = { ...input, id, enabled: input.enabled ?? true, missed: input.missed ?? null, grants };
    // Defined first: a bad cron expression is refused before anything is written.
    this.defineUser({ ...job, created_at: '', updated_at: '' });
    try {
      this.defineUser(await this.jobs.put(job));
    } catch (err) {
      this.scheduler.remove(id);
      this.user.delete(id);
      throw err;
    }
    this.deps.logs.app.info({ job: id, cron: job.cron, action: job.action.type }, 'scheduler: job created');
    return this.get(id);
  }

  async patch(id: string, patch: JobPatch): Promise<JobView> {
    const state = this.scheduler.state(id);
    if (!state) throw notFound(id);
    const kind = state.job.kind;
    if (kind === 'goal') {
      throw new SchedulerError(
        'job_not_editable',
        `job "${id}" belongs to a goal: change its schedule with the goal (/api/goals), not here`,
      );
    }
    if (kind === 'builtin') return this.patchBuiltin(id, patch);
    const current = this.user.get(id) as UserJob;
    const next = { ...current, ...patch, missed: patch.missed === undefined ? current.missed : patch.missed };
    next.grants = [...new Set(next.grants)];
    this.checkAction(id, next.action, next.grants);
    this.defineUser(next);
    try {
      this.defineUser(await this.jobs.put(next));
    } catch (err) {
      this.defineUser(current);
      throw err;
    }
    return this.get(id);
  }

  /** Built-in jobs keep their overrides in settings scheduler.jobs (what Settings → Scheduler edits too). */
  private async patchBuiltin(id: string, patch: JobPatch): Promise<JobView> {
    const extra = Object.keys(patch).filter((k) => !['cron', 'enabled', 'missed'].includes(k));
    if (extra.length > 0) {
      throw new SchedulerError(
        'job_not_editable',
        `job "${id}" is built in: only cron, enabled and missed can change (not ${extra.join(', ')})`,
      );
    }
    const state = this.scheduler.state(id) as JobState;
    const settings = this.deps.settings.get();
    const old = settings.scheduler.jobs.find((j) => j.id === id);
    const entry = {
      id,
      cron: patch.cron ?? state.job.cron,
      enabled: patch.enabled ?? state.job.enabled,
      ...(patch.missed === undefined
        ? old?.missed
          ? { missed: old.missed }
          : {}
        : patch.missed === null
          ? {}
          : { missed: patch.missed }),
    };
    // Checked before the settings file is written.
    this.scheduler.define({ ...state.job, ...entry, missed: entry.missed });
    const jobs = old
      ? settings.scheduler.jobs.map((j) => (j.id === id ? entry : j))
      : [...settings.scheduler.jobs, entry];
    this.deps.settings.update({ ...settings, scheduler: { ...settings.scheduler, jobs } });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const state = this.scheduler.state(id);
    if (!state) throw notFound(id);
    if (state.job.kind !== 'user') {
      throw new SchedulerError(
        'job_not_editable',
        state.job.kind === 'goal'
          ? `job "${id}" belongs to a goal: remove the goal's schedule at /api/goals`
          : `job "${id}" is built in: it cannot be deleted; PATCH it with {"enabled": false} to turn it off`,
      );
    }
    this.scheduler.remove(id);
    this.user.delete(id);
    await this.jobs.delete(id);
    await this.runs.deleteJob(id);
    this.deps.logs.app.info({ job: id }, 'scheduler: job deleted');
  }

  /** Starts a run now; with `wait`, resolves with the finished run. */
  async run(id: string, wait: boolean): Promise<RunView> {
    const started = await this.scheduler.runNow(id);
    if (!wait) return started;
    return (await this.scheduler.finished(started.id)) ?? (await this.runs.get(started.id)) ?? started;
  }

  async history(id: string, opts: { limit: number; before?: string }): Promise<RunView[]> {
    if (!this.scheduler.has(id)) throw notFound(id);
    const state = this.scheduler.state(id) as JobState;
    const runs = await this.runs.list(id, opts);
    // A running run's progress lives in memory until it ends.
    return runs.map((r) => (state.running?.id === r.id ? state.running : r));
  }
}
