// The assistant end to end on a real daemon with the scripted model: it reads a file and answers from it, writes only
// after approval, finds the contract PDF after it is attached, gets the guard's refusal for a path outside the
// allow-list, retries a 429, keeps a partial answer on stop — on the embedded engines and on Redis + Postgres + Neo4j.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { FIXTURES, fixturePath } from '../fixtures/files/fixtures.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { serverEngines } from '../helpers/serverEngines.ts';
import { readSse, type SseEvent } from '../helpers/sse.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

const modelSettings = (url: string) => ({
  provider: 'openai-compatible',
  base_url: url,
  api_key: 'test-key',
  model: 'fake-chat',
  temperature: 0.3,
  max_tokens: 512,
});

/** The messages the model was sent in its n-th chat request (0-based), background extraction calls left out. */
function chatRequest(model: FakeModelServer, n: number): { role: string; content: string | null }[] {
  const chats = model.requests.filter(
    (r) => r.path === '/v1/chat/completions' && !('response_format' in (r.body as Body)),
  );
  return ((chats[n]?.body as Body)?.messages ?? []) as { role: string; content: string | null }[];
}

function chatSuite(name: string, engines: () => Promise<Engines>) {
  describe(`chat: ${name}`, () => {
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
    const newConversation = async () =>
      String((await call('/api/chat/conversations', { method: 'POST', json: {} })).body.id);
    const send = async (id: string, text: string, onEvent?: (e: SseEvent) => unknown, extra: Body = {}) => {
      const res = await d.request(`/api/chat/conversations/${id}/messages`, {
        method: 'POST',
        token,
        json: { text, ...extra },
      });
      expect(res.status).toBe(200);
      return readSse(res, onEvent);
    };
    const chatCount = () =>
      model.requests.filter((r) => r.path === '/v1/chat/completions' && !('response_format' in (r.body as Body)))
        .length;

    beforeAll(async () => {
      // Background memory extraction gets a non-JSON answer (→ heuristic fallback) outside the chat script.
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

    it('reads a file with a tool and answers from it, streaming tokens and saving every step', async () => {
      writeFileSync(join(desk, 'wifi.txt'), 'Guest Wi-Fi password: tulip-42-river');
      model.script(
        { reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'Desktop/wifi.txt' } }] } },
        { reply: { text: 'The guest Wi-Fi password is tulip-42-river.' } },
      );
      const id = await newConversation();
      const before = chatCount();
      const events = await send(id, 'What is the guest Wi-Fi password?');
      const types = events.map((e) => e.event);
      expect(types.slice(0, 3)).toEqual(['message', 'context', 'tool_call']);
      expect(types.at(-1)).toBe('done');
      const result = events.find((e) => e.event === 'tool_result')?.data;
      expect(result).toMatchObject({ name: 'read_file', ok: true });
      expect(JSON.stringify(result)).toContain('tulip-42-river');
      const tokens = events
        .filter((e) => e.event === 'token')
        .map((e) => e.data.text)
        .join('');
      expect(tokens).toBe('The guest Wi-Fi password is tulip-42-river.');
      // The second round carried the tool result to the model.
      const second = chatRequest(model, before + 1);
      expect(second.find((m) => m.role === 'tool')?.content).toContain('tulip-42-river');
      const page = await call(`/api/chat/conversations/${id}/messages?limit=50`);
      const roles = (page.body.items as Body[]).map((m) => m.role);
      expect(roles).toEqual(['user', 'assistant', 'tool', 'assistant']);
      expect((page.body.items as Body[])[3]).toMatchObject({ status: 'complete', content: tokens });
      const conv = await call(`/api/chat/conversations/${id}`);
      expect(conv.body.title).toBe('What is the guest Wi-Fi password?');
      const recent = await call(`/api/chat/conversations/${id}/recent?limit=10`);
      expect(recent.body.source).toBe('cache');
      expect((recent.body.messages as Body[]).map((m) => m.role)).toEqual(roles);
    });

    it('writes a file only after the user approves, and not after a denial (which the model is told)', async () => {
      const approve = async (decision: 'approved' | 'denied', file: string) => {
        model.script(
          {
            reply: {
              toolCalls: [{ name: 'write_file', arguments: { path: `Desktop/${file}`, content: 'milk, eggs' } }],
            },
          },
          { reply: { text: decision === 'approved' ? 'Saved.' : 'Understood, I did not save it.' } },
        );
        const id = await newConversation();
        const before = chatCount();
        const events = await send(id, 'Save my shopping list', async (e) => {
          if (e.event !== 'approval_required') return;
          expect(existsSync(join(desk, file))).toBe(false);
          const pending = (await call('/api/chat/approvals')).body.pending as Body[];
          expect(pending.map((p) => p.approval_id ?? p.id)).toContain(e.data.approval_id);
          const res = await call(`/api/chat/approvals/${e.data.approval_id}`, { method: 'POST', json: { decision } });
          expect(res.status).toBe(200);
        });
        expect(events.some((e) => e.event === 'approval_required')).toBe(true);
        return { events, toModel: chatRequest(model, before + 1) };
      };
      const ok = await approve('approved', 'list.txt');
      expect(readFileSync(join(desk, 'list.txt'), 'utf8')).toBe('milk, eggs');
      expect(ok.events.find((e) => e.event === 'tool_result')?.data).toMatchObject({ ok: true });
      const no = await approve('denied', 'denied.txt');
      expect(existsSync(join(desk, 'denied.txt'))).toBe(false);
      expect(no.toModel.find((m) => m.role === 'tool')?.content).toMatch(/denied/i);
      expect((await call('/api/chat/approvals/nope', { method: 'POST', json: { decision: 'approved' } })).status).toBe(
        404,
      );
    });

    it('finds the contract PDF after it is attached: «покажи договор PDF» gets its path first', async () => {
      const form = new FormData();
      form.append('file', new Blob([readFileSync(fixturePath('contractRu'))]), FIXTURES.contractRu);
      const up = await call('/api/chat/attachments', { method: 'POST', body: form });
      expect(up.status).toBe(201);
      const path = String((up.body.files as Body[])[0]?.path);
      expect(path).toBe(join(d.userHome, 'Downloads', 'Titan', FIXTURES.contractRu));
      const jobId = String((up.body.job as Body).id);
      for (let i = 0; i < 300; i++) {
        const job = (await call(`/api/files/jobs/${jobId}`)).body;
        if (job.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // A distractor in the same folders that mentions a contract only in passing.
      copyFileSync(fixturePath('invoiceRu'), join(desk, FIXTURES.invoiceRu));
      model.script(
        { reply: { toolCalls: [{ name: 'search_files', arguments: { query: 'договор PDF' } }] } },
        { reply: { text: `Вот договор: ${path}` } },
      );
      const id = await newConversation();
      const events = await send(id, 'покажи договор PDF', undefined, { attachments: [path] });
      const result = events.find((e) => e.event === 'tool_result')?.data.result as Body;
      const first = (result.results ?? result.files ?? result) as Body[];
      expect(JSON.stringify(first).indexOf(path)).toBeGreaterThanOrEqual(0);
      expect((Array.isArray(first) ? first[0] : undefined)?.path).toBe(path);
      const context = events.find((e) => e.event === 'context')?.data.items as Body[];
      expect(context.find((c) => c.kind === 'file')?.path).toBe(path);
    });

    it('returns the guard’s refusal to the model for a path outside the allow-list and reads nothing', async () => {
      model.script(
        { reply: { toolCalls: [{ name: 'read_file', arguments: { path: '/etc/passwd' } }] } },
        { reply: { text: 'I cannot read that file.' } },
      );
      const id = await newConversation();
      const before = chatCount();
      const events = await send(id, 'Show me /etc/passwd');
      const result = events.find((e) => e.event === 'tool_result')?.data;
      expect(result).toMatchObject({ ok: false });
      expect(JSON.stringify(result)).toContain('path_refused');
      const toModel = chatRequest(model, before + 1).find((m) => m.role === 'tool')?.content ?? '';
      expect(toModel).toContain('path_refused');
      expect(toModel).not.toContain('root:');
    });

    it('retries a 429 and answers', async () => {
      model.script({ fail: { status: 429, retryAfterMs: 50 } }, { reply: { text: 'Here I am.' } });
      const id = await newConversation();
      const before = chatCount();
      const events = await send(id, 'Hello?');
      expect(events.at(-1)?.data).toMatchObject({ status: 'complete' });
      expect(chatCount() - before).toBe(2);
    });

    it('keeps the partial answer when stopped mid-stream', async () => {
      const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
      model.script({ reply: { text: long, chunkDelayMs: 40 } });
      const id = await newConversation();
      let tokens = 0;
      const events = await send(id, 'Tell me a long story', async (e) => {
        if (e.event === 'token' && ++tokens === 5) await call(`/api/chat/conversations/${id}/stop`, { method: 'POST' });
      });
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'partial' } });
      const items = (await call(`/api/chat/conversations/${id}/messages`)).body.items as Body[];
      const answer = items.at(-1) as Body;
      expect(answer).toMatchObject({ role: 'assistant', status: 'partial' });
      expect(String(answer.content).startsWith('word0 word1')).toBe(true);
      expect(String(answer.content).length).toBeLessThan(long.length);
    });

    it('refuses a second message while one is being answered, and a message to a deleted conversation', async () => {
      model.script({ reply: { text: 'slow answer here', chunkDelayMs: 200 } });
      const id = await newConversation();
      const first = d.request(`/api/chat/conversations/${id}/messages`, {
        method: 'POST',
        token,
        json: { text: 'one' },
      });
      const firstRes = await first;
      const second = await call(`/api/chat/conversations/${id}/messages`, { method: 'POST', json: { text: 'two' } });
      expect(second.status).toBe(409);
      // While it answers, /stream re-attaches to the same turn; once done, 204 (nothing being written).
      const attached = await d.request(`/api/chat/conversations/${id}/stream`, { token });
      expect(attached.status).toBe(200);
      await readSse(firstRes);
      await readSse(attached);
      expect((await d.request(`/api/chat/conversations/${id}/stream`, { token })).status).toBe(204);
      expect((await d.request('/api/chat/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/stream', { token })).status).toBe(
        404,
      );
      await call(`/api/chat/conversations/${id}`, { method: 'DELETE' });
      const gone = await call(`/api/chat/conversations/${id}/messages`, { method: 'POST', json: { text: 'three' } });
      expect(gone.status).toBe(409);
      const unknown = await call('/api/chat/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages', {
        method: 'POST',
        json: { text: 'x' },
      });
      expect(unknown.status).toBe(404);
    });
  });
}

chatSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));

chatSuite('Redis + Postgres + Neo4j', () => serverEngines(4));

describe('chat without a model', () => {
  let d: TestDaemon;
  afterAll(() => d?.stop());

  it('answers with a message pointing to Settings', async () => {
    d = await startDaemon({ model: { ...modelSettings('http://127.0.0.1:9/v1'), provider: 'none' } });
    const token = await d.login();
    const conv = await (await d.request('/api/chat/conversations', { method: 'POST', token, json: {} })).json();
    const res = await d.request(`/api/chat/conversations/${conv.id}/messages`, {
      method: 'POST',
      token,
      json: { text: 'hi' },
    });
    const events = await readSse(res);
    expect(events.find((e) => e.event === 'error')?.data).toMatchObject({ code: 'model_not_configured' });
    const answer = events.find((e) => e.event === 'message' && (e.data.message as Body).role === 'assistant');
    expect(String((answer?.data.message as Body | undefined)?.content)).toMatch(/Settings/);
  });
});
