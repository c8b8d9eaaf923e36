// A Titan daemon in its own process (node daemon/main.ts, optionally under the network recorder) that records every
// response it gives, and a broad session of use — for the privacy and secret-leak tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeModelServer } from '../fake-model/server.ts';
import { TEST_PASSWORD } from './daemon.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'daemon', 'main.ts');
export const RECORDER = join(ROOT, 'tests', 'helpers', 'netRecorder.ts');

/** One response as the client saw it: everything a secret could hide in. */
export interface Captured {
  method: string;
  path: string;
  status: number;
  headers: string;
  body: string;
}

export interface ChildDaemon {
  child: ChildProcess;
  url: string;
  /** The temp folder holding everything: `data` (TITAN_HOME) and the user's home with Desktop and Downloads. */
  root: string;
  data: string;
  userHome: string;
  env: NodeJS.ProcessEnv;
  captured: Captured[];
  out(): string;
  /** Sends a request (JSON body from `json`) with the login token once there is one; records the answer. */
  call(path: string, init?: RequestInit & { json?: unknown; token?: string | null }): Promise<Captured>;
  login(password?: string): Promise<string>;
  /** SIGTERM, and waits for the exit; the folders stay for the test to read. */
  stop(): Promise<number | null>;
  /** Kills it if still running and removes its folders. */
  remove(): void;
}

export interface ChildDaemonOptions {
  settings: Record<string, unknown>;
  env?: Record<string, string>;
  /** A JSON-lines file the network recorder writes to (the daemon then starts with `--import netRecorder.ts`). */
  recordTo?: string;
}

/** Runs `node daemon/main.ts` in a temp folder of its own and resolves once it serves. */
export async function startChildDaemon(opts: ChildDaemonOptions): Promise<ChildDaemon> {
  const root = mkdtempSync(join(tmpdir(), 'titan-session-'));
  const data = join(root, 'data');
  const userHome = join(root, 'home');
  for (const dir of [data, join(userHome, 'Desktop'), join(userHome, 'Downloads')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(data, 'settings.json'), JSON.stringify(opts.settings), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TITAN_HOME: data,
    HOME: userHome,
    XDG_CONFIG_HOME: join(userHome, '.config'),
    TITAN_PORT: '0',
    NODE_OPTIONS: '',
    ...(opts.recordTo ? { TITAN_NET_RECORD: opts.recordTo } : {}),
    ...opts.env,
  };
  const args = ['--disable-warning=ExperimentalWarning', ...(opts.recordTo ? ['--import', RECORDER] : []), MAIN];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = once(child, 'close').then(([code]) => code as number | null);
  const url = await new Promise<string>((ok, fail) => {
    const seen = () => {
      const m = /Titan is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) ok(m[1]);
    };
    child.stdout?.on('data', seen);
    void exited.then((code) => fail(new Error(`titan exited (${code}) before serving:\n${out}`)));
  });
  const captured: Captured[] = [];
  let token: string | null = null;
  const call: ChildDaemon['call'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    const bearer = init.token === undefined ? token : init.token;
    if (bearer) headers.set('authorization', `Bearer ${bearer}`);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set('content-type', 'application/json');
    }
    // A hung request fails the step that sent it, by name, instead of the whole suite's hook timing out.
    const signal = init.signal ?? AbortSignal.timeout(60_000);
    const res = await fetch(`${url}${path}`, { ...init, headers, body, signal }).catch((err: Error) => {
      throw new Error(`${init.method ?? 'GET'} ${path} failed: ${err.message}`);
    });
    const seen: Captured = {
      method: init.method ?? 'GET',
      path,
      status: res.status,
      headers: JSON.stringify([...res.headers]),
      body: await res.text(),
    };
    captured.push(seen);
    return seen;
  };
  return {
    child,
    url,
    root,
    data,
    userHome,
    env,
    captured,
    out: () => out,
    call,
    async login(password = TEST_PASSWORD) {
      if (token) return token;
      const setup = await call('/api/auth/setup', { method: 'POST', json: { password }, token: null });
      const res =
        setup.status === 409
          ? await call('/api/auth/login', { method: 'POST', json: { password }, token: null })
          : setup;
      if (res.status !== 200 && res.status !== 201) throw new Error(`login failed: ${res.status} ${res.body}`);
      token = (JSON.parse(res.body) as { token: string }).token;
      return token;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(stuck);
      return code;
    },
    remove() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

type Json = Record<string, unknown>;

/** The answer's JSON, after checking its status: a session step that fails says which and why. */
export function expectStatus(res: Captured, ...statuses: number[]): Json {
  if (!statuses.includes(res.status)) {
    throw new Error(`${res.method} ${res.path} answered ${res.status}, expected ${statuses.join(' or ')}: ${res.body}`);
  }
  try {
    return JSON.parse(res.body) as Json;
  } catch {
    return {}; // not JSON (a download, Markdown, JSON lines, metrics)
  }
}

/**
 * The model settings pointing at the fake model. Embeddings stay offline: with an openai-compatible embedder the
 * embedded engines' database locks up after the first upload (reported; the bus watchdog keeps reconnecting).
 */
export function modelSettings(model: FakeModelServer, apiKey: string): Json {
  return { model: { provider: 'openai-compatible', base_url: model.url, api_key: apiKey, model: 'fake-chat' } };
}

/**
 * Uses most of what Titan does, as a user and its background work would: files (upload, list, download, search,
 * ingest), memory (save, query, export), chat turns with tool calls, a goal run, every scheduler job, notifications,
 * triggers, reflection, plugins, MCP servers, Run Local's status, the logs, the bus, metrics and the API docs.
 */
export async function exerciseDaemon(d: ChildDaemon, model: FakeModelServer): Promise<void> {
  await d.login();
  const form = new FormData();
  form.append('file', new Blob(['Tea notes: the user drinks green tea every morning.']), 'tea.txt');
  // A PDF and a DOCX too: their text extraction (pdf.js fonts, mammoth) must not fetch anything.
  for (const name of ['invoice_INV-2026-031.pdf', 'meeting_notes_2026-03-12.docx']) {
    form.append('file', new Blob([readFileSync(join(ROOT, 'tests', 'fixtures', 'files', 'set', name))]), name);
  }
  expectStatus(await d.call('/api/files/upload?path=Desktop', { method: 'POST', body: form }), 201);
  expectStatus(await d.call('/api/files?path=Desktop'), 200);
  expectStatus(await d.call('/api/files/download?path=Desktop/tea.txt'), 200);
  expectStatus(await d.call('/api/files/search?q=tea'), 200);
  expectStatus(
    await d.call('/api/files/ingest', {
      method: 'POST',
      json: { paths: ['Desktop/tea.txt', 'Desktop/invoice_INV-2026-031.pdf', 'Desktop/meeting_notes_2026-03-12.docx'] },
    }),
    200,
    202,
  );
  expectStatus(
    await d.call('/api/memory/embeddings', {
      method: 'POST',
      json: { items: [{ text: 'The user prefers green tea.', kind: 'preference' }] },
    }),
    200,
    201,
  );
  expectStatus(await d.call('/api/memory/query?q=tea'), 200);
  expectStatus(await d.call('/api/memory/stats'), 200);

  // A chat turn that lists files and reads one, then answers.
  const conv = expectStatus(await d.call('/api/chat/conversations', { method: 'POST', json: {} }), 201);
  model.script(
    { reply: { toolCalls: [{ name: 'list_files', arguments: { path: 'Desktop' } }] } },
    { reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'Desktop/tea.txt' } }] } },
    { reply: { text: 'You drink green tea every morning.' } },
  );
  const turn = await d.call(`/api/chat/conversations/${conv.id}/messages`, {
    method: 'POST',
    json: { text: 'What do I drink?' },
  });
  expectStatus(turn, 200);
  expectStatus(await d.call(`/api/chat/conversations/${conv.id}/messages`), 200);
  expectStatus(await d.call(`/api/chat/conversations/${conv.id}/export`), 200);
  expectStatus(await d.call('/api/chat/search?q=tea'), 200);

  // A goal run: one tool step, then its answer.
  const goal = expectStatus(
    await d.call('/api/goals', { method: 'POST', json: { title: 'Tea', instructions: 'Find what I drink.' } }),
    201,
  );
  model.script(
    { reply: { toolCalls: [{ name: 'memory_search', arguments: { query: 'tea' } }] } },
    { reply: { text: 'Green tea.' } },
  );
  const run = expectStatus(await d.call(`/api/goals/${goal.id}/runs`, { method: 'POST' }), 202);
  expectStatus(await d.call(`/api/goals/${goal.id}/runs/${run.run_id}?wait=20`), 200);

  // Every scheduler job, built-in or not, once and to its end.
  const jobs = expectStatus(await d.call('/api/scheduler/jobs'), 200);
  for (const job of (jobs.items ?? jobs.jobs ?? []) as Json[]) {
    expectStatus(await d.call(`/api/scheduler/jobs/${job.id}/run?wait=true`, { method: 'POST' }), 200);
  }
  expectStatus(await d.call('/api/reflection/run', { method: 'POST', json: {} }), 200, 202);
  for (const path of [
    '/api/notifications',
    '/api/triggers/firings',
    '/api/plugins',
    '/api/mcp/servers',
    '/api/services/local',
    '/api/settings',
    '/api/settings/schema',
    '/api/logs',
    '/api/logs/audit',
    '/api/bus/dlq',
    '/api/bus/config',
    '/api/memory/export',
    '/api/files/trash',
    '/api/auth/status',
    '/openapi.json',
    '/docs',
    '/docs/init.js',
    '/metrics',
  ]) {
    expectStatus(await d.call(path), 200);
  }
}
