// The daily self-reflection on a real daemon: a seeded day (a conversation with a tool call and a failed answer, a
// file written) becomes one `summary` memory — extractive without a model, the model's text with the scripted one —
// linked in the graph to what it mentions; reflecting on the same day again leaves one active summary. On the embedded
// engines and on Redis + Postgres + Neo4j.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatStore } from '../../daemon/chat/store.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { lockedServerEngines } from '../helpers/redisDbLock.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

const NO_MODEL = { provider: 'none', base_url: null, api_key: '', model: 'none', temperature: 0.3, max_tokens: 256 };

function reflectionSuite(name: string, engines: () => Promise<Engines>) {
  describe(`reflection: ${name}`, () => {
    let model: FakeModelServer;
    let d: TestDaemon;
    let token: string;
    let env: Engines;
    let store: ChatStore;
    let conversationId: string;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
    };
    const reflect = async () => {
      const res = await call('/api/reflection/run', { method: 'POST', json: {} });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { summary: string; details: Body };
    };
    const activeSummaries = async () =>
      d.titan.engines.sql.query<{ id: string; text: string }>(
        `SELECT id, text FROM memories WHERE kind = 'summary' AND valid_to IS NULL ORDER BY created_at`,
      );

    beforeAll(async () => {
      model = await start({ structured: () => ({ text: 'not json' }) });
      env = await engines();
      d = await startDaemon({
        ...env.settings,
        model: NO_MODEL,
        folders: { allowed: [], trash_days: 30, watch: false },
      });
      token = await d.login();
      // The day, written through the chat store as the chat service would.
      store = new ChatStore(d.titan.engines.sql);
      const conv = await store.createConversation({ title: 'Oslo trip' });
      conversationId = conv.id;
      await store.addMessage(conv.id, { role: 'user', content: 'Plan a trip to Oslo with Maria in March, please.' });
      await store.addMessage(conv.id, {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"Downloads/oslo-notes.txt"}' }],
      });
      await store.addMessage(conv.id, { role: 'tool', content: '{"text":"fjord hotel"}', tool_call_id: 'c1' });
      await store.addMessage(conv.id, {
        role: 'assistant',
        content: 'Maria likes the fjord hotel in Oslo. Flights to Oslo in March cost about 120 euros.',
      });
      await store.addMessage(conv.id, { role: 'user', content: 'Book the Oslo fjord hotel for March.' });
      await store.addMessage(conv.id, {
        role: 'assistant',
        content: '',
        status: 'error',
        meta: { error: { code: 'model_unavailable', message: 'the model server did not answer' } },
      });
      const wrote = await call('/api/files/content', {
        method: 'PUT',
        json: { path: 'Downloads/oslo-notes.txt', text: 'Fjord hotel, 2 nights. Maria arrives on the 14th.' },
      });
      expect(wrote.status, JSON.stringify(wrote.body)).toBe(201);
      // Joins the memory group's ingestion of the new file, so the day counts it as indexed.
      await d.titan.files.ingestor.ingest(realpathSync(join(d.userHome, 'Downloads', 'oslo-notes.txt')));
    }, 300_000);
    afterAll(async () => {
      await d?.stop();
      await model?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('writes an extractive summary of the day without a model, linked to what it mentions', async () => {
      const { summary, details } = await reflect();
      expect(summary).toMatch(
        /^reflected on \d{4}-\d{2}-\d{2}: 5 messages in 1 conversation, 1 tool call, 1 file event, \d+ errors? \(extractive summary\)$/,
      );
      expect(details).toMatchObject({
        mode: 'extractive',
        messages: 5,
        conversations: 1,
        tool_calls: 1,
        file_events: 1,
      });
      expect(Number(details.errors)).toBeGreaterThanOrEqual(1);

      const memory = (await call(`/api/memory/${details.memory_id}`)).body;
      expect(memory).toMatchObject({ kind: 'summary', slot: `reflection:${details.day}`, valid_to: null });
      expect(Number(memory.importance)).toBeGreaterThanOrEqual(0.6);
      const text = String(memory.text);
      expect(text).toContain(`Summary of ${details.day}.`);
      expect(text).toContain('5 messages in 1 conversation: "Oslo trip".');
      expect(text).toContain('1 tool call: read_file ×1.');
      expect(text).toContain('Files: 1 added, 0 changed, 0 deleted, 0 moved; 1 indexed (oslo-notes.txt).');
      expect(text).toContain('the model server did not answer');
      expect(text).toContain('You: Plan a trip to Oslo with Maria in March, please.');
      expect(text).toContain('Titan: Maria likes the fjord hotel in Oslo.');

      const graph = (await call(`/api/memory/graph/subgraph?around=${details.memory_id}`)).body;
      const names = (graph.nodes as Body[]).filter((n) => n.label === 'Entity').map((n) => n.name);
      expect(names).toEqual(expect.arrayContaining(['Oslo', 'Maria', 'oslo-notes.txt', 'read_file']));
      const memoryNode = (graph.nodes as Body[]).find((n) => n.label === 'Memory');
      const mentions = (graph.edges as Body[]).filter((e) => e.kind === 'MENTIONS' && e.from === memoryNode?.id);
      expect(mentions.length).toBe(names.length);
    });

    it('keeps one active summary per day: the same day again is the same memory, a changed day replaces it', async () => {
      const first = (await activeSummaries())[0];
      const again = await reflect();
      expect(again.details.memory_id).toBe(first?.id);
      expect(await activeSummaries()).toHaveLength(1);

      await store.addMessage(conversationId, { role: 'user', content: 'Also add the Oslo opera house on Saturday.' });
      const changed = await reflect();
      expect(changed.details.memory_id).not.toBe(first?.id);
      expect(changed.details.superseded).toEqual([first?.id]);
      const active = await activeSummaries();
      expect(active.map((m) => m.id)).toEqual([changed.details.memory_id]);
      expect(active[0]?.text).toContain('6 messages in 1 conversation');
      const old = (await call(`/api/memory/${first?.id}`)).body;
      expect(old.valid_to).not.toBeNull();
      expect((await call(`/api/memory/${changed.details.memory_id}`)).body.supersedes).toBe(first?.id);
    });

    it('lets the model write the summary from a digest of the day, still one per day', async () => {
      const current = (await call('/api/settings')).body;
      const put = await call('/api/settings', {
        method: 'PUT',
        json: {
          ...current,
          model: { ...NO_MODEL, provider: 'openai-compatible', base_url: model.url, api_key: 'k', model: 'fake-chat' },
        },
      });
      expect(put.status).toBe(200);
      const written = 'Planned the Oslo trip with Maria: the fjord hotel for March, flights around 120 euros.';
      model.script({ reply: { text: written } });
      const { summary, details } = await reflect();
      expect(summary).toContain('(written by the model)');
      expect(details.mode).toBe('model');
      const active = await activeSummaries();
      expect(active).toHaveLength(1);
      expect(active[0]?.id).toBe(details.memory_id);
      expect(active[0]?.text).toBe(`Summary of ${details.day}.\n${written}`);
      const asked = model.requests.filter(
        (r) => r.path === '/v1/chat/completions' && !('response_format' in (r.body as Body)),
      );
      const digest = JSON.stringify((asked.at(-1)?.body as Body | undefined)?.messages);
      expect(digest).toContain('Oslo trip');
      expect(digest).toContain('read_file');
      expect(digest).toContain('oslo-notes.txt');

      model.script({ fail: { status: 400, message: 'scripted refusal' } });
      const fallback = await reflect();
      expect(fallback.details).toMatchObject({ mode: 'extractive' });
      expect(String(fallback.details.model_error)).toContain('scripted refusal');
      expect(await activeSummaries()).toHaveLength(1);
    });

    it('refuses a malformed day', async () => {
      const res = await call('/api/reflection/run', { method: 'POST', json: { day: '2026-02-30' } });
      expect(res.status).toBe(400);
      expect(String((res.body.error as Body).message)).toContain('day must be a date such as "2026-11-25"');
    });
  });
}

reflectionSuite('embedded', async () => ({ settings: {}, cleanup: async () => {} }));
reflectionSuite('Redis + Postgres + Neo4j', () => lockedServerEngines(8));
