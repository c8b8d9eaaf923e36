// The agent loop against the scripted fake model server with small in-test tools: streamed tokens, tool rounds,
// approvals (approved, denied, stopped), refusals, bad and invalid arguments, limits, the stop button and model errors.
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../../tests/fake-model/server.ts';
import { runTurn, type ToolAuditRecord, type TurnOptions } from './agent.ts';
import { type ApprovalPolicy, Approvals } from './approvals.ts';
import { createModelClient, type ModelSettings } from './model.ts';
import type { ChatTool, ModelMessage, TurnEvent } from './types.ts';

const CONTEXT: ModelMessage[] = [
  { role: 'system', content: 'You are Titan.' },
  { role: 'user', content: 'What is in Desktop/a.md?' },
];

interface Harness {
  opts: TurnOptions;
  events: TurnEvent[];
  audits: ToolAuditRecord[];
  ran: { tool: string; args: unknown }[];
  controller: AbortController;
  policies: Partial<Record<string, ApprovalPolicy>>;
}

function harness(server: FakeModelServer, settings: Partial<ModelSettings> = {}): Harness {
  const ran: Harness['ran'] = [];
  const readFile: ChatTool = {
    name: 'read_file',
    description: 'Reads a text file inside the allowed folders',
    risk: 'read',
    schema: v.strictObject({ path: v.pipe(v.string('path must be a string'), v.minLength(1, 'path is empty')) }),
    async run(args) {
      ran.push({ tool: 'read_file', args });
      const { path } = args as { path: string };
      if (path === 'huge.txt') return { path: `/home/u/${path}`, text: 'x'.repeat(30_000) };
      if (path === 'missing.md') {
        throw Object.assign(new Error(`no file at ${path}`), { code: 'file_not_found', path: `/home/u/${path}` });
      }
      return { path: `/home/u/${path}`, text: 'hello from a.md' };
    },
  };
  const writeFile: ChatTool = {
    name: 'write_file',
    description: 'Writes a text file',
    risk: 'write',
    schema: v.strictObject({ path: v.string(), content: v.string() }),
    async run(args) {
      ran.push({ tool: 'write_file', args });
      return { path: `/home/u/${(args as { path: string }).path}`, written: true };
    },
  };
  const policies: Partial<Record<string, ApprovalPolicy>> = {};
  const controller = new AbortController();
  const events: TurnEvent[] = [];
  const audits: ToolAuditRecord[] = [];
  const model = createModelClient(
    () => ({
      provider: 'openai-compatible',
      base_url: server.url,
      api_key: '',
      model: 'fake-chat',
      temperature: 0,
      max_tokens: 512,
      ...settings,
    }),
    { maxAttempts: 2, baseDelayMs: 5 },
  );
  const opts: TurnOptions = {
    model,
    tools: [readFile, writeFile],
    toolContext: {
      files: undefined as never,
      memory: undefined as never,
      who: 'chat:c1',
      conversationId: 'c1',
      signal: controller.signal,
    },
    approvals: new Approvals({ policies: () => policies }),
    conversationId: 'c1',
    messages: CONTEXT,
    maxRounds: 4,
    maxTokens: 10_000,
    signal: controller.signal,
    emit: (e) => events.push(e),
    audit: (r) => audits.push(r),
  };
  return { opts, events, audits, ran, controller, policies };
}

/** The messages of the n-th request the model got. */
const sent = (server: FakeModelServer, n: number) =>
  (server.requests[n]?.body as { messages: ModelMessage[] } | undefined)?.messages ?? [];
const toolResultsOf = (server: FakeModelServer, n: number) =>
  sent(server, n).flatMap((m) => (m.role === 'tool' ? [JSON.parse(m.content)] : []));
const types = (events: TurnEvent[]) => events.filter((e) => e.type !== 'token').map((e) => e.type);

describe('runTurn', () => {
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await start();
  });
  afterEach(() => server.stop());

  it('streams the answer as token events in order and returns it complete with the usage', async () => {
    server.script({ reply: { text: 'The file says hello.' } });
    const h = harness(server);
    const result = await runTurn(h.opts);
    const tokens = h.events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe('The file says hello.');
    expect(result).toMatchObject({ text: 'The file says hello.', status: 'complete', toolMessages: [] });
    expect(result.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      rounds: 1,
      estimated: false,
    });
    expect(sent(server, 0)).toEqual(CONTEXT);
    const tools =
      (server.requests[0]?.body as { tools: { function: { name: string; parameters: unknown } }[] } | undefined)
        ?.tools ?? [];
    expect(tools.map((t) => t.function.name)).toEqual(['read_file', 'write_file']);
    expect(tools[0]?.function.parameters).toMatchObject({ type: 'object', properties: { path: { type: 'string' } } });
  });

  it('runs a tool the model calls, sends the result back and returns the second round’s answer', async () => {
    server.script(
      { reply: { text: 'Let me look. ', toolCalls: [{ name: 'read_file', arguments: { path: 'Desktop/a.md' } }] } },
      { reply: { text: 'It says hello.' } },
    );
    const h = harness(server);
    const result = await runTurn(h.opts);
    expect(h.ran).toEqual([{ tool: 'read_file', args: { path: 'Desktop/a.md' } }]);
    expect(result.text).toBe('It says hello.');
    expect(result.status).toBe('complete');
    expect(result.usage).toMatchObject({ total_tokens: 30, rounds: 2 });
    expect(types(h.events)).toEqual(['tool_call', 'tool_result']);
    expect(h.events.find((e) => e.type === 'tool_call')).toMatchObject({
      approval: 'auto',
      call: { name: 'read_file' },
    });
    // The second request carries the assistant's call and the tool's answer, linked by the call id.
    const second = sent(server, 1);
    const assistant = second[2];
    const callId = assistant?.role === 'assistant' ? assistant.tool_calls?.[0]?.id : undefined;
    expect(assistant).toMatchObject({ role: 'assistant', content: 'Let me look. ' });
    expect(second[3]).toMatchObject({ role: 'tool', tool_call_id: callId });
    expect(toolResultsOf(server, 1)).toEqual([{ path: '/home/u/Desktop/a.md', text: 'hello from a.md' }]);
    expect(result.toolMessages).toMatchObject([
      { role: 'assistant', content: 'Let me look. ', tool_calls: [{ id: callId, name: 'read_file' }] },
      { role: 'tool', tool_call_id: callId, meta: { name: 'read_file', ok: true, outcome: 'ok' } },
    ]);
    expect(h.audits).toEqual([
      expect.objectContaining({
        event: 'chat.tool',
        who: 'chat:c1',
        tool: 'read_file',
        args: { path: 'Desktop/a.md' },
        path: '/home/u/Desktop/a.md',
        approval: 'auto',
        outcome: 'ok',
      }),
    ]);
  });

  it('asks before a write tool; approved, it runs', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'write_file', arguments: { path: 'Desktop/b.md', content: 'hi' } }] } },
      { reply: { text: 'Saved.' } },
    );
    const h = harness(server);
    h.opts.emit = (e) => {
      h.events.push(e);
      if (e.type === 'approval_required') setTimeout(() => h.opts.approvals.decide(e.approval_id, 'approved'), 10);
    };
    const result = await runTurn(h.opts);
    expect(types(h.events)).toEqual(['tool_call', 'approval_required', 'approval_decided', 'tool_result']);
    expect(h.events.find((e) => e.type === 'tool_call')).toMatchObject({ approval: 'ask' });
    expect(h.ran).toEqual([{ tool: 'write_file', args: { path: 'Desktop/b.md', content: 'hi' } }]);
    expect(result).toMatchObject({ text: 'Saved.', status: 'complete' });
    expect(h.audits[0]).toMatchObject({
      outcome: 'ok',
      approval: 'ask',
      decided_by: 'user',
      path: '/home/u/Desktop/b.md',
    });
  });

  it('asks before a write tool; denied, it does not run and the model is told, and the answer goes on', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'write_file', arguments: { path: 'Desktop/b.md', content: 'hi' } }] } },
      { reply: { text: 'Understood, I did not save it.' } },
    );
    const h = harness(server);
    h.opts.emit = (e) => {
      h.events.push(e);
      if (e.type === 'approval_required') queueMicrotask(() => h.opts.approvals.decide(e.approval_id, 'denied'));
    };
    const result = await runTurn(h.opts);
    expect(h.ran).toEqual([]);
    expect(h.events.find((e) => e.type === 'approval_decided')).toMatchObject({ decision: 'denied' });
    expect(h.events.find((e) => e.type === 'tool_result')).toMatchObject({ ok: false });
    expect(toolResultsOf(server, 1)).toEqual([
      { error: { code: 'denied', message: expect.stringContaining('denied') } },
    ]);
    expect(result).toMatchObject({ text: 'Understood, I did not save it.', status: 'complete' });
    expect(h.audits[0]).toMatchObject({ tool: 'write_file', outcome: 'denied', decided_by: 'user' });
  });

  it('refuses a tool set to "never" without running it, telling the model it is refused by policy', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'Desktop/a.md' } }] } },
      { reply: { text: 'I may not read files.' } },
    );
    const h = harness(server);
    h.policies.read_file = 'never';
    const result = await runTurn(h.opts);
    expect(h.ran).toEqual([]);
    expect(h.events.find((e) => e.type === 'tool_call')).toMatchObject({ approval: 'never' });
    expect(toolResultsOf(server, 1)[0].error.message).toContain('refused by policy');
    expect(result.status).toBe('complete');
    expect(h.audits[0]).toMatchObject({ outcome: 'refused', approval: 'never' });
  });

  it('answers arguments that are not JSON with an error result, not a crash', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'read_file', arguments: '{"path": "Desktop/a.md"' }] } },
      { reply: { text: 'Sorry, my call was malformed.' } },
    );
    const h = harness(server);
    const result = await runTurn(h.opts);
    expect(h.ran).toEqual([]);
    const [res] = toolResultsOf(server, 1);
    expect(res.error.code).toBe('bad_arguments');
    expect(res.error.message).toContain('not valid JSON');
    expect(result).toMatchObject({ status: 'complete', text: 'Sorry, my call was malformed.' });
    expect(h.audits[0]).toMatchObject({ outcome: 'bad_json', args: '{"path": "Desktop/a.md"' });
  });

  it('answers arguments the schema rejects, and calls of unknown tools, with results naming the problem', async () => {
    server.script(
      {
        reply: {
          toolCalls: [
            { name: 'read_file', arguments: { path: 42 } },
            { name: 'read_file', arguments: { path: 'a.md', extra: true } },
            { name: 'graph_query', arguments: {} },
          ],
        },
      },
      { reply: { text: 'Let me fix that.' } },
    );
    const h = harness(server);
    await runTurn(h.opts);
    expect(h.ran).toEqual([]);
    const [wrongType, extraKey, unknown] = toolResultsOf(server, 1);
    expect(wrongType.error).toEqual({
      code: 'invalid_arguments',
      message: expect.stringContaining('path: path must be a string'),
    });
    expect(extraKey.error.message).toContain('extra');
    expect(unknown.error).toEqual({ code: 'unknown_tool', message: expect.stringContaining('read_file, write_file') });
    expect(h.audits.map((a) => a.outcome)).toEqual(['invalid_arguments', 'invalid_arguments', 'unknown_tool']);
  });

  it('sends a failing tool’s error code and message back to the model, and audits the path it resolved', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'missing.md' } }] } },
      { reply: { text: 'That file does not exist.' } },
    );
    const h = harness(server);
    await runTurn(h.opts);
    expect(toolResultsOf(server, 1)).toEqual([{ error: { code: 'file_not_found', message: 'no file at missing.md' } }]);
    expect(h.audits[0]).toMatchObject({ outcome: 'error', code: 'file_not_found', path: '/home/u/missing.md' });
  });

  it('caps a huge tool result with a note, for the model and in the stored tool message', async () => {
    server.script(
      { reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'huge.txt' } }] } },
      { reply: { text: 'It is long.' } },
    );
    const h = harness(server);
    const result = await runTurn(h.opts);
    const tool = sent(server, 1).find((m) => m.role === 'tool');
    expect(tool?.content.length).toBeLessThan(20_300);
    expect(tool?.content).toContain('truncated by Titan');
    expect(result.toolMessages[1]?.content).toBe(tool?.content);
  });

  it('after maxRounds tool rounds, asks once more without tools and says the limit was reached', async () => {
    const call = { name: 'read_file', arguments: { path: 'Desktop/a.md' } };
    server.script(
      { reply: { toolCalls: [call] } },
      { reply: { toolCalls: [call] } },
      { reply: { text: 'Here is what I found.' } },
    );
    const h = harness(server);
    h.opts.maxRounds = 2;
    const result = await runTurn(h.opts);
    expect(h.ran).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.body).not.toHaveProperty('tools');
    expect(sent(server, 2).at(-1)?.content).toContain('last tool round');
    expect(result.status).toBe('complete');
    expect(result.limit).toBe('max_rounds');
    expect(result.text).toMatch(/^Here is what I found\.\n\n.*limit of 2 tool rounds/);
  });

  it('does not run tools a model asks for in the final round anyway', async () => {
    const call = { name: 'read_file', arguments: { path: 'Desktop/a.md' } };
    server.script({ reply: { toolCalls: [call] } }, { reply: { text: 'One more look.', toolCalls: [call] } });
    const h = harness(server);
    h.opts.maxRounds = 1;
    const result = await runTurn(h.opts);
    expect(h.ran).toHaveLength(1);
    expect(result).toMatchObject({ status: 'complete', limit: 'max_rounds' });
    expect(result.text).toContain('One more look.');
    expect(result.toolMessages).toHaveLength(2);
  });

  it('stops when the turn’s tokens reach maxTokens, without running the calls of that round', async () => {
    server.script(
      { reply: { text: 'Reading. ', toolCalls: [{ name: 'read_file', arguments: { path: 'Desktop/a.md' } }] } },
      { reply: { text: 'never asked' } },
    );
    const h = harness(server);
    h.opts.maxTokens = 10;
    const result = await runTurn(h.opts);
    expect(h.ran).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ status: 'partial', limit: 'max_tokens', toolMessages: [] });
    expect(result.text).toMatch(/^Reading\. \n\n.*used 15 tokens, over its limit of 10/);
  });

  it('keeps the text so far when stopped mid-stream (status partial, no error)', async () => {
    server.script({ reply: { text: 'one two three four five six seven eight', chunkDelayMs: 30 } });
    const h = harness(server);
    let tokens = 0;
    h.opts.emit = (e) => {
      h.events.push(e);
      if (e.type === 'token' && ++tokens === 3) h.controller.abort();
    };
    const result = await runTurn(h.opts);
    expect(result.status).toBe('partial');
    expect(result.text).toBe('one two three ');
    expect(result.error).toBeUndefined();
  });

  it('a stop while a call waits for approval denies it, runs nothing and keeps the history valid', async () => {
    server.script({ reply: { toolCalls: [{ name: 'write_file', arguments: { path: 'b.md', content: 'x' } }] } });
    const h = harness(server);
    h.opts.emit = (e) => {
      h.events.push(e);
      if (e.type === 'approval_required') setTimeout(() => h.controller.abort(), 10);
    };
    const result = await runTurn(h.opts);
    expect(h.ran).toEqual([]);
    expect(result.status).toBe('partial');
    expect(h.opts.approvals.pending()).toEqual([]);
    // The assistant's call has its result, so the stored conversation can be sent to a model again.
    expect(result.toolMessages.map((m) => m.role)).toEqual(['assistant', 'tool']);
    expect(JSON.parse(result.toolMessages[1]?.content ?? '{}').error.code).toBe('aborted');
    expect(h.audits[0]).toMatchObject({ outcome: 'aborted', decided_by: 'abort' });
    expect(server.requests).toHaveLength(1);
  });

  it('returns a model failure as status error with its code and message', async () => {
    const guarded = await start({ apiKey: 'sk-right' });
    try {
      const h = harness(guarded, { api_key: 'sk-wrong' });
      const result = await runTurn(h.opts);
      expect(result.status).toBe('error');
      expect(result.error?.code).toBe('model_auth');
      expect(result.error?.message).toContain('Settings → Model');
      expect(result.text).toBe('');
    } finally {
      await guarded.stop();
    }
  });

  it('with no model configured, answers with the Settings hint as the text (status error, code model_not_configured)', async () => {
    const h = harness(server, { provider: 'none' });
    const result = await runTurn(h.opts);
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('model_not_configured');
    expect(result.text).toBe(result.error?.message);
    expect(result.text).toContain('Settings → Model');
    expect(server.requests).toHaveLength(0);
  });
});
