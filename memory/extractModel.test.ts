// The model-backed extractor against the scripted fake model server: the structured-output request, the mapping to
// candidates, evaluate-and-save driven by it (on PGlite + SQL graph), and the heuristic fallback on every failure.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../daemon/config/schema.ts';
import { type FakeModelServer, start } from '../tests/fake-model/server.ts';
import { openTestDb, type TestDb } from '../tests/helpers/memoryDb.ts';
import { OfflineEmbedder } from './embedders/offline.ts';
import type { ExtractorError } from './errors/extractorError.ts';
import { extractHeuristic } from './extract.ts';
import { createModelExtractor, type ModelExtractorOptions } from './extractModel.ts';
import { EXTRACTION_JSON_SCHEMA, EXTRACTION_SCHEMA_NAME } from './extractModelOutput.ts';
import { extractorFor, modelConfigured } from './extractorFor.ts';
import { createSqlGraph } from './graph/sqlGraph.ts';
import { MemoryService } from './service.ts';

const KEY = 'sk-extract-test';
let server: FakeModelServer;

beforeAll(async () => {
  server = await start({ apiKey: KEY });
});
afterAll(() => server.stop());
afterEach(() => {
  server.requests.length = 0;
});

function extractor(over: Partial<ModelExtractorOptions> = {}) {
  const errors: ExtractorError[] = [];
  const extract = createModelExtractor({
    baseUrl: server.url,
    apiKey: KEY,
    model: 'gpt-test-mini',
    baseDelayMs: 5,
    onError: (e) => errors.push(e),
    ...over,
  });
  return { extract, errors };
}

interface Mem {
  action?: 'save' | 'forget';
  kind?: 'fact' | 'preference' | 'task' | 'event';
  text: string;
  importance?: number;
  slot?: string | null;
  entities?: { name: string; type: string }[];
  relations?: {
    from: { name: string; type: string };
    to: { name: string; type: string };
    type: string;
    weight: number;
  }[];
}

/** Scripts one chat turn answering with these memories, every field present as strict mode demands. */
function reply(...memories: Mem[]) {
  const full = memories.map((m) => ({
    action: 'save',
    kind: 'fact',
    importance: 0.6,
    slot: null,
    entities: [],
    relations: [],
    ...m,
  }));
  server.script({ reply: { text: JSON.stringify({ memories: full }) } });
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format: { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
}
const lastBody = () => server.requests.at(-1)?.body as ChatBody;

describe('model extractor', () => {
  it('asks for strict JSON-schema output with a bilingual prompt and maps the answer to candidates', async () => {
    const { extract, errors } = extractor();
    const sarah = { name: ' Sarah Collins ', type: 'Person' };
    reply(
      {
        kind: 'preference',
        text: ' I prefer aisle seats on long flights ',
        importance: 1.7,
        slot: 'pref:Aisle Seats',
        entities: [sarah, { name: '  ', type: 'person' }],
        relations: [
          { from: sarah, to: { name: 'Northwind', type: '' }, type: 'works_at', weight: -3 },
          { from: sarah, to: { name: '', type: 'thing' }, type: 'knows', weight: 0.5 },
        ],
      },
      { action: 'forget', kind: 'fact', text: 'Biscuit the beagle', importance: 0.9, entities: [sarah] },
      { text: '   ' },
    );
    const text = 'I prefer aisle seats on long flights. Sarah Collins works at Northwind. Forget about Biscuit.';
    const candidates = await extract(text);

    const body = lastBody();
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(body.model).toBe('gpt-test-mini');
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: EXTRACTION_SCHEMA_NAME, strict: true, schema: EXTRACTION_JSON_SCHEMA },
    });
    // The subset strict mode accepts: closed objects, every property required.
    const item = (
      body.response_format.json_schema.schema.properties as Record<string, { items: Record<string, unknown> }>
    ).memories?.items as { required: string[]; additionalProperties: boolean; properties: object };
    expect(item.additionalProperties).toBe(false);
    expect(item.required.sort()).toEqual(Object.keys(item.properties).sort());
    expect(body.response_format.json_schema.schema).not.toHaveProperty('$schema');
    expect(body.messages[0]?.role).toBe('system');
    expect(body.messages[0]?.content).toMatch(/forget/);
    expect(body.messages[0]?.content).toMatch(/забудь/);
    expect(body.messages[0]?.content).toMatch(/запомни/i);
    expect(body.messages[1]).toEqual({ role: 'user', content: text });

    expect(candidates).toEqual([
      {
        action: 'save',
        kind: 'preference',
        text: 'I prefer aisle seats on long flights',
        importance: 1,
        // Keyed as the heuristic keys "I prefer aisle seats": first two words, stemmed.
        slot: extractHeuristic('I prefer aisle seats on long flights')[0]?.slot,
        entities: [{ name: 'Sarah Collins', type: 'person' }],
        relations: [
          {
            from: { name: 'Sarah Collins', type: 'person' },
            to: { name: 'Northwind', type: 'thing' },
            type: 'works_at',
            weight: 0,
          },
        ],
      },
      { action: 'forget', kind: 'fact', text: 'Biscuit the beagle', importance: 0, entities: [], relations: [] },
    ]);
    expect(candidates[0]?.slot).toBe('pref:aisl seat');
    expect(errors).toEqual([]);
  });

  it('an answer that is not JSON, or not the schema, falls back to the heuristic and is reported', async () => {
    const { extract, errors } = extractor();
    const text = 'Remember that the boiler service is due in October. Я люблю зелёный чай.';
    server.script({ reply: { text: 'Sure! Here are the memories: {"memories": [' } });
    expect(await extract(text)).toEqual(extractHeuristic(text));
    server.script({ reply: { text: JSON.stringify({ memories: [{ action: 'save', kind: 'opinion', text: 'x' }] }) } });
    expect(await extract(text)).toEqual(extractHeuristic(text));
    server.script({ reply: { text: JSON.stringify({ memories: [{ action: 'save' }] }) } });
    expect(await extract(text)).toEqual(extractHeuristic(text));
    expect(extractHeuristic(text)).toHaveLength(2);
    expect(errors.map((e) => e.code)).toEqual([
      'extractor_invalid_output',
      'extractor_invalid_output',
      'extractor_invalid_output',
    ]);
    expect(errors[0]?.message).toMatch(/not JSON/);
    expect(errors[1]?.message).toMatch(/memories\.0\.kind/);
    // Invalid output is not retried: asking again costs a call and rarely helps.
    expect(server.requests).toHaveLength(3);
  });

  it('accepts JSON in code fences, from compatible servers that ignore response_format', async () => {
    const { extract, errors } = extractor();
    server.script({ reply: { text: '```json\n{"memories": []}\n```' } });
    expect(await extract('hello there')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('retries a 500 and uses the next answer', async () => {
    const { extract, errors } = extractor();
    server.script({ fail: { status: 500 } });
    reply({ kind: 'task', text: 'Renew the car insurance' });
    expect(await extract('I need to renew the car insurance')).toMatchObject([
      { action: 'save', kind: 'task', text: 'Renew the car insurance' },
    ]);
    expect(server.requests).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('gives up after maxAttempts of 5xx and falls back, naming the status and attempts', async () => {
    const { extract, errors } = extractor({ maxAttempts: 2 });
    server.script({ fail: { status: 503, times: 2 } });
    const text = 'Remember that the gate code is 4512';
    expect(await extract(text)).toEqual(extractHeuristic(text));
    expect(server.requests).toHaveLength(2);
    expect(errors[0]).toMatchObject({ code: 'extractor_request_failed', status: 503 });
    expect(errors[0]?.message).toMatch(/503.*after 2 attempts/);
  });

  it('a refused key falls back at once, with an error that says where to fix it', async () => {
    const { extract, errors } = extractor({ apiKey: 'sk-wrong' });
    const text = 'Запомни: Барсик любит тунец.';
    expect(await extract(text)).toEqual(extractHeuristic(text));
    expect(server.requests).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'extractor_auth_refused', status: 401 });
    expect(errors[0]?.message).toBe(`the model API key was refused by ${server.url}: set it in Settings → Model`);
    expect(errors[0]?.message).not.toContain('sk-wrong');
  });

  it('a network failure (nothing listening) and an unknown model fall back too', async () => {
    const dead = await start();
    await dead.stop();
    const down = extractor({ baseUrl: dead.url, maxAttempts: 2 });
    expect(await down.extract('I like jazz')).toEqual(extractHeuristic('I like jazz'));
    expect(down.errors[0]).toMatchObject({ code: 'extractor_request_failed', status: undefined });
    expect(down.errors[0]?.message).toMatch(/network error/);
    const missing = extractor({ model: 'gpt-nope' });
    server.script({ fail: { status: 404 } });
    await missing.extract('I like jazz');
    expect(missing.errors[0]).toMatchObject({ code: 'extractor_model_not_found' });
    expect(missing.errors[0]?.message).toMatch(/gpt-nope/);
  });

  it('an abort while waiting to retry falls back without another request', async () => {
    const ac = new AbortController();
    const { extract, errors } = extractor({ signal: ac.signal, baseDelayMs: 30_000 });
    server.script({ fail: { status: 429 } });
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    expect(await extract('I like jazz')).toEqual(extractHeuristic('I like jazz'));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
    expect(errors.map((e) => e.code)).toEqual(['extractor_aborted']);
  });
});

describe('extractor from settings', () => {
  const model: Settings['model'] = {
    provider: 'openai',
    base_url: null,
    api_key: '',
    model: 'm',
    temperature: 0,
    max_tokens: 1,
  };

  it('uses the model only when a key or an endpoint is set and the provider is not "none"', async () => {
    expect(modelConfigured(model)).toBe(false);
    expect(modelConfigured({ ...model, api_key: 'sk-x' })).toBe(true);
    expect(modelConfigured({ ...model, provider: 'openai-compatible', base_url: 'http://127.0.0.1:11434/v1' })).toBe(
      true,
    );
    expect(modelConfigured({ ...model, provider: 'none', api_key: 'sk-x' })).toBe(false);

    let current = { ...model };
    const errors: ExtractorError[] = [];
    const extract = extractorFor(
      () => current,
      (e) => errors.push(e),
      { baseDelayMs: 5 },
    );
    expect(await extract('I like jazz')).toEqual(extractHeuristic('I like jazz'));
    expect(server.requests).toHaveLength(0);
    // A key entered in settings applies to the next message.
    current = { ...model, base_url: server.url, api_key: KEY, model: 'gpt-live' };
    reply({ kind: 'preference', text: 'Likes jazz' });
    expect(await extract('I like jazz')).toMatchObject([{ text: 'Likes jazz' }]);
    expect(lastBody().model).toBe('gpt-live');
    current = { ...current, api_key: 'sk-changed' };
    expect(await extract('I like jazz')).toEqual(extractHeuristic('I like jazz'));
    expect(errors.map((e) => e.code)).toEqual(['extractor_auth_refused']);
  });
});

describe('evaluate and save with the model extractor (pglite + sql graph)', () => {
  let db: TestDb;
  let memory: MemoryService;
  const errors: ExtractorError[] = [];

  beforeAll(async () => {
    db = await openTestDb('pglite');
    memory = await MemoryService.open({
      sql: db.sql,
      embedder: new OfflineEmbedder({ dimensions: 64 }),
      graph: createSqlGraph(db.sql, { namespace: 'extract-model' }),
      cap: () => 1000,
      gcIntervalMs: 0,
      extract: createModelExtractor({
        baseUrl: server.url,
        apiKey: KEY,
        model: 'gpt-test-mini',
        baseDelayMs: 5,
        onError: (e) => errors.push(e),
      }),
    });
  });
  afterAll(async () => {
    await memory?.close();
    await db?.drop();
  });

  it('saves, dedups, merges, supersedes and forgets what the model extracts, and fills the graph', async () => {
    const sarah = { name: 'Sarah Collins', type: 'person' };
    const northwind = { name: 'Northwind Logistics', type: 'organization' };
    reply(
      { text: 'The Wi-Fi password at the cottage is on the fridge', importance: 0.8 },
      {
        text: 'Sarah Collins works at Northwind Logistics',
        entities: [sarah, northwind],
        relations: [{ from: sarah, to: northwind, type: 'works_at', weight: 0.7 }],
      },
    );
    const a = await memory.evaluate('Remember: the Wi-Fi password at the cottage is on the fridge. Sarah works at…', {
      message_id: 'm1',
    });
    expect(a.saved).toHaveLength(2);
    const wifi = await memory.get(a.saved[0] as string);
    expect(wifi).toMatchObject({ kind: 'fact', importance: 0.8, source: { message_id: 'm1' } });
    const exported = await memory.requireGraph().exportAll();
    expect(exported.relations).toMatchObject([
      { from: { name: 'Sarah Collins' }, to: { name: 'Northwind Logistics' }, type: 'works_at', weight: 0.7 },
    ]);
    expect(exported.mentions.filter((m) => m.memoryId === a.saved[1])).toHaveLength(2);

    reply({ text: 'the wi-fi password at the cottage is on the fridge ' });
    expect((await memory.evaluate('again')).duplicates).toEqual([wifi.id]);

    reply({ text: 'The Wi-Fi password at the cottage is on the fridge door', importance: 0.9 });
    const merged = await memory.evaluate('it is on the fridge door', { message_id: 'm2' });
    expect(merged.merged).toEqual([wifi.id]);
    expect((await memory.get(wifi.id)).provenance.map((p) => p.message_id)).toEqual(['m1', 'm2']);

    reply({ text: 'My phone number is +7 911 000 11 22', slot: 'my:Phone Number' });
    const oldPhone = (await memory.evaluate('my number')).saved[0] as string;
    reply({ text: 'My phone number is +7 921 333 44 55', slot: 'my:phone number' });
    const newer = await memory.evaluate('new number');
    expect(newer.superseded).toEqual([{ old: oldPhone, new: expect.any(String) }]);
    expect((await memory.get(oldPhone)).valid_to).not.toBeNull();
    // The model's slot is keyed like the heuristic's, so a heuristic-found statement supersedes it too.
    const heuristicSlot = extractHeuristic('My phone number is +7 000')[0]?.slot;
    expect((await memory.get(newer.superseded[0]?.new as string)).slot).toBe(heuristicSlot);

    reply({ action: 'forget', text: 'Wi-Fi password' });
    const f = await memory.evaluate('Забудь пароль от вайфая');
    expect(f.forgotten).toEqual([wifi.id]);
    await expect(memory.get(wifi.id)).rejects.toMatchObject({ code: 'memory_not_found' });
    expect(errors).toEqual([]);
  });

  it('never loses a message: with the model down, the heuristic saves it', async () => {
    server.script({ fail: { status: 401 } });
    const r = await memory.evaluate('Remember that the spare car key is in the kitchen drawer.');
    expect(r.saved).toHaveLength(1);
    expect((await memory.get(r.saved[0] as string)).text).toBe('the spare car key is in the kitchen drawer');
    expect(errors.map((e) => e.code)).toEqual(['extractor_auth_refused']);
  });
});
