// The goal loop against the scripted fake model with small in-test tools: steps reported in order, the step budget
// cutting a round of several calls, a tool that is not allowed refused unrun, a cancel seen by the running tool call,
// a model failure, and the token budget.
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../../../tests/fake-model/server.ts';
import type { ToolAuditRecord } from '../../chat/agentTools.ts';
import type { ChatTool } from '../../chat/types.ts';
import { unattendedTools } from './access.ts';
import { type LoopOptions, runGoalLoop } from './loop.ts';
import { fakeModelClient } from './testModel.ts';
import type { StepInput } from './types.ts';

interface Harness {
  opts: LoopOptions;
  steps: (StepInput & { totals: { steps: number; tokens: number } })[];
  audits: ToolAuditRecord[];
  ran: string[];
  controller: AbortController;
  /** Resolves when the slow tool has started. */
  slowStarted: Promise<void>;
}

function harness(server: FakeModelServer, granted: string[] = []): Harness {
  const ran: string[] = [];
  const started = Promise.withResolvers<void>();
  const tool = (name: string, risk: 'read' | 'write', run: ChatTool['run']): ChatTool => ({
    name,
    description: `${name} for tests`,
    risk,
    schema: v.strictObject({ n: v.optional(v.number()) }),
    run: async (args, ctx) => {
      ran.push(name);
      return run(args, ctx);
    },
  });
  const tools = [
    tool('look', 'read', async (args) => ({ seen: args })),
    tool('change', 'write', async () => ({ changed: true })),
    tool('slow', 'read', (_args, ctx) => {
      started.resolve();
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('stopped while looking')), { once: true }),
      );
    }),
  ];
  const controller = new AbortController();
  const steps: Harness['steps'] = [];
  const audits: ToolAuditRecord[] = [];
  const model = fakeModelClient(server);
  const opts: LoopOptions = {
    model,
    tools: unattendedTools(
      tools,
      granted,
      () => 'auto',
      (t) => `${t.name} is not allowed for this goal`,
    ),
    toolContext: {
      files: undefined as never,
      memory: undefined as never,
      who: 'goal:g1',
      conversationId: 'r1',
      signal: controller.signal,
    },
    messages: [
      { role: 'system', content: 'You work alone.' },
      { role: 'user', content: 'Goal: look around' },
    ],
    budget: { max_steps: 10, max_tokens: 10_000 },
    signal: controller.signal,
    step: async (step, totals) => {
      steps.push({ ...step, totals: { ...totals } });
    },
    audit: (r) => audits.push(r),
  };
  return { opts, steps, audits, ran, controller, slowStarted: started.promise };
}

const look = (n: number) => ({ name: 'look', arguments: { n } });

describe('runGoalLoop', () => {
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await start();
  });
  afterEach(() => server.stop());

  it('reports thought, tool call, observation and answer in order, with running totals', async () => {
    server.script({ reply: { text: 'Looking.', toolCalls: [look(1)] } }, { reply: { text: 'All seen.' } });
    const h = harness(server);
    const result = await runGoalLoop(h.opts);
    expect(result).toMatchObject({ status: 'done', answer: 'All seen.', summary: 'All seen.', steps: 1, tokens: 30 });
    expect(h.steps.map((s) => [s.kind, s.tool ?? null, s.totals.steps, s.totals.tokens])).toEqual([
      ['thought', null, 0, 15],
      ['tool_call', 'look', 1, 15],
      ['observation', 'look', 1, 15],
      ['answer', null, 1, 30],
    ]);
    expect(h.steps[1]?.args).toEqual({ n: 1 });
    expect(h.steps[2]).toMatchObject({ ok: true, text: '{"seen":{"n":1}}' });
    expect(h.audits).toMatchObject([{ who: 'goal:g1', conversation_id: 'r1', tool: 'look', outcome: 'ok' }]);
  });

  it('stops inside a round of several calls at the step budget: the calls past it never run', async () => {
    server.script({ reply: { toolCalls: [look(1), look(2), look(3)] } });
    const h = harness(server);
    h.opts.budget = { max_steps: 2, max_tokens: 10_000 };
    const result = await runGoalLoop(h.opts);
    expect(result.status).toBe('budget_exhausted');
    expect(result.steps).toBe(2);
    expect(h.ran).toEqual(['look', 'look']);
    expect(h.steps.at(-1)).toMatchObject({ kind: 'note' });
    expect(result.summary).toContain('before tool step 3 (look)');
  });

  it('answers a call to a tool that is not allowed with a refusal, without running it, and offers only allowed tools', async () => {
    server.script({ reply: { toolCalls: [{ name: 'change', arguments: {} }] } }, { reply: { text: 'Could not.' } });
    const h = harness(server);
    const result = await runGoalLoop(h.opts);
    expect(result.status).toBe('done');
    expect(h.ran).toEqual([]);
    expect(h.steps.find((s) => s.kind === 'observation')).toMatchObject({ ok: false });
    expect(h.steps.find((s) => s.kind === 'observation')?.text).toContain('change is not allowed for this goal');
    expect(h.audits[0]).toMatchObject({ tool: 'change', outcome: 'error', code: 'not_allowed' });
    const body = (server.requests[0]?.body ?? {}) as { tools?: { function: { name: string } }[] };
    expect(body.tools?.map((t) => t.function.name)).toEqual(['look', 'slow']);
  });

  it('runs a write tool the goal was granted', async () => {
    server.script({ reply: { toolCalls: [{ name: 'change', arguments: {} }] } }, { reply: { text: 'Changed.' } });
    const h = harness(server, ['change']);
    expect((await runGoalLoop(h.opts)).status).toBe('done');
    expect(h.ran).toEqual(['change']);
  });

  it('cancels while a tool call runs: the tool sees the signal, the run ends cancelled with a note', async () => {
    server.script({ reply: { toolCalls: [{ name: 'slow', arguments: {} }] } });
    const h = harness(server);
    const running = runGoalLoop(h.opts);
    await h.slowStarted;
    h.controller.abort(new Error('cancelled by the user'));
    const result = await running;
    expect(result).toMatchObject({
      status: 'cancelled',
      steps: 1,
      summary: 'Stopped after 1 tool step: cancelled by the user.',
    });
    expect(h.steps.map((s) => s.kind)).toEqual(['tool_call', 'observation', 'note']);
    expect(h.steps[1]).toMatchObject({ ok: false });
    expect(h.audits[0]).toMatchObject({ tool: 'slow', outcome: 'aborted' });
  });

  it('fails with the model error’s code and message', async () => {
    server.script({ fail: { status: 401 } });
    const h = harness(server);
    const result = await runGoalLoop(h.opts);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('model_auth');
    expect(h.steps.map((s) => s.kind)).toEqual(['note']);
  });

  it('stops when a round reaches max_tokens, before that round’s calls run', async () => {
    server.script({ reply: { text: 'One more look.', toolCalls: [look(1)] } });
    const h = harness(server);
    h.opts.budget = { max_steps: 10, max_tokens: 15 };
    const result = await runGoalLoop(h.opts);
    expect(result).toMatchObject({ status: 'budget_exhausted', steps: 0, tokens: 15 });
    expect(h.ran).toEqual([]);
    expect(h.steps.map((s) => s.kind)).toEqual(['thought', 'note']);
    expect(result.summary).toContain('max_tokens');
  });
});
