// The scheduler API end to end on a running daemon — embedded engines (PGlite, in-process bus) and server engines
// (Postgres, Redis, Neo4j): the built-in jobs and their real outputs, user jobs (create, list, patch, run, delete) under
// the unattended tool rule, readable cron errors, run history, 409 on an overlapping run, goal jobs not editable here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SchedulerFeature } from '../../daemon/autonomy/scheduler/index.ts';
import type { JobOutput } from '../../daemon/autonomy/types.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { testBuckets } from '../helpers/s3Buckets.ts';
import { serverEngines } from '../helpers/serverEngines.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

const BUILTINS = ['rescan-files', 'reembed-stale', 'memory-gc', 'bus-snapshot', 'self-reflection', 'housekeeping'];

function schedulerApiSuite(name: string, engines: () => Promise<Engines>) {
  describe(`scheduler API: ${name}`, () => {
    let d: TestDaemon;
    let token: string;
    let env: Engines;
    const started = Date.now();
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
    };
    const post = (path: string, json?: unknown) => call(path, { method: 'POST', ...(json ? { json } : {}) });
    const patch = (path: string, json: unknown) => call(path, { method: 'PATCH', json });
    const runNow = async (id: string) => {
      const res = await post(`/api/scheduler/jobs/${id}/run?wait=true`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.run as Body;
    };
    const scheduler = () =>
      (d.titan.autonomy.find((f) => f.name === 'scheduler') as SchedulerFeature | undefined)?.scheduler;

    beforeAll(async () => {
      env = await engines();
      d = await startDaemon({ ...env.settings, folders: { allowed: [], trash_days: 30, watch: false } });
      token = await d.login();
      writeFileSync(join(d.userHome, 'Desktop', 'plan.txt'), 'Quarterly plan: ship the scheduler by Friday.\n');
    });
    afterAll(async () => {
      await d?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('lists the built-in jobs with their schedules and next run times', async () => {
      const { status, body } = await call('/api/scheduler/jobs');
      expect(status).toBe(200);
      const jobs = body.jobs as Body[];
      const builtins = jobs.filter((j) => j.kind === 'builtin');
      expect(builtins.map((j) => j.id).sort()).toEqual([...BUILTINS].sort());
      const rescan = builtins.find((j) => j.id === 'rescan-files') as Body;
      expect(rescan).toMatchObject({ cron: '0 * * * *', enabled: true, missed: 'run_once', running: null });
      expect(Date.parse(rescan.next_run_at as string)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('runs each built-in job for real and keeps a one-sentence summary with numbers', async () => {
      const rescan = await runNow('rescan-files');
      expect(rescan).toMatchObject({ status: 'ok', trigger: 'manual' });
      expect((rescan.output as JobOutput).summary).toMatch(
        /^rescanned \d+ files? in 2 folders: \d+ ingested, \d+ unchanged, \d+ without text, 0 failed; \d+ chunks? of removed files dropped$/,
      );
      const gc = await runNow('memory-gc');
      expect((gc.output as JobOutput).summary).toMatch(
        /^removed \d+ expired and \d+ over-cap memories \(cap \d+\), \d+ remain; graph: /,
      );
      const reembed = await runNow('reembed-stale');
      expect((reembed.output as JobOutput).summary).toMatch(
        /^all \d+ memor(y|ies) already have vectors of .+; nothing/,
      );
      const snapshot = await runNow('bus-snapshot');
      expect(snapshot.status).toBe('ok');
      expect((snapshot.output as JobOutput).summary).toContain('bus snapshots are off');
      const house = await runNow('housekeeping');
      expect((house.output as JobOutput).summary).toBe(
        'emptied 0 trash items and purged 0 deleted conversations older than 30 days',
      );
      const reflection = await runNow('self-reflection');
      expect(['ok', 'failed']).toContain(reflection.status);
      expect(((reflection.output as JobOutput | null)?.summary ?? reflection.error) as string).toMatch(/\w+/);

      const history = await call('/api/scheduler/jobs/rescan-files/runs');
      expect((history.body.runs as Body[])[0]).toMatchObject({ id: rescan.id, status: 'ok' });
      const list = (await call('/api/scheduler/jobs')).body.jobs as Body[];
      expect((list.find((j) => j.id === 'memory-gc') as Body).last_run).toMatchObject({
        id: gc.id,
        status: 'ok',
        summary: (gc.output as JobOutput).summary,
      });
      // Every run leaves a trace on system.v1.
      const finished: Body[] = [];
      for await (const e of d.titan.bus.replay(started, 'system.v1')) {
        if (e.event_type === 'job.finished') finished.push(e.payload as Body);
      }
      expect(finished.find((p) => p.run_id === gc.id)).toMatchObject({
        job_id: 'memory-gc',
        status: 'ok',
        summary: (gc.output as JobOutput).summary,
      });
    });

    it('refuses a bad cron expression with the reason and the field order', async () => {
      const res = await post('/api/scheduler/jobs', {
        description: 'bad',
        cron: '0 25 * * *',
        action: { type: 'tool', tool: 'memory_search', arguments: { query: 'x' } },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: 'bad_cron',
        message:
          '"0 25 * * *": hour 25 is out of range 0–23; use five fields: minute hour day month weekday ' +
          '(e.g. "0 3 * * *"), or six with seconds first',
      });
      const builtin = await patch('/api/scheduler/jobs/memory-gc', { cron: '* * 32 * *' });
      expect(builtin.status).toBe(400);
      expect((builtin.body.error as Body).message).toContain('day 32 is out of range 1–31');
    });

    it('creates, lists, patches, runs and deletes a user job that calls a read-only tool', async () => {
      const created = await post('/api/scheduler/jobs', {
        id: 'plan-search',
        description: 'Look for the quarterly plan every morning',
        cron: '0 8 * * *',
        action: { type: 'tool', tool: 'search_files', arguments: { query: 'quarterly plan' } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.job).toMatchObject({ id: 'plan-search', kind: 'user', enabled: true, grants: [] });
      expect((await post('/api/scheduler/jobs', { ...(created.body.job as Body), id: 'plan-search' })).status).toBe(
        400,
      );
      const dup = await post('/api/scheduler/jobs', {
        id: 'plan-search',
        description: 'again',
        cron: '0 9 * * *',
        action: { type: 'tool', tool: 'search_files', arguments: { query: 'x' } },
      });
      expect(dup.status).toBe(409);

      const off = await patch('/api/scheduler/jobs/plan-search', { enabled: false, cron: '30 7 * * 1-5' });
      expect(off.body.job).toMatchObject({ enabled: false, cron: '30 7 * * 1-5', next_run_at: null });
      const on = await patch('/api/scheduler/jobs/plan-search', { enabled: true });
      expect(new Date((on.body.job as Body).next_run_at as string).getMinutes()).toBe(30);

      const run = await runNow('plan-search');
      expect(run).toMatchObject({ status: 'ok', trigger: 'manual', job_id: 'plan-search' });
      expect((run.output as JobOutput).summary).toMatch(/^called search_files: ok, \d+ characters of result$/);
      expect((run.output as JobOutput).details).toHaveProperty('tool', 'search_files');

      const page = await call('/api/scheduler/jobs/plan-search/runs?limit=1');
      expect(page.body).toMatchObject({ runs: [{ id: run.id }], next_before: run.id });
      const rest = await call(`/api/scheduler/jobs/plan-search/runs?limit=1&before=${run.id}`);
      expect(rest.body).toEqual({ runs: [], next_before: null });

      expect((await call('/api/scheduler/jobs/plan-search', { method: 'DELETE' })).status).toBe(204);
      const gone = await call('/api/scheduler/jobs/plan-search');
      expect(gone.status).toBe(404);
      expect((gone.body.error as Body).message).toContain('GET /api/scheduler/jobs lists them');
    });

    it('lets a job write only with a grant: refused at creation without one, runs with one', async () => {
      const action = { type: 'tool', tool: 'write_file', arguments: { path: 'Desktop/note.txt', content: 'hi' } };
      const refused = await post('/api/scheduler/jobs', { id: 'writer', description: 'w', cron: '0 1 * * *', action });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'tool_not_allowed' });
      expect((refused.body.error as Body).message).toContain('{"grants": ["write_file"]}');
      const unknown = await post('/api/scheduler/jobs', {
        description: 'u',
        cron: '0 1 * * *',
        action: { type: 'tool', tool: 'launch_rockets', arguments: {} },
      });
      expect(unknown.body.error).toMatchObject({ code: 'unknown_tool' });

      const granted = await post('/api/scheduler/jobs', {
        id: 'writer',
        description: 'Write a note',
        cron: '0 1 * * *',
        action,
        grants: ['write_file'],
      });
      expect(granted.status, JSON.stringify(granted.body)).toBe(201);
      const run = await runNow('writer');
      expect(run.status, JSON.stringify(run)).toBe('ok');
      // Memory saves need no grant: they stay inside Titan.
      const save = await post('/api/scheduler/jobs', {
        id: 'remember',
        description: 'Remember',
        cron: '0 2 * * *',
        action: { type: 'tool', tool: 'memory_save', arguments: { text: 'The scheduler test ran' } },
      });
      expect(save.status, JSON.stringify(save.body)).toBe(201);
    });

    it('answers 409 to a run of a job that is still running, records it, and frees the job when it ends', async () => {
      const service = scheduler();
      if (!service) throw new Error('the scheduler feature is not open');
      let release: (o: JobOutput) => void = () => {};
      service.define({
        id: 'slow-test-job',
        description: 'Waits for the test',
        cron: '0 0 1 1 *',
        enabled: true,
        kind: 'goal',
        run: () =>
          new Promise<JobOutput>((r) => {
            release = r;
          }),
      });
      const first = await post('/api/scheduler/jobs/slow-test-job/run');
      expect(first.status).toBe(202);
      expect(first.body.run).toMatchObject({ status: 'running', trigger: 'manual' });
      const second = await post('/api/scheduler/jobs/slow-test-job/run');
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: 'job_running' });
      const listed = (await call('/api/scheduler/jobs/slow-test-job')).body.job as Body;
      expect(listed.running).toMatchObject({ run_id: (first.body.run as Body).id });
      const edit = await patch('/api/scheduler/jobs/slow-test-job', { enabled: false });
      expect(edit.status).toBe(409);
      expect((edit.body.error as Body).message).toContain('/api/goals');

      release({ summary: 'waited 1 time' });
      const done = await service.scheduler.finished((first.body.run as Body).id as string);
      expect(done).toMatchObject({ status: 'ok', output: { summary: 'waited 1 time' } });
      const runs = (await call('/api/scheduler/jobs/slow-test-job/runs')).body.runs as Body[];
      expect(runs.map((r) => r.status)).toEqual(['ok']);
      expect((await post('/api/scheduler/jobs/slow-test-job/run')).status).toBe(202);
      release({ summary: 'again' });
      service.remove('slow-test-job');
    });

    it('keeps a built-in job change in settings scheduler.jobs and refuses other fields', async () => {
      const res = await patch('/api/scheduler/jobs/bus-snapshot', { cron: '*/15 * * * *', missed: 'skip' });
      expect(res.status).toBe(200);
      expect(res.body.job).toMatchObject({ cron: '*/15 * * * *', missed: 'skip' });
      const settings = (await call('/api/settings')).body as { settings?: Body } & Body;
      const scheduler = ((settings.settings ?? settings) as Body).scheduler as { jobs: Body[] };
      expect(scheduler.jobs.find((j) => j.id === 'bus-snapshot')).toEqual({
        id: 'bus-snapshot',
        cron: '*/15 * * * *',
        enabled: true,
        missed: 'skip',
      });
      const bad = await patch('/api/scheduler/jobs/bus-snapshot', { description: 'mine now' });
      expect(bad.status).toBe(409);
      expect((bad.body.error as Body).message).toContain('only cron, enabled and missed');
      expect((await call('/api/scheduler/jobs/bus-snapshot', { method: 'DELETE' })).status).toBe(409);
      expect((await post('/api/scheduler/jobs/no-such-job/run')).status).toBe(404);
    });
  });
}

schedulerApiSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));

schedulerApiSuite('Redis + Postgres + Neo4j', () => serverEngines(6));

describe('scheduler API: bus-snapshot with snapshots on', () => {
  const { s3 } = inject('services');
  const buckets = testBuckets(s3);
  let d: TestDaemon | undefined;
  afterAll(async () => {
    await d?.stop();
    await buckets.removeAll();
  });

  it('writes the new bus events to the bucket and says how many, by topic', async () => {
    const bucket = await buckets.create();
    const snapshots = {
      interval_min: 1440,
      endpoint: s3.url,
      bucket,
      region: s3.region,
      access_key_id: s3.accessKeyId,
      secret_access_key: s3.secretAccessKey,
      force_path_style: true,
    };
    d = await startDaemon({ bus: { snapshots } });
    const token = await d.login();
    await d.titan.bus.publish('system.v1', 'test.ping', { n: 1 }, { source: 'test' });
    const res = await d.request('/api/scheduler/jobs/bus-snapshot/run?wait=true', { method: 'POST', token });
    const run = ((await res.json()) as { run: Body }).run;
    expect(run.status).toBe('ok');
    const summary = (run.output as JobOutput).summary;
    expect(summary).toMatch(
      new RegExp(`^bus snapshot to bucket "${bucket}": wrote \\d+ new events? \\(.*system\\.v1 \\d+`),
    );
    expect((await buckets.keys(bucket)).length).toBeGreaterThan(0);
  });
});
