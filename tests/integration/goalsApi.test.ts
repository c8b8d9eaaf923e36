// Goals end to end on a real daemon with the scripted model: a run thinks, calls tools step by step and answers; its
// budget (steps, tokens) stops it; a write tool is refused until granted (and "never" in Settings still wins); a run is
// cancelled mid-request; steps and the lifecycle are readable through the API and on system.v1 — on the embedded
// engines and on Redis + Postgres + Neo4j.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../bus/event.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { serverEngines } from '../helpers/serverEngines.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}
interface Step {
  seq: number;
  kind: string;
  text: string | null;
  tool: string | null;
  args: unknown;
  ok: boolean | null;
  tokens: number;
}

const modelSettings = (url: string) => ({
  provider: 'openai-compatible',
  base_url: url,
  api_key: 'test-key',
  model: 'fake-chat',
  temperature: 0,
  max_tokens: 512,
});

function goalsSuite(name: string, engines: () => Promise<Engines>) {
  describe(`goals: ${name}`, () => {
    let model: FakeModelServer;
    let d: TestDaemon;
    let token: string;
    let env: Engines;
    let desk: string;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
    };
    const chatRequests = () => model.requests.filter((r) => r.path === '/v1/chat/completions');
    /** The body of the n-th chat request counted from the end (1 = the last). */
    const requestBody = (fromEnd: number) => (chatRequests().at(-fromEnd)?.body ?? {}) as Body;
    const createGoal = async (goal: Body) => {
      const res = await call('/api/goals', { method: 'POST', json: { instructions: 'Do the thing.', ...goal } });
      expect(res.status).toBe(201);
      return String(res.body.id);
    };
    const startRun = async (goalId: string) => {
      const res = await call(`/api/goals/${goalId}/runs`, { method: 'POST' });
      expect(res.status).toBe(202);
      return String(res.body.run_id);
    };
    /** The run once it has ended (the API waits for it), with its steps. */
    const finished = async (goalId: string, runId: string) => {
      const res = await call(`/api/goals/${goalId}/runs/${runId}?wait=20`);
      expect(res.status).toBe(200);
      const run = res.body.run as Body;
      expect(['queued', 'running']).not.toContain(run.status);
      return { run, steps: res.body.steps as Step[] };
    };
    const events = async (from: number, runId: string) => {
      const out: BusEvent[] = [];
      for await (const e of d.titan.bus.replay(from, 'system.v1')) {
        if ((e.payload as Body).run_id === runId) out.push(e);
      }
      return out;
    };

    beforeAll(async () => {
      model = await start({ structured: () => ({ text: 'not json' }) });
      env = await engines();
      d = await startDaemon({
        ...env.settings,
        model: modelSettings(model.url),
        folders: { allowed: [], trash_days: 30, watch: false },
      });
      desk = join(d.userHome, 'Desktop');
      token = await d.login();
    }, 120_000);
    afterAll(async () => {
      await d?.stop();
      await model?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('runs a ReAct loop: thinks, calls tools step by step, saves a memory, answers — all stored and published', async () => {
      writeFileSync(join(desk, 'launch-plan.txt'), 'The Orion launch is on 12 May; Vera owns the press release.');
      model.script(
        {
          reply: {
            text: 'First I look at what is on the Desktop.',
            toolCalls: [{ name: 'list_files', arguments: { path: 'Desktop' } }],
          },
        },
        { reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'Desktop/launch-plan.txt' } }] } },
        { reply: { toolCalls: [{ name: 'memory_save', arguments: { text: 'The Orion launch is on 12 May.' } }] } },
        { reply: { text: 'The Orion launch is on 12 May; Vera owns the press release. I saved the date.' } },
      );
      const from = Date.now();
      const goalId = await createGoal({
        title: 'Track the Orion launch',
        instructions: 'Find the launch plan on my Desktop and remember its date.',
      });
      const before = chatRequests().length;
      const runId = await startRun(goalId);
      const { run, steps } = await finished(goalId, runId);

      expect(run).toMatchObject({ status: 'done', steps: 3, tokens: 60, trigger: { kind: 'manual' } });
      expect(run.answer).toContain('12 May');
      expect(steps.map((s) => [s.kind, s.tool])).toEqual([
        ['thought', null],
        ['tool_call', 'list_files'],
        ['observation', 'list_files'],
        ['tool_call', 'read_file'],
        ['observation', 'read_file'],
        ['tool_call', 'memory_save'],
        ['observation', 'memory_save'],
        ['answer', null],
      ]);
      expect(steps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(steps[3]?.args).toEqual({ path: 'Desktop/launch-plan.txt' });
      expect(steps.filter((s) => s.kind === 'observation').every((s) => s.ok)).toBe(true);
      expect(steps[4]?.text).toContain('Vera owns the press release');
      expect(steps.at(-1)?.tokens).toBe(60);

      // The model saw the goal, then each observation in turn.
      expect(chatRequests().length - before).toBe(4);
      const last = requestBody(1).messages as { role: string; content: string | null }[];
      expect(last[1]?.content).toContain('Find the launch plan');
      expect(last.filter((m) => m.role === 'tool')).toHaveLength(3);

      const hits = await call(`/api/memory/query?q=${encodeURIComponent('Orion launch date')}&k=10`);
      const texts = (hits.body.hits as { memory: Body }[]).map((h) => String(h.memory.text));
      expect(texts).toContain('The Orion launch is on 12 May.');
      // The answer is kept as an event memory too.
      expect(texts.some((t) => t.startsWith('Goal "Track the Orion launch"'))).toBe(true);

      const published = await events(from, runId);
      expect(published.map((e) => e.event_type)).toEqual([
        'goal.run.started',
        ...steps.map(() => 'goal.step'),
        'goal.run.finished',
      ]);
      expect(published[2]?.payload).toMatchObject({ run_id: runId, index: 1, kind: 'tool_call', tool: 'list_files' });
      expect(published[3]?.payload).toMatchObject({ index: 2, kind: 'observation', ok: true });
      expect(published.at(-1)?.payload).toMatchObject({ goal_id: goalId, status: 'done', steps: 3, tokens: 60 });
      expect(published.every((e) => e.meta.source === 'goals')).toBe(true);

      const list = await call(`/api/goals/${goalId}/runs`);
      expect((list.body.items as Body[]).map((r) => r.id)).toEqual([runId]);
    });

    it('stops before the tool step that would exceed max_steps, after making 3', async () => {
      const loop = { reply: { toolCalls: [{ name: 'list_files', arguments: {} }] } };
      model.script(loop, loop, loop, loop);
      const from = Date.now();
      const goalId = await createGoal({ title: 'Keep listing', budget: { max_steps: 3 } });
      const runId = await startRun(goalId);
      const { run, steps } = await finished(goalId, runId);
      expect(run).toMatchObject({ status: 'budget_exhausted', steps: 3, budget: { max_steps: 3 } });
      expect(steps.filter((s) => s.kind === 'tool_call')).toHaveLength(3);
      expect(steps.at(-1)).toMatchObject({ kind: 'note' });
      expect(steps.at(-1)?.text).toContain('max_steps');
      expect(run.summary).toBe(steps.at(-1)?.text);
      const last = (await events(from, runId)).at(-1);
      expect(last?.payload).toMatchObject({ status: 'budget_exhausted', steps: 3 });
    });

    it('stops when its tokens reach max_tokens, before running the calls of that round', async () => {
      const loop = { reply: { toolCalls: [{ name: 'list_files', arguments: {} }] } };
      model.script(loop, loop);
      // The fake model reports 15 tokens per request: the second request reaches 30.
      const goalId = await createGoal({ title: 'Spend tokens', budget: { max_steps: 50, max_tokens: 30 } });
      const { run, steps } = await finished(goalId, await startRun(goalId));
      expect(run).toMatchObject({ status: 'budget_exhausted', steps: 1, tokens: 30 });
      expect(steps.filter((s) => s.kind === 'tool_call')).toHaveLength(1);
      expect(steps.at(-1)?.text).toContain('max_tokens');
    });

    it('refuses a write tool the goal was not granted, runs it once granted, and "never" in Settings still wins', async () => {
      const write = (file: string) => ({
        reply: {
          toolCalls: [{ name: 'write_file', arguments: { path: `Desktop/${file}`, content: 'weekly report' } }],
        },
      });
      const goalId = await createGoal({ title: 'Write the report' });

      model.script(write('report.txt'), { reply: { text: 'I could not write the report.' } });
      const refused = await finished(goalId, await startRun(goalId));
      const observation = refused.steps.find((s) => s.kind === 'observation');
      expect(observation).toMatchObject({ tool: 'write_file', ok: false });
      expect(observation?.text).toContain('not allowed for this goal');
      expect(observation?.text).toContain("goal's allowed tools");
      expect(existsSync(join(desk, 'report.txt'))).toBe(false);
      // Not even offered to the model.
      const offered = (requestBody(2).tools as { function: { name: string } }[]).map((t) => t.function.name);
      expect(offered).toContain('memory_save');
      expect(offered).not.toContain('write_file');

      const patched = await call(`/api/goals/${goalId}`, { method: 'PATCH', json: { allowed_tools: ['write_file'] } });
      expect(patched.body.allowed_tools).toEqual(['write_file']);
      model.script(write('report.txt'), { reply: { text: 'Written.' } });
      const granted = await finished(goalId, await startRun(goalId));
      expect(granted.run.status).toBe('done');
      expect(granted.steps.find((s) => s.kind === 'observation')).toMatchObject({ ok: true });
      expect(readFileSync(join(desk, 'report.txt'), 'utf8')).toBe('weekly report');
      // The grant and both calls are in the audit trail.
      const audit = (await call(`/api/logs/audit?q=${goalId}`)).body.lines as Body[];
      expect(audit).toContainEqual(
        expect.objectContaining({ event: 'goal.update', goal_id: goalId, allowed_tools: ['write_file'] }),
      );
      const calls = audit.filter((l) => l.event === 'chat.tool' && l.who === `goal:${goalId}`);
      expect(calls.map((l) => [l.tool, l.outcome, l.code ?? null])).toEqual([
        ['write_file', 'ok', null],
        ['write_file', 'error', 'not_allowed'],
      ]);

      const settings = (await call('/api/settings')).body;
      const chat = settings.chat as { tools: Record<string, string> };
      chat.tools.write_file = 'never';
      expect((await call('/api/settings', { method: 'PUT', json: settings })).status).toBe(200);
      model.script(write('other.txt'), { reply: { text: 'Refused.' } });
      const never = await finished(goalId, await startRun(goalId));
      const refusedByPolicy = never.steps.find((s) => s.kind === 'observation');
      expect(refusedByPolicy?.ok).toBe(false);
      expect(refusedByPolicy?.text).toContain('never');
      expect(existsSync(join(desk, 'other.txt'))).toBe(false);
      chat.tools.write_file = 'ask';
      expect((await call('/api/settings', { method: 'PUT', json: settings })).status).toBe(200);
    });

    it('cancels a run while its model request is in flight; one run at a time per goal', async () => {
      // The request hangs far longer than the test may take: only the cancel can end it.
      model.script({ delay: { ms: 25_000 } });
      const goalId = await createGoal({ title: 'Slow thinking' });
      const before = chatRequests().length;
      const runId = await startRun(goalId);
      const second = await call(`/api/goals/${goalId}/runs`, { method: 'POST' });
      expect(second.status).toBe(409);
      expect((second.body.error as Body).code).toBe('run_in_progress');
      await vi.waitFor(() => expect(chatRequests().length).toBe(before + 1), { timeout: 10_000 });
      expect(((await call(`/api/goals/${goalId}`)).body as Body).running_run_id).toBe(runId);

      const cancelled = await call(`/api/goals/${goalId}/runs/${runId}/cancel`, { method: 'POST' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: runId, status: 'cancelled', steps: 0 });
      expect(cancelled.body.summary).toBe('Stopped after 0 tool steps: cancelled by the user.');
      const { steps } = await finished(goalId, runId);
      expect(steps.map((s) => s.kind)).toEqual(['note']);
      const again = await call(`/api/goals/${goalId}/runs/${runId}/cancel`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect((again.body.error as Body).code).toBe('run_finished');
      expect(((await call(`/api/goals/${goalId}`)).body as Body).running_run_id).toBeNull();
    });

    it('runs a scheduled goal as a scheduler job of kind goal, and unschedules it with the goal', async () => {
      const created = await call('/api/goals', {
        method: 'POST',
        json: { title: 'Nightly check', instructions: 'Check the Desktop.', schedule: '0 3 * * *' },
      });
      const id = String(created.body.id);
      const jobId = `goal-${id.toLowerCase()}`;
      const job = async () => await call(`/api/scheduler/jobs/${jobId}`);
      expect((await job()).body.job).toMatchObject({ kind: 'goal', cron: '0 3 * * *', enabled: true });

      model.script({ reply: { text: 'All quiet tonight.' } });
      const ran = await call(`/api/scheduler/jobs/${jobId}/run?wait=true`, { method: 'POST' });
      expect(ran.status).toBe(200);
      expect(ran.body.run).toMatchObject({ status: 'ok', output: { summary: 'done: All quiet tonight.' } });
      const [run] = (await call(`/api/goals/${id}/runs`)).body.items as Body[];
      expect(run).toMatchObject({ status: 'done', trigger: { kind: 'schedule' }, answer: 'All quiet tonight.' });

      await call(`/api/goals/${id}`, { method: 'PATCH', json: { enabled: false, schedule: '30 3 * * *' } });
      expect((await job()).body.job).toMatchObject({ cron: '30 3 * * *', enabled: false });
      await call(`/api/goals/${id}`, { method: 'PATCH', json: { schedule: null } });
      expect((await job()).status).toBe(404);
      await call(`/api/goals/${id}`, { method: 'PATCH', json: { schedule: '0 4 * * *' } });
      expect((await job()).status).toBe(200);
      expect((await call(`/api/goals/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await job()).status).toBe(404);
    });

    it('checks goals: known tools, a usable cron, budgets; edits, lists and deletes with the history', async () => {
      const unknownTool = await call('/api/goals', {
        method: 'POST',
        json: { title: 'x', instructions: 'y', allowed_tools: ['rm_rf'] },
      });
      expect(unknownTool.status).toBe(400);
      expect((unknownTool.body.error as Body).code).toBe('unknown_tool');
      expect((unknownTool.body.error as Body).message).toContain('write_file');

      const badCron = await call('/api/goals', {
        method: 'POST',
        json: { title: 'x', instructions: 'y', schedule: '0 25 * * *' },
      });
      expect(badCron.status).toBe(400);
      expect((badCron.body.error as Body).code).toBe('invalid_schedule');
      expect((badCron.body.error as Body).message).toContain('hour 25');

      const badBudget = await call('/api/goals', {
        method: 'POST',
        json: { title: 'x', instructions: 'y', budget: { max_steps: -1 } },
      });
      expect(badBudget.status).toBe(400);

      const created = await call('/api/goals', {
        method: 'POST',
        json: { title: ' Morning digest ', instructions: 'Summarise new files.', schedule: '0 8 * * 1-5' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        title: 'Morning digest',
        schedule: '0 8 * * 1-5',
        enabled: true,
        allowed_tools: [],
        budget: { max_steps: 12, max_tokens: 60_000 },
        running_run_id: null,
      });
      const id = String(created.body.id);
      const edited = await call(`/api/goals/${id}`, {
        method: 'PATCH',
        json: { schedule: null, enabled: false, budget: { max_tokens: 5000 } },
      });
      expect(edited.body).toMatchObject({
        schedule: null,
        enabled: false,
        budget: { max_steps: 12, max_tokens: 5000 },
      });
      expect(((await call('/api/goals')).body.items as Body[]).map((g) => g.id)).toContain(id);

      model.script({ reply: { text: 'Nothing new.' } });
      const runId = await startRun(id);
      expect((await finished(id, runId)).run.status).toBe('done');
      expect((await call(`/api/goals/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await call(`/api/goals/${id}`)).status).toBe(404);
      expect((await call(`/api/goals/${id}/runs/${runId}`)).status).toBe(404);
      expect((await call(`/api/goals/${id}/runs`, { method: 'POST' })).status).toBe(404);

      const spec = (await (await d.request('/openapi.json')).json()) as { paths: Record<string, Body> };
      const runPath = spec.paths['/api/goals/{id}/runs/{runId}'] as { get: { responses: Body } };
      expect(Object.keys(runPath.get.responses)).toEqual(expect.arrayContaining(['200', '404']));
      expect(Object.keys(spec.paths['/api/goals/{id}/runs/{runId}/cancel'] ?? {})).toEqual(['post']);
    });
  });
}

goalsSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));

goalsSuite('Redis + Postgres + Neo4j', () => serverEngines(7));
