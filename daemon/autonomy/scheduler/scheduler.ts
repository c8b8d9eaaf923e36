// Scheduler: runs jobs at their cron times — one timer for the earliest due job, never two runs of one job at once (a
// tick that finds it running is recorded as skipped), and a policy for runs missed while the machine slept or the
// daemon was off: skip them (logged) or run once (trigger catch_up), never once per missed time.
import type { Cron } from 'croner';
import type { JobDefinition, JobOutput, JobScheduler } from '../types.ts';
import type { Clock } from './clock.ts';
import { countBetween, lastAtOrBefore, nextAfter, parseCron } from './cron.ts';
import { nextRunId, type RunStore, type RunTrigger, type RunView } from './runStore.ts';
import { SchedulerError } from './schedulerError.ts';

export type MissedPolicy = 'skip' | 'run_once';

/** A job as the scheduler holds it: the shared definition plus its own missed-run policy (default: the setting). */
export interface ScheduledJob extends JobDefinition {
  missed?: MissedPolicy;
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  clock: Clock;
  runs: RunStore;
  /** The policy of jobs that set none; read at each decision. */
  missed: () => MissedPolicy;
  log: Log;
  /** system.v1 job.started / job.finished. */
  publish?: (type: 'job.started' | 'job.finished', payload: Record<string, unknown>) => Promise<unknown>;
  /** How late a timer may fire and still count as on time. Default 2 min. */
  graceMs?: number;
  /** The longest the timer waits before looking at the clock again, so a wake from sleep is noticed. Default 60 s. */
  maxWaitMs?: number;
  /** The time zone cron times are read in (IANA name); default the machine's. */
  timezone?: string;
}

export interface JobState {
  job: ScheduledJob;
  missed: MissedPolicy;
  next_run_at: string | null;
  running: RunView | null;
}

interface Running {
  run: RunView;
  abort: AbortController;
  /** Resolves once the run's row is written (a manual run answers then). */
  inserted: Promise<void>;
}

interface Entry {
  job: ScheduledJob;
  cron: Cron;
  next: number | null;
  running: Running | null;
}

const MAX_PROGRESS = 100;
const MAX_LINE = 500;
const MAX_DETAILS_CHARS = 16_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The output as kept: a details object too big for a row is replaced by a note saying so. */
function keepable(output: JobOutput): JobOutput {
  const summary = String(output?.summary ?? '').slice(0, 2000);
  if (!output?.details) return { summary };
  const size = JSON.stringify(output.details).length;
  if (size <= MAX_DETAILS_CHARS) return { summary, details: output.details };
  return {
    summary,
    details: { note: `details of ${size} characters were not kept (the limit is ${MAX_DETAILS_CHARS})` },
  };
}

export class Scheduler implements JobScheduler {
  private readonly opts: SchedulerOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly finishing = new Map<string, Promise<RunView>>();
  private cancelTimer: (() => void) | null = null;
  private started = false;
  private closed = false;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
  }

  private get graceMs() {
    return this.opts.graceMs ?? 120_000;
  }

  /** Adds or replaces a job; a bad cron expression throws a CronError (code bad_cron) with a readable reason. */
  define(job: ScheduledJob): void {
    const cron = parseCron(job.cron, this.opts.timezone);
    const prev = this.entries.get(job.id);
    const entry: Entry = { job, cron, next: null, running: prev?.running ?? null };
    this.entries.set(job.id, entry);
    if (!this.started) return;
    entry.next = job.enabled ? nextAfter(cron, this.opts.clock.now()) : null;
    // A job first defined after start (a goal with a schedule) gets the same look at what it missed.
    if (!prev) this.track(this.catchUp(entry));
    this.arm();
  }

  /** Forgets a job; a run in progress finishes on its own. */
  remove(id: string): void {
    if (this.entries.delete(id)) this.arm();
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  state(id: string): JobState | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    return {
      job: entry.job,
      missed: this.policyOf(entry),
      next_run_at: iso(entry.next),
      running: entry.running ? { ...entry.running.run, progress: [...entry.running.run.progress] } : null,
    };
  }

  list(): JobState[] {
    return [...this.entries.keys()].map((id) => this.state(id) as JobState);
  }

  /** Cancels runs a stopped daemon left behind, looks at what was missed while it was off, and starts the timer. */
  async start(): Promise<void> {
    const left = await this.opts.runs.cancelLeftovers(this.opts.clock.now());
    if (left > 0)
      this.opts.log.warn({ runs: left }, 'scheduler: runs cut short by the last stop were marked cancelled');
    this.started = true;
    const now = this.opts.clock.now();
    for (const entry of this.entries.values()) entry.next = entry.job.enabled ? nextAfter(entry.cron, now) : null;
    await Promise.all([...this.entries.values()].map((e) => this.catchUp(e)));
    this.arm();
  }

  /** Starts a run now (trigger manual); a job already running answers SchedulerError job_running. */
  async runNow(id: string): Promise<RunView> {
    const entry = this.entries.get(id);
    if (!entry)
      throw new SchedulerError('job_not_found', `there is no job "${id}": GET /api/scheduler/jobs lists them`);
    if (entry.running) {
      const r = entry.running.run;
      throw new SchedulerError(
        'job_running',
        `job "${id}" is already running (run ${r.id}, started ${r.started_at}): wait for it to finish — ` +
          `GET /api/scheduler/jobs/${id}/runs shows it — then run it again`,
      );
    }
    const running = this.launch(entry, 'manual', null);
    await running.inserted;
    return { ...running.run, progress: [...running.run.progress] };
  }

  /** The run as it ended (and was written), or null when it is not running in this scheduler. */
  async finished(runId: string): Promise<RunView | null> {
    const done = this.finishing.get(runId);
    return done ? { ...(await done) } : null;
  }

  /** Resolves when every run started so far has finished and been written. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  /** Stops the timer, asks running jobs to stop (their signal aborts) and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    for (const entry of this.entries.values()) entry.running?.abort.abort();
    await this.idle();
  }

  private policyOf(entry: Entry): MissedPolicy {
    return entry.job.missed ?? this.opts.missed();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    void p.finally(() => this.work.delete(p)).catch(() => {});
    return p;
  }

  /** At start (or first definition): a due time after the job's last run means the daemon was off when it came. */
  private async catchUp(entry: Entry): Promise<void> {
    if (!entry.job.enabled) return;
    const now = this.opts.clock.now();
    const due = lastAtOrBefore(entry.cron, now);
    if (due === null) return;
    let last: number | null;
    try {
      last = await this.opts.runs.lastRanAt(entry.job.id);
    } catch (err) {
      this.opts.log.error({ job: entry.job.id, err: messageOf(err) }, 'scheduler: could not read the last run');
      return;
    }
    // A job that never ran has missed nothing (a first start does not run every job at once).
    if (last === null || last >= due || this.entries.get(entry.job.id) !== entry) return;
    this.due(entry, due, this.opts.clock.now(), countBetween(entry.cron, last, due));
  }

  /** A due time reached: on time → a run; late past the grace (slept, or off) → the missed-run policy. */
  private due(entry: Entry, due: number, now: number, count: number): void {
    if (now - due <= this.graceMs) {
      this.schedule(entry, 'schedule', due);
      return;
    }
    const latest = lastAtOrBefore(entry.cron, now) ?? due;
    const where = { job: entry.job.id, missed: count, first_due: iso(due), last_due: iso(latest) };
    if (this.policyOf(entry) === 'skip') {
      this.opts.log.info(where, 'scheduler: runs missed while the machine slept or Titan was off were skipped');
      return;
    }
    this.opts.log.info(where, 'scheduler: runs were missed while the machine slept or Titan was off; running once');
    this.schedule(entry, 'catch_up', latest);
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.closed || !this.started) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) if (e.next !== null && e.next < earliest) earliest = e.next;
    if (earliest === Number.POSITIVE_INFINITY) return;
    const wait = Math.min(Math.max(0, earliest - this.opts.clock.now()), this.opts.maxWaitMs ?? 60_000);
    this.cancelTimer = this.opts.clock.setTimer(wait, () => this.tick());
  }

  private tick(): void {
    this.cancelTimer = null;
    if (this.closed) return;
    const now = this.opts.clock.now();
    for (const entry of this.entries.values()) {
      if (entry.next === null || entry.next > now) continue;
      const due = entry.next;
      entry.next = nextAfter(entry.cron, now);
      this.due(entry, due, now, countBetween(entry.cron, due - 1, now));
    }
    this.arm();
  }

  /** A timed run: when the previous one is still going, this one is recorded as skipped instead of overlapping it. */
  private schedule(entry: Entry, trigger: RunTrigger, due: number): void {
    if (!entry.running) {
      this.launch(entry, trigger, due);
      return;
    }
    const now = this.opts.clock.now();
    const busy = entry.running.run;
    const run: RunView = {
      id: nextRunId(),
      job_id: entry.job.id,
      status: 'skipped',
      trigger,
      scheduled_for: iso(due),
      started_at: null,
      finished_at: iso(now),
      duration_ms: 0,
      output: null,
      error: `the previous run is still running (run ${busy.id}, started ${busy.started_at})`,
      progress: [],
    };
    this.opts.log.warn(
      { job: entry.job.id, run: run.id, busy: busy.id },
      'scheduler: skipped a run: the previous one is still running',
    );
    this.track(
      this.opts.runs.insert(run).catch((err) => {
        this.opts.log.error({ job: entry.job.id, err: messageOf(err) }, 'scheduler: could not record a skipped run');
      }),
    );
  }

  private launch(entry: Entry, trigger: RunTrigger, due: number | null): Running {
    const startedAt = this.opts.clock.now();
    const run: RunView = {
      id: nextRunId(),
      job_id: entry.job.id,
      status: 'running',
      trigger,
      scheduled_for: iso(due),
      started_at: iso(startedAt),
      finished_at: null,
      duration_ms: null,
      output: null,
      error: null,
      progress: [],
    };
    let inserted: () => void = () => {};
    const running: Running = {
      run,
      abort: new AbortController(),
      inserted: new Promise<void>((r) => {
        inserted = r;
      }),
    };
    // Set before any await: a second tick or request in the meantime sees the job as running.
    entry.running = running;
    const done = this.track(this.execute(entry, running, startedAt, due ?? startedAt, inserted));
    this.finishing.set(run.id, done);
    void done.finally(() => this.finishing.delete(run.id));
    return running;
  }

  private async execute(entry: Entry, running: Running, startedAt: number, due: number, inserted: () => void) {
    const { run, abort } = running;
    const { job } = entry;
    const log = this.opts.log;
    try {
      await this.opts.runs.insert(run);
    } catch (err) {
      log.error({ job: job.id, run: run.id, err: messageOf(err) }, 'scheduler: could not record the start of a run');
    }
    inserted();
    void this.publish('job.started', { job_id: job.id, run_id: run.id, kind: job.kind, trigger: run.trigger });
    try {
      const output = await job.run({
        run_id: run.id,
        scheduled_for: new Date(due),
        signal: abort.signal,
        progress: (note) => {
          if (run.progress.length < MAX_PROGRESS) run.progress.push(String(note).slice(0, MAX_LINE));
        },
      });
      run.output = keepable(output);
      run.status = abort.signal.aborted ? 'cancelled' : 'ok';
    } catch (err) {
      run.status = abort.signal.aborted ? 'cancelled' : 'failed';
      run.error = abort.signal.aborted ? `stopped: Titan was shutting down (${messageOf(err)})` : messageOf(err);
    }
    const finished = this.opts.clock.now();
    run.finished_at = iso(finished);
    run.duration_ms = Math.max(0, finished - startedAt);
    entry.running = null;
    const current = this.entries.get(job.id);
    if (current?.running === running) current.running = null;
    try {
      await this.opts.runs.finish(run);
    } catch (err) {
      log.error({ job: job.id, run: run.id, err: messageOf(err) }, 'scheduler: could not record the end of a run');
    }
    const record = { job: job.id, run: run.id, trigger: run.trigger, status: run.status, ms: run.duration_ms };
    if (run.status === 'ok') log.info({ ...record, summary: run.output?.summary }, 'scheduled job finished');
    else log.warn({ ...record, err: run.error }, 'scheduled job did not finish');
    await this.publish('job.finished', {
      job_id: job.id,
      run_id: run.id,
      kind: job.kind,
      trigger: run.trigger,
      status: run.status,
      duration_ms: run.duration_ms,
      ...(run.output ? { summary: run.output.summary } : {}),
      ...(run.error ? { error: run.error.slice(0, 2000) } : {}),
      // The memory group keeps a system.v1 `memory` (else `summary`) text; an empty one tells it there is nothing to
      // keep: a run's outcome lives in the run history, and what is worth remembering (a reflection, a goal's answer)
      // the job saves itself.
      memory: '',
    });
    return run;
  }

  private async publish(type: 'job.started' | 'job.finished', payload: Record<string, unknown>): Promise<void> {
    try {
      await this.opts.publish?.(type, payload);
    } catch (err) {
      this.opts.log.warn({ type, err: messageOf(err) }, 'scheduler: could not publish a job event');
    }
  }
}
