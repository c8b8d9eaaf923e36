// The scripted OpenAI-compatible model server, the project's only test double: embeddings and chat completions on
// 127.0.0.1, every request recorded, failures, delays and chat turns scripted by the test.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** The next `times` requests (any endpoint) answer `status` with an OpenAI-shaped error body. */
export interface FailStep {
  fail: { status: number; times?: number; message?: string; retryAfter?: string; retryAfterMs?: number };
}
/** The next `times` requests wait `ms` before being answered (for timeouts and aborts). */
export interface DelayStep {
  delay: { ms: number; times?: number };
}
export interface ToolCallScript {
  name: string;
  arguments: Record<string, unknown> | string;
}
/** One assistant turn of /v1/chat/completions: plain text, tool calls, or both. */
export interface ChatTurn {
  /** chunkDelayMs: a pause before each streamed chunk after the first (a slow stream, for stop buttons and timeouts). */
  reply: { text?: string; toolCalls?: ToolCallScript[]; chunkDelayMs?: number };
}
export type Step = FailStep | DelayStep | ChatTurn;

export interface FakeModelOptions {
  /** Vector length when the request has no `dimensions`. Default 64. */
  dimensions?: number;
  /** Per-model vector length for models that ignore `dimensions` (e.g. { 'nomic-embed-text': 768 }). */
  modelDimensions?: Record<string, number>;
  /** When set, any other bearer token gets a 401. */
  apiKey?: string;
  /** When set, a chat or embeddings request for any other model gets OpenAI's 404 model_not_found. */
  models?: string[];
  /**
   * Answers structured-output requests (those with `response_format`, e.g. the memory extractor's) outside the
   * scripted queues, so a chat test's script is not eaten by background extraction. Default: they use the queues.
   */
  structured?: (body: Record<string, unknown>) => ChatTurn['reply'];
}

export interface FakeModelServer {
  /** Base URL including /v1, as an OpenAI client's baseURL. */
  url: string;
  requests: RecordedRequest[];
  script(...steps: Step[]): void;
  stop(): Promise<void>;
}

interface Queued<T> {
  value: T;
  left: number;
}

/** A deterministic unit vector for a text: sha256 seeds a small PRNG (mulberry32), so every process agrees. */
export function fakeVector(text: string, dimensions: number): number[] {
  let seed = createHash('sha256').update(text).digest().readUInt32LE(0);
  const next = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const v = Array.from({ length: dimensions }, next);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function take<T>(queue: Queued<T>[]): T | undefined {
  const head = queue[0];
  if (!head) return undefined;
  head.left -= 1;
  if (head.left <= 0) queue.shift();
  return head.value;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(status: number, message: string) {
  const type = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_request_error' : 'server_error';
  const code = status === 401 ? 'invalid_api_key' : status === 404 ? 'model_not_found' : null;
  return { error: { message, type, param: null, code } };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function embeddings(res: ServerResponse, body: Record<string, unknown>, options: FakeModelOptions): void {
  const model = String(body.model ?? '');
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map(String) : [];
  const dims =
    options.modelDimensions?.[model] ?? (typeof body.dimensions === 'number' ? body.dimensions : options.dimensions);
  const data = texts.map((t, index) => {
    const v = fakeVector(t, dims ?? 64);
    const embedding =
      body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
    return { object: 'embedding', index, embedding };
  });
  const tokens = texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  json(res, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

let completionSeq = 0;

function toolCalls(turn: ChatTurn['reply']) {
  return (turn.toolCalls ?? []).map((c, i) => ({
    id: `call_fake_${completionSeq}_${i}`,
    type: 'function' as const,
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
}

async function chatCompletion(res: ServerResponse, body: Record<string, unknown>, turn: ChatTurn['reply']) {
  completionSeq += 1;
  const id = `chatcmpl-fake-${completionSeq}`;
  const model = String(body.model ?? 'fake');
  const created = Math.floor(Date.now() / 1000);
  const calls = toolCalls(turn);
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (body.stream !== true) {
    const message = {
      role: 'assistant',
      content: turn.text ?? null,
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
    };
    json(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let first = true;
  const send = async (choices: unknown[], extra: Record<string, unknown> = {}) => {
    if (!first && turn.chunkDelayMs) await pause(turn.chunkDelayMs);
    first = false;
    if (res.destroyed) return;
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
    );
  };
  const delta = (d: Record<string, unknown>, finishReason: string | null = null) =>
    send([{ index: 0, delta: d, finish_reason: finishReason, logprobs: null }]);
  await delta({ role: 'assistant', content: '' });
  // Words with their following space, so a client must concatenate chunks to get the text back.
  for (const piece of (turn.text ?? '').match(/\S+\s*|\s+/g) ?? []) await delta({ content: piece });
  for (const [index, c] of calls.entries()) {
    await delta({
      tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }],
    });
    const args = c.function.arguments;
    const half = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, half), args.slice(half)]) {
      if (part) await delta({ tool_calls: [{ index, function: { arguments: part } }] });
    }
  }
  await delta({}, finish);
  const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) await send([], { usage });
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function start(options: FakeModelOptions = {}): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  const failures: Queued<FailStep['fail']>[] = [];
  const delays: Queued<number>[] = [];
  const turns: ChatTurn['reply'][] = [];

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    const structured = body && typeof body === 'object' && 'response_format' in body ? options.structured : undefined;
    if (structured && path === '/v1/chat/completions') {
      return chatCompletion(res, body as Record<string, unknown>, structured(body as Record<string, unknown>));
    }
    const wait = take(delays);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    if (res.destroyed) return;
    const fail = take(failures);
    if (fail) {
      const headers: Record<string, string> = {};
      if (fail.retryAfter !== undefined) headers['retry-after'] = fail.retryAfter;
      if (fail.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fail.retryAfterMs);
      return json(res, fail.status, errorBody(fail.status, fail.message ?? `scripted failure ${fail.status}`), headers);
    }
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return json(res, 401, errorBody(401, 'Incorrect API key provided'));
    }
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (options.models && req.method === 'POST' && !options.models.includes(String(b.model))) {
      const message = `The model \`${String(b.model)}\` does not exist or you do not have access to it.`;
      return json(res, 404, errorBody(404, message));
    }
    if (req.method === 'POST' && path === '/v1/embeddings') return embeddings(res, b, options);
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const turn = turns.shift();
      if (!turn) return json(res, 500, errorBody(500, 'fake model: no scripted chat turn left'));
      return chatCompletion(res, b, turn);
    }
    json(res, 404, errorBody(404, `no route ${req.method} ${path}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...steps) {
      for (const step of steps) {
        if ('fail' in step) failures.push({ value: step.fail, left: step.fail.times ?? 1 });
        else if ('delay' in step) delays.push({ value: step.delay.ms, left: step.delay.times ?? 1 });
        else turns.push(step.reply);
      }
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
