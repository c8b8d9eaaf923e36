// The scheduler on a hand-driven clock and a real (PGlite) run table: due times, disabled jobs, no overlapping runs,
// the missed-run policies after sleep and after the daemon was off, manual runs, cancellation, bounded history.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../bus/event.ts';
import { systemMemory } from '../../../memory/systemEvents.ts';
import { openTestDb, type TestDb } from '../../../tests/helpers/memoryDb.ts';
import type { JobOutput, JobRunContext } from '../types.ts';
import { ManualClock } from './manualClock.ts';
import { RunStore } from './runStore.ts';
import { type MissedPolicy, type ScheduledJob, Scheduler } from './scheduler.ts';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('pglite');
});
afterAll(async () => {
  await db?.drop();
});

interface Harness {
  clock: ManualClock;
  scheduler: Scheduler;
  runs: RunStore;
  events: { type: string; payload: Record<string, unknown> }[];
  calls: JobRunContext[];
  job(id: string, cron: string, extra?: Partial<ScheduledJob>): ScheduledJob;
}

let seq = 0;
const silent = pino({ level: 'silent' });

function harness(start: string, opts: { missed?: MissedPolicy; keep?: number } = {}): Harness {
  const clock = new ManualClock(start);
  const runs = new RunStore(db.sql, () => opts.keep ?? 200);
  const events: Harness['events'] = [];
  const calls: JobRunContext[] = [];
  const scheduler = new Scheduler({
    clock,
    runs,
    missed: () => opts.missed ?? 'run_once',
    log: silent,
    timezone: 'UTC',
    publish: async (type, payload) => {
      events.push({ type, payload });
    },
  });
  return {
    clock,
    scheduler,
    runs,
    events,
    calls,
    job: (id, cron, extra = {}) => ({
      id: `${id}-${++seq}`,
      description: id,
      cron,
      enabled: true,
      kind: 'builtin',
      run: async (ctx) => {
        calls.push(ctx);
        return { summary: `ran at ${new Date(clock.now()).toISOString()}` };
      },
      ...extra,
    }),
  };
}

/** A job body that waits until the test lets it go. */
function gate() {
  let open: (o: JobOutput) => void = () => {};
  let started = 0;
  const run = (ctx: JobRunContext) => {
    started++;
    return new Promise<JobOutput>((resolve, reject) => {
      open = resolve;
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  };
  return { run, release: (o: JobOutput = { summary: 'done' }) => open(o), started: () => started };
}

describe('scheduler', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness('2026-03-10T09:59:00Z');
  });

  it('runs a job at each due time and records every run with its output', async () => {
    const job = h.job('hourly', '0 * * * *');
    h.scheduler.define(job);
    await h.scheduler.start();
    expect(h.scheduler.state(job.id)?.next_run_at).toBe('2026-03-10T10:00:00.000Z');
    await h.clock.advanceTo('2026-03-10T12:30:00Z');
    await h.scheduler.idle();
    expect(h.calls.map((c) => c.scheduled_for.toISOString())).toEqual([
      '2026-03-10T10:00:00.000Z',
      '2026-03-10T11:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
    const runs = await h.runs.list(job.id, { limit: 10 });
    expect(runs.map((r) => [r.status, r.trigger, r.scheduled_for])).toEqual([
      ['ok', 'schedule', '2026-03-10T12:00:00.000Z'],
      ['ok', 'schedule', '2026-03-10T11:00:00.000Z'],
      ['ok', 'schedule', '2026-03-10T10:00:00.000Z'],
    ]);
    expect(runs[0]?.output).toEqual({ summary: 'ran at 2026-03-10T12:00:00.000Z' });
    expect(runs[0]?.started_at).toBe('2026-03-10T12:00:00.000Z');
    expect(runs[0]?.duration_ms).toBe(0);
    expect(h.scheduler.state(job.id)?.next_run_at).toBe('2026-03-10T13:00:00.000Z');
    expect(h.events.filter((e) => e.type === 'job.finished').map((e) => e.payload.status)).toEqual(['ok', 'ok', 'ok']);
    const finished = h.events.find((e) => e.type === 'job.finished') as Harness['events'][number];
    expect(finished.payload).toMatchObject({
      job_id: job.id,
      status: 'ok',
      summary: 'ran at 2026-03-10T10:00:00.000Z',
    });
    // The run history keeps the outcome: the memory group is told there is nothing to remember.
    const event = { event_id: '01J0000000000000000000000', event_type: 'job.finished', payload: finished.payload };
    expect(systemMemory(event as unknown as BusEvent, 10_000)).toBeNull();
    await h.scheduler.close();
  });

  it('does not run a disabled job, and picks up a new schedule when a job is redefined', async () => {
    const job = h.job('off', '*/10 * * * *', { enabled: false });
    h.scheduler.define(job);
    await h.scheduler.start();
    expect(h.scheduler.state(job.id)?.next_run_at).toBeNull();
    await h.clock.advance(3600_000);
    expect(h.calls).toHaveLength(0);
    h.scheduler.define({ ...job, enabled: true, cron: '15 * * * *' });
    expect(h.scheduler.state(job.id)?.next_run_at).toBe('2026-03-10T11:15:00.000Z');
    await h.clock.advanceTo('2026-03-10T11:15:00Z');
    await h.scheduler.idle();
    expect(h.calls).toHaveLength(1);
    h.scheduler.remove(job.id);
    await h.clock.advance(2 * 3600_000);
    expect(h.calls).toHaveLength(1);
    await h.scheduler.close();
  });

  it('refuses a bad cron expression with the reason', () => {
    expect(() => h.scheduler.define(h.job('bad', '0 25 * * *'))).toThrow('hour 25 is out of range 0–23');
  });

  it('records a due time that finds the previous run still going as skipped, and a manual run as busy', async () => {
    const g = gate();
    const job = h.job('slow', '*/5 * * * *', { run: g.run });
    h.scheduler.define(job);
    await h.scheduler.start();
    await h.clock.advanceTo('2026-03-10T10:00:00Z');
    expect(g.started()).toBe(1);
    await expect(h.scheduler.runNow(job.id)).rejects.toMatchObject({ code: 'job_running' });
    await h.clock.advanceTo('2026-03-10T10:10:00Z');
    expect(g.started()).toBe(1);
    g.release({ summary: 'finally' });
    await h.scheduler.idle();
    const runs = await h.runs.list(job.id, { limit: 10 });
    expect(runs.map((r) => [r.status, r.scheduled_for])).toEqual([
      ['skipped', '2026-03-10T10:10:00.000Z'],
      ['skipped', '2026-03-10T10:05:00.000Z'],
      ['ok', '2026-03-10T10:00:00.000Z'],
    ]);
    expect(runs[0]?.error).toContain('the previous run is still running');
    expect(runs[2]?.duration_ms).toBe(600_000);
    // Free again: the next due time runs.
    await h.clock.advanceTo('2026-03-10T10:15:00Z');
    expect(g.started()).toBe(2);
    g.release();
    await h.scheduler.close();
  });

  it('after a sleep past several due times runs once (catch_up) under run_once', async () => {
    const job = h.job('every5', '*/5 * * * *');
    h.scheduler.define(job);
    await h.scheduler.start();
    await h.clock.advanceTo('2026-03-10T10:00:00Z');
    await h.clock.sleepUntil('2026-03-10T13:02:00Z');
    await h.scheduler.idle();
    const runs = await h.runs.list(job.id, { limit: 10 });
    expect(runs.map((r) => [r.trigger, r.scheduled_for])).toEqual([
      ['catch_up', '2026-03-10T13:00:00.000Z'],
      ['schedule', '2026-03-10T10:00:00.000Z'],
    ]);
    expect(h.scheduler.state(job.id)?.next_run_at).toBe('2026-03-10T13:05:00.000Z');
    await h.scheduler.close();
  });

  it('after a sleep records nothing under skip, and a job may set its own policy', async () => {
    h = harness('2026-03-10T09:59:00Z', { missed: 'run_once' });
    const skipping = h.job('skipper', '*/5 * * * *', { missed: 'skip' });
    h.scheduler.define(skipping);
    await h.scheduler.start();
    await h.clock.sleepUntil('2026-03-10T11:00:30Z');
    await h.scheduler.idle();
    expect(await h.runs.list(skipping.id, { limit: 10 })).toEqual([]);
    expect(h.scheduler.state(skipping.id)?.missed).toBe('skip');
    // A timer a little late (within the grace) is an ordinary run.
    await h.clock.sleepUntil('2026-03-10T11:06:00Z');
    await h.scheduler.idle();
    expect((await h.runs.list(skipping.id, { limit: 10 })).map((r) => r.trigger)).toEqual(['schedule']);
    await h.scheduler.close();
  });

  it('at start, catches up once on what a job missed while the daemon was off (run_once), or not at all (skip)', async () => {
    const first = harness('2026-03-10T21:59:00Z');
    const nightly = first.job('nightly', '0 22 * * *');
    const nightlySkip = first.job('nightly-skip', '0 22 * * *', { missed: 'skip' });
    const fresh = first.job('fresh', '0 22 * * *');
    first.scheduler.define(nightly);
    first.scheduler.define(nightlySkip);
    await first.scheduler.start();
    await first.clock.advanceTo('2026-03-10T22:00:00Z');
    await first.scheduler.close();
    expect(first.calls).toHaveLength(2);

    // Three days later a new daemon starts: the last 22:00 came while it was off.
    const later = harness('2026-03-13T08:00:00Z');
    later.scheduler.define({ ...nightly, run: later.job('x', '* * * * *').run });
    later.scheduler.define({ ...nightlySkip, run: later.job('y', '* * * * *').run });
    later.scheduler.define({ ...fresh, run: later.job('z', '* * * * *').run });
    await later.scheduler.start();
    await later.scheduler.idle();
    expect(later.calls.map((c) => c.scheduled_for.toISOString())).toEqual(['2026-03-12T22:00:00.000Z']);
    const runs = await later.runs.list(nightly.id, { limit: 10 });
    expect(runs.map((r) => r.trigger)).toEqual(['catch_up', 'schedule']);
    expect(await later.runs.list(nightlySkip.id, { limit: 10 })).toHaveLength(1);
    // A job that never ran has nothing to catch up on.
    expect(await later.runs.list(fresh.id, { limit: 10 })).toEqual([]);
    await later.scheduler.close();
  });

  it('runs a job by hand, keeps its progress lines, and fails a run whose job throws', async () => {
    const job = h.job('manual', '0 0 1 1 *', {
      run: async (ctx) => {
        ctx.progress('step one');
        ctx.progress('step two');
        return { summary: 'did 2 steps', details: { steps: 2 } };
      },
    });
    const broken = h.job('broken', '0 0 1 1 *', {
      run: async () => {
        throw new Error('the disk is full: free some space');
      },
    });
    h.scheduler.define(job);
    h.scheduler.define(broken);
    await h.scheduler.start();
    const started = await h.scheduler.runNow(job.id);
    expect(started).toMatchObject({ status: 'running', trigger: 'manual', scheduled_for: null });
    await h.scheduler.runNow(broken.id);
    await h.scheduler.idle();
    const [done] = await h.runs.list(job.id, { limit: 1 });
    expect(done).toMatchObject({
      id: started.id,
      status: 'ok',
      output: { summary: 'did 2 steps', details: { steps: 2 } },
      progress: ['step one', 'step two'],
    });
    const [failed] = await h.runs.list(broken.id, { limit: 1 });
    expect(failed).toMatchObject({ status: 'failed', error: 'the disk is full: free some space' });
    await expect(h.scheduler.runNow('no-such-job')).rejects.toMatchObject({ code: 'job_not_found' });
    await h.scheduler.close();
  });

  it('cancels a running job on close, and a new scheduler marks runs a crash left behind as cancelled', async () => {
    const g = gate();
    const job = h.job('long', '0 0 1 1 *', { run: g.run });
    h.scheduler.define(job);
    await h.scheduler.start();
    const run = await h.scheduler.runNow(job.id);
    await h.scheduler.close();
    expect((await h.runs.get(run.id))?.status).toBe('cancelled');

    await h.runs.insert({ ...run, id: `${run.id.slice(0, -1)}Z`, status: 'running' });
    const next = harness('2026-03-10T10:00:00Z');
    await next.scheduler.start();
    const left = await next.runs.get(`${run.id.slice(0, -1)}Z`);
    expect(left).toMatchObject({ status: 'cancelled', error: 'the daemon stopped during this run' });
    await next.scheduler.close();
  });

  it('keeps only the newest runs of a job', async () => {
    h = harness('2026-03-10T09:59:00Z', { keep: 3 });
    const job = h.job('chatty', '* * * * *');
    h.scheduler.define(job);
    await h.scheduler.start();
    await h.clock.advanceTo('2026-03-10T10:06:00Z');
    await h.scheduler.idle();
    expect(h.calls).toHaveLength(7);
    const runs = await h.runs.list(job.id, { limit: 10 });
    expect(runs.map((r) => r.scheduled_for)).toEqual([
      '2026-03-10T10:06:00.000Z',
      '2026-03-10T10:05:00.000Z',
      '2026-03-10T10:04:00.000Z',
    ]);
    await h.scheduler.close();
  });
});
