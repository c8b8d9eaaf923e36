// A daemon with a chat model configured (the scripted fake model server) extracts memories from chat.v1 with one
// structured-output call; with the key refused it falls back to the heuristic, saves anyway and logs a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

type Body = Record<string, unknown>;
const KEY = 'sk-daemon-extract';

describe('memory extraction with a configured model', () => {
  let model: FakeModelServer;
  let daemon: TestDaemon;
  let token: string;
  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const res = await daemon.request(path, { ...init, token });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Body };
  };
  const publish = (text: string) =>
    call('/api/bus/publish', {
      method: 'POST',
      json: { topic: 'chat.v1', event_type: 'message.created', payload: { role: 'user', text, conversation_id: 'c7' } },
    });
  const texts = async () =>
    ((await call('/api/memory/query?q=boiler%20service%20October&k=10')).body.hits as { memory: Body }[]).map(
      (h) => h.memory.text,
    );

  beforeAll(async () => {
    model = await start({ apiKey: KEY });
    daemon = await startDaemon({
      model: { provider: 'openai-compatible', base_url: model.url, api_key: KEY, model: 'gpt-fake' },
    });
    token = await daemon.login();
  });
  afterAll(async () => {
    await daemon?.stop();
    await model?.stop();
  });

  it('saves what the model extracted, not the heuristic reading of the message', async () => {
    const memory = {
      action: 'save',
      kind: 'task',
      text: 'Book the boiler service for October',
      importance: 0.7,
      slot: null,
      entities: [],
      relations: [],
    };
    model.script({ reply: { text: JSON.stringify({ memories: [memory] }) } });
    expect((await publish('Oh, and the boiler service — October, please book it.')).status).toBe(201);
    await waitUntil(async () => (await texts()).includes(memory.text), 'the extracted memory', 15_000);
    const chat = model.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chat).toHaveLength(1);
    expect(chat[0]?.body).toMatchObject({
      model: 'gpt-fake',
      response_format: { type: 'json_schema', json_schema: { strict: true } },
    });
  });

  it('with the key refused, the heuristic saves the message and the log says why', async () => {
    model.script({ fail: { status: 401 } });
    expect((await publish('Remember that the boiler service engineer is called Pavel.')).status).toBe(201);
    await waitUntil(
      async () => (await texts()).includes('the boiler service engineer is called Pavel'),
      'the heuristic memory',
      15_000,
    );
    const logs = await call('/api/logs?q=fell%20back');
    expect(logs.body.lines).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'extractor_auth_refused', level: 40 })]),
    );
    expect(JSON.stringify(logs.body)).not.toContain(KEY);
  });
});
