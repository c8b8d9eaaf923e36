// The goal runner on PGlite with the scripted model: runs beyond goals.concurrent_runs wait queued and start in turn, a
// queued run cancels without starting, a run left unfinished by a stopped daemon is marked failed, and a scheduled
// goal's job starts a run (trigger "schedule") and reports its summary.
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type FakeModelServer, start } from '../../../tests/fake-model/server.ts';
import { openToolsFixture, type ToolsFixture } from '../../chat/tools/toolsFixture.ts';
import type { ChatTool } from '../../chat/types.ts';
import { GoalRunner } from './runner.ts';
import { goalJob } from './schedule.ts';
import { GoalStore } from './store.ts';
import { fakeModelClient } from './testModel.ts';
import type { Goal } from './types.ts';

describe('GoalRunner', () => {
  let fx: ToolsFixture;
  let server: FakeModelServer;
  let store: GoalStore;
  let runner: GoalRunner;
  let gate: PromiseWithResolvers<void>;
  let entered: PromiseWithResolvers<void>;
  const published: { type: string; payload: Record<string, unknown> }[] = [];

  /** A read-only tool that waits until the test opens the gate. */
  const waitHere: ChatTool = {
    name: 'wait_here',
    description: 'Waits',
    risk: 'read',
    schema: v.object({}),
    run: async () => {
      entered.resolve();
      await gate.promise;
      return { waited: true };
    },
  };

  const goal = (title: string): Promise<Goal> =>
    store.create({
      title,
      instructions: 'Work.',
      schedule: null,
      budget: { max_steps: 5, max_tokens: 10_000 },
      allowed_tools: [],
      enabled: true,
    });
  const typesOf = (runId: string) => published.filter((e) => e.payload.run_id === runId).map((e) => e.type);

  beforeAll(async () => {
    fx = await openToolsFixture('pglite', inject('services'));
    store = new GoalStore(fx.memory.store.sql);
  }, 60_000);
  afterAll(() => fx?.close());
  beforeEach(async () => {
    server = await start();
    gate = Promise.withResolvers();
    entered = Promise.withResolvers();
    published.length = 0;
    runner = new GoalRunner({
      store,
      model: fakeModelClient(server),
      tools: () => [waitHere],
      policyOf: () => 'auto',
      files: fx.files,
      memory: fx.memory,
      publish: async (type, payload) => {
        published.push({ type, payload });
      },
      audit: () => {},
      concurrentRuns: () => 1,
      now: Date.now,
      onError: (err) => {
        throw err;
      },
    });
  });
  afterEach(async () => {
    gate.resolve();
    await runner.close();
    await server.stop();
  });

  it('queues a run while all slots work, and starts it when one frees', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'wait_here', arguments: {} }] } },
      { reply: { text: 'A is done.' } },
      { reply: { text: 'B is done.' } },
    );
    const a = await goal('A');
    const b = await goal('B');
    const runA = (await runner.startRun(a.id, { kind: 'manual' })).run_id;
    await entered.promise;
    const runB = (await runner.startRun(b.id, { kind: 'trigger', detail: 'rule-1' })).run_id;
    expect((await store.getRun(b.id, runB)).status).toBe('queued');
    expect((await store.getRun(a.id, runA)).status).toBe('running');
    expect(typesOf(runB)).toEqual([]);

    gate.resolve();
    expect(await runner.wait(a.id, runA)).toMatchObject({ status: 'done', answer: 'A is done.' });
    const finishedB = await runner.wait(b.id, runB);
    expect(finishedB).toMatchObject({
      status: 'done',
      answer: 'B is done.',
      trigger: { kind: 'trigger', detail: 'rule-1' },
    });
    expect(typesOf(runB)).toEqual(['goal.run.started', 'goal.step', 'goal.run.finished']);
    // B's model request came after A's last one: it never worked beside A.
    expect(server.requests).toHaveLength(3);
  });

  it('cancels a queued run without starting it', async () => {
    server.script({ reply: { toolCalls: [{ name: 'wait_here', arguments: {} }] } }, { reply: { text: 'A.' } });
    const a = await goal('A2');
    const b = await goal('B2');
    const runA = (await runner.startRun(a.id, { kind: 'manual' })).run_id;
    await entered.promise;
    const runB = (await runner.startRun(b.id, { kind: 'manual' })).run_id;
    const cancelled = await runner.cancel(b.id, runB);
    expect(cancelled).toMatchObject({ status: 'cancelled', steps: 0, started_at: null });
    expect(typesOf(runB)).toEqual(['goal.step', 'goal.run.finished']);
    expect(await store.steps(runB)).toMatchObject([{ kind: 'note' }]);
    gate.resolve();
    expect((await runner.wait(a.id, runA)).status).toBe('done');
  });

  it('marks runs a stopped daemon left queued or running as failed', async () => {
    const g = await goal('Cut off');
    const left = await store.createRun(g, { kind: 'manual' });
    await store.markRunning(left.id);
    const queued = await store.createRun(g, { kind: 'schedule' });
    expect(await store.failUnfinished('interrupted by a restart')).toBe(2);
    for (const id of [left.id, queued.id]) {
      expect(await store.getRun(g.id, id)).toMatchObject({
        status: 'failed',
        summary: 'interrupted by a restart',
        error: { code: 'interrupted' },
      });
    }
    expect(await store.failUnfinished('again')).toBe(0);
  });

  it('runs a scheduled goal as a job: trigger "schedule", the run summary as output; a failed run fails the job', async () => {
    server.script({ reply: { text: 'Checked the inbox: nothing new.' } });
    const g = { ...(await goal('Inbox')), schedule: '0 8 * * *' };
    const job = goalJob(g, runner);
    expect(job).toMatchObject({ id: `goal-${g.id.toLowerCase()}`, kind: 'goal', cron: '0 8 * * *', enabled: true });
    const progress: string[] = [];
    const ctx = {
      run_id: 'job-run-1',
      scheduled_for: new Date(),
      signal: new AbortController().signal,
      progress: (note: string) => progress.push(note),
    };
    const output = await job.run(ctx);
    expect(output.summary).toBe('done: Checked the inbox: nothing new.');
    expect(output.details).toMatchObject({ status: 'done', steps: 0 });
    const [run] = await store.listRuns(g.id, 10);
    expect(run?.trigger).toEqual({ kind: 'schedule', detail: 'job-run-1' });
    expect(progress).toEqual([`goal run ${run?.id} started`]);

    server.script({ fail: { status: 401 } });
    await expect(job.run(ctx)).rejects.toThrow(/^failed: /);
  });
});
