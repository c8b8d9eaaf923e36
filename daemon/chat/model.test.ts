// The chat model client against the scripted fake model server: streamed text and tool calls, retries only before
// anything streamed, every failure as a typed ChatModelError naming what to fix, and the stop button.
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../../tests/fake-model/server.ts';
import { ChatModelError } from './errors/chatModelError.ts';
import { createModelClient, type ModelClientOptions, type ModelSettings } from './model.ts';
import { ToolCallAssembler } from './modelToolCalls.ts';
import type { ModelDelta, ToolSpecForModel } from './types.ts';

const FAST: ModelClientOptions = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 };
const USER = [{ role: 'user' as const, content: 'hi' }];
const TOOL: ToolSpecForModel = {
  type: 'function',
  function: { name: 'read_file', description: 'reads a file', parameters: { type: 'object', properties: {} } },
};

function settingsFor(server: FakeModelServer, over: Partial<ModelSettings> = {}): ModelSettings {
  return {
    provider: 'openai-compatible',
    base_url: server.url,
    api_key: 'sk-test',
    model: 'fake-chat',
    temperature: 0.3,
    max_tokens: 256,
    ...over,
  };
}

async function collect(it: AsyncIterable<ModelDelta>): Promise<ModelDelta[]> {
  const out: ModelDelta[] = [];
  for await (const d of it) out.push(d);
  return out;
}

async function failure(p: Promise<unknown>): Promise<ChatModelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChatModelError);
  return err as ChatModelError;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('chat model client', () => {
  // A server of its own per test: a scripted turn one test leaves unplayed cannot leak into the next.
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await start({ models: ['fake-chat'] });
  });
  afterEach(() => server.stop());

  it('streams text as several deltas in order, then usage; tools are left out when there are none', async () => {
    server.script({ reply: { text: 'one two three four' } });
    const client = createModelClient(() => settingsFor(server), FAST);
    const deltas = await collect(client.stream(USER, [], new AbortController().signal));
    const texts = deltas.flatMap((d) => (d.type === 'text' ? [d.text] : []));
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toBe('one two three four');
    expect(deltas.at(-1)).toEqual({ type: 'usage', prompt_tokens: 10, completion_tokens: 5 });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'fake-chat',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
      max_tokens: 256,
      messages: USER,
    });
    expect(body).not.toHaveProperty('tools');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('assembles streamed tool-call fragments into complete calls, emitted once after the text', async () => {
    server.script({
      reply: {
        text: 'Let me look.',
        toolCalls: [
          { name: 'read_file', arguments: { path: 'Desktop/a.md' } },
          { name: 'list_files', arguments: { path: 'Desktop', depth: 2 } },
        ],
      },
    });
    const client = createModelClient(() => settingsFor(server), FAST);
    const deltas = await collect(client.stream(USER, [TOOL], new AbortController().signal));
    const calls = deltas.filter((d) => d.type === 'tool_calls');
    expect(calls).toHaveLength(1);
    const [first, second] = calls[0]?.type === 'tool_calls' ? calls[0].calls : [];
    expect(first).toMatchObject({ name: 'read_file', arguments: '{"path":"Desktop/a.md"}' });
    expect(JSON.parse(second?.arguments ?? '')).toEqual({ path: 'Desktop', depth: 2 });
    expect(first?.id).toMatch(/^call_/);
    expect(first?.id).not.toBe(second?.id);
    expect(deltas.findIndex((d) => d.type === 'tool_calls')).toBeGreaterThan(
      deltas.findIndex((d) => d.type === 'text'),
    );
    expect((server.requests[0]?.body as { tools?: unknown } | undefined)?.tools).toEqual([TOOL]);
  });

  it('sends max_completion_tokens to OpenAI itself (its newer models refuse max_tokens)', async () => {
    server.script({ reply: { text: 'ok' } });
    const client = createModelClient(() => settingsFor(server, { provider: 'openai' }), FAST);
    await collect(client.stream(USER, [], new AbortController().signal));
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(256);
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('reads the settings for every request: a changed model name applies at once', async () => {
    server.script({ reply: { text: 'a' } });
    let model = 'fake-chat';
    const client = createModelClient(() => settingsFor(server, { model }), FAST);
    await collect(client.stream(USER, [], new AbortController().signal));
    model = 'other';
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_not_found');
    expect(server.requests.map((r) => (r.body as { model: string }).model)).toEqual(['fake-chat', 'other']);
  });

  it('retries a 429 with the server’s Retry-After, then streams the answer once', async () => {
    server.script({ fail: { status: 429, times: 2, retryAfterMs: 20 } }, { reply: { text: 'after the wait' } });
    const client = createModelClient(() => settingsFor(server), FAST);
    const deltas = await collect(client.stream(USER, [], new AbortController().signal));
    expect(deltas.flatMap((d) => (d.type === 'text' ? [d.text] : [])).join('')).toBe('after the wait');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up on 429 after maxAttempts with model_rate_limited', async () => {
    server.script({ fail: { status: 429, times: 3, retryAfter: '0', message: 'Rate limit reached for requests' } });
    const client = createModelClient(() => settingsFor(server), FAST);
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_rate_limited');
    expect(err.status).toBe(429);
    expect(err.message).toContain('Rate limit reached for requests');
    expect(err.message).toContain('3 attempts');
    expect(server.requests).toHaveLength(3);
  });

  it('retries a 5xx, and reports model_error with the server’s words when it persists', async () => {
    server.script({ fail: { status: 503, times: 1 } }, { reply: { text: 'recovered' } });
    const client = createModelClient(() => settingsFor(server), FAST);
    expect(await collect(client.stream(USER, [], new AbortController().signal))).toContainEqual({
      type: 'text',
      text: 'recovered',
    });
    server.requests.length = 0;
    server.script({ fail: { status: 500, times: 3, message: 'CUDA out of memory' } });
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_error');
    expect(err.message).toContain('CUDA out of memory');
    expect(server.requests).toHaveLength(3);
  });

  it('maps 401 to model_auth at once (no retry), pointing to Settings', async () => {
    const guarded = await start({ apiKey: 'sk-right' });
    try {
      const client = createModelClient(() => settingsFor(guarded, { api_key: 'sk-wrong' }), FAST);
      const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
      expect(err.code).toBe('model_auth');
      expect(err.status).toBe(401);
      expect(err.message).toContain(guarded.url);
      expect(err.message).toContain('Settings → Model');
      expect(guarded.requests).toHaveLength(1);
      server.script({ fail: { status: 403, message: 'Project does not have access to model' } });
      const forbidden = await failure(
        collect(createModelClient(() => settingsFor(server), FAST).stream(USER, [], new AbortController().signal)),
      );
      expect(forbidden.code).toBe('model_auth');
      expect(forbidden.message).toContain('Project does not have access');
    } finally {
      await guarded.stop();
    }
  });

  it('maps an unknown model (404) to model_not_found naming the model and the base URL', async () => {
    const client = createModelClient(() => settingsFor(server, { model: 'llama9' }), FAST);
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain('"llama9"');
    expect(err.message).toContain(server.url);
    expect(err.message).toContain('ollama pull llama9');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 400 "model does not exist" to model_not_found, and any other 400 to model_bad_request with the reason', async () => {
    server.script({ fail: { status: 400, message: 'model "qwen" not found, try pulling it first' } });
    const client = createModelClient(() => settingsFor(server), FAST);
    expect((await failure(collect(client.stream(USER, [], new AbortController().signal)))).code).toBe(
      'model_not_found',
    );
    server.script({ fail: { status: 400, message: "This model's maximum context length is 8192 tokens" } });
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_bad_request');
    expect(err.message).toContain('maximum context length is 8192 tokens');
    expect(server.requests).toHaveLength(2);
  });

  it('maps a refused connection to model_unreachable naming the base URL, after retrying', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const client = createModelClient(() => ({ ...settingsFor(server), base_url: url }), { ...FAST, maxAttempts: 2 });
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_unreachable');
    expect(err.message).toContain(url);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('maps a silent server to model_timeout, without retrying (the user is waiting)', async () => {
    server.script({ delay: { ms: 400 } }, { reply: { text: 'too late' } });
    const client = createModelClient(() => settingsFor(server), { ...FAST, timeoutMs: 100 });
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_timeout');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a stream that stalls between chunks', async () => {
    const slow = await start();
    try {
      slow.script({ reply: { text: 'a b c', chunkDelayMs: 300 } });
      const client = createModelClient(() => settingsFor(slow), { ...FAST, timeoutMs: 100 });
      const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
      expect(err.code).toBe('model_timeout');
      expect(slow.requests).toHaveLength(1);
    } finally {
      await slow.stop();
    }
  });

  it('never retries once text has streamed: a connection lost mid-answer is an error, not a second answer', async () => {
    const dying = await start();
    dying.script({ reply: { text: 'one two three four five six', chunkDelayMs: 40 } }, { reply: { text: 'again' } });
    const client = createModelClient(() => settingsFor(dying), FAST);
    const seen: string[] = [];
    const run = (async () => {
      for await (const d of client.stream(USER, [], new AbortController().signal)) {
        if (d.type === 'text') {
          seen.push(d.text);
          if (seen.length === 2) void dying.stop();
        }
      }
    })();
    const err = await failure(run);
    expect(err.code).toBe('model_error');
    expect(err.message).toContain('mid-answer');
    expect(seen.join('')).toBe('one two ');
    expect(dying.requests).toHaveLength(1);
  });

  it('stops on abort mid-stream with an AbortError-like ChatModelError (code aborted) and closes the request', async () => {
    server.script({ reply: { text: 'a long and slow answer that goes on', chunkDelayMs: 30 } });
    const client = createModelClient(() => settingsFor(server), FAST);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const d of client.stream(USER, [], controller.signal)) {
        if (d.type === 'text') seen.push(d.text);
        if (seen.length === 2) controller.abort();
      }
    })();
    const err = await failure(run);
    expect(err.code).toBe('aborted');
    expect(err.name).toBe('AbortError');
    expect(seen).toEqual(['a ', 'long ']);
  });

  it('an abort during the backoff wait ends the retries at once', async () => {
    server.script({ fail: { status: 429, times: 1, retryAfter: '30' } });
    const client = createModelClient(() => settingsFor(server), { ...FAST, maxDelayMs: 30_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await failure(collect(client.stream(USER, [], controller.signal)));
    expect(err.code).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['provider "none"', { provider: 'none' as const }, 'turned off'],
    ['OpenAI without a key or base URL', { provider: 'openai' as const, api_key: '', base_url: null }, 'API key'],
    ['a compatible server without a base URL', { provider: 'openai-compatible' as const, base_url: null }, 'base URL'],
    ['no model name', { model: '  ' }, 'model name'],
  ])('answers model_not_configured for %s, pointing to Settings → Model, without a request', async (_, over, says) => {
    const client = createModelClient(() => settingsFor(server, over), FAST);
    const err = await failure(collect(client.stream(USER, [], new AbortController().signal)));
    expect(err.code).toBe('model_not_configured');
    expect(err.message).toContain('Settings → Model');
    expect(err.message).toContain(says);
    expect(server.requests).toHaveLength(0);
  });
});

describe('tool-call assembly', () => {
  it('joins argument fragments by index', () => {
    const a = new ToolCallAssembler();
    a.add([{ index: 0, id: 'c1', function: { name: 'read_file', arguments: '' } }]);
    a.add([{ index: 1, id: 'c2', function: { name: 'list_files', arguments: '{"pa' } }]);
    a.add([{ index: 0, function: { arguments: '{"path":' } }]);
    a.add([
      { index: 0, function: { arguments: '"x"}' } },
      { index: 1, function: { arguments: 'th":"y"}' } },
    ]);
    expect(a.result()).toEqual([
      { id: 'c1', name: 'read_file', arguments: '{"path":"x"}' },
      { id: 'c2', name: 'list_files', arguments: '{"path":"y"}' },
    ]);
  });

  it('keeps calls apart when a server repeats index 0 for each new call, and names calls sent without an id', () => {
    const a = new ToolCallAssembler();
    a.add([{ index: 0, id: 'a', function: { name: 'read_file', arguments: '{}' } }]);
    a.add([{ index: 0, id: 'b', function: { name: 'read_file', arguments: '{"p":1}' } }]);
    a.add([{ index: 1, function: { name: 'list_files', arguments: '{}' } }]);
    expect(a.result().map((c) => [c.id, c.name, c.arguments])).toEqual([
      ['a', 'read_file', '{}'],
      ['b', 'read_file', '{"p":1}'],
      ['call_2', 'list_files', '{}'],
    ]);
  });
});
