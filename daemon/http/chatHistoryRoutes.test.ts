// The chat history routes over HTTP (Hono's request API) on PGlite: the wiring, status codes and bad input, with the
// same ApiRoutes and error handler the daemon uses (app.ts registers chatHistoryRoutes; this test does not need it).
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../tests/helpers/memoryDb.ts';
import { ChatStore } from '../chat/store.ts';
import { chatHistoryRoutes } from './chatHistoryRoutes.ts';
import { ApiError, errorBody } from './errors.ts';
import { ApiRoutes } from './routes.ts';

describe('chat history routes', () => {
  let db: TestDb;
  let store: ChatStore;
  let app: Hono;
  let api: ApiRoutes;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json: json as Record<string, unknown> & { error?: { code: string } }, text, res };
  };

  beforeAll(async () => {
    db = await openTestDb('pglite');
    store = new ChatStore(db.sql);
    app = new Hono();
    api = new ApiRoutes(app);
    app.onError((err, c) => {
      if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status, err.headers);
      return c.json(errorBody('internal', err.message), 500);
    });
    chatHistoryRoutes(api, { store });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('creates, lists by cursor, reads, renames, deletes and restores conversations', async () => {
    const created = await call('POST', '/api/chat/conversations', {});
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ title: 'New conversation', deleted_at: null, message_count: 0 });
    const id = created.json.id as string;
    for (let i = 0; i < 4; i++)
      expect((await call('POST', '/api/chat/conversations', { title: `T${i}` })).status).toBe(201);

    const first = await call('GET', '/api/chat/conversations?limit=3');
    expect(first.status).toBe(200);
    expect((first.json.items as unknown[]).length).toBe(3);
    const second = await call('GET', `/api/chat/conversations?limit=3&cursor=${first.json.next_cursor}`);
    expect(second.json.next_cursor).toBeNull();
    const ids = [...(first.json.items as { id: string }[]), ...(second.json.items as { id: string }[])].map(
      (c) => c.id,
    );
    expect(new Set(ids).size).toBe(5);
    expect(ids.at(-1)).toBe(id);

    expect((await call('GET', `/api/chat/conversations/${id}`)).json.id).toBe(id);
    const renamed = await call('PATCH', `/api/chat/conversations/${id}`, { title: 'Договор аренды' });
    expect(renamed.json.title).toBe('Договор аренды');

    const deleted = await call('DELETE', `/api/chat/conversations/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.deleted_at).toEqual(expect.any(String));
    const live = await call('GET', '/api/chat/conversations');
    expect((live.json.items as { id: string }[]).map((c) => c.id)).not.toContain(id);
    const trash = await call('GET', '/api/chat/conversations?deleted=true');
    expect((trash.json.items as { id: string }[]).map((c) => c.id)).toEqual([id]);
    // Deleted: gone for reading, renaming and exporting until restored.
    for (const [method, path, body] of [
      ['GET', `/api/chat/conversations/${id}`],
      ['PATCH', `/api/chat/conversations/${id}`, { title: 'x' }],
      ['GET', `/api/chat/conversations/${id}/export`],
    ] as const) {
      const gone = await call(method, path, body);
      expect(gone.status, `${method} ${path}`).toBe(404);
      expect(gone.json.error?.code).toBe('conversation_deleted');
    }
    const restored = await call('POST', `/api/chat/conversations/${id}/restore`);
    expect(restored.json.deleted_at).toBeNull();
  });

  it('pages messages, searches and exports', async () => {
    const c = await store.createConversation({ title: 'Отпуск: план' });
    for (let i = 0; i < 5; i++) await store.addMessage(c.id, { role: 'user', content: `Сообщение ${i} про договор` });
    await store.addMessage(c.id, { role: 'assistant', content: 'Use <b>bold</b> & the lease' });

    const page = await call('GET', `/api/chat/conversations/${c.id}/messages?limit=4`);
    expect(page.status).toBe(200);
    expect((page.json.items as { content: string }[]).map((m) => m.content)[0]).toBe('Сообщение 2 про договор');
    const older = await call('GET', `/api/chat/conversations/${c.id}/messages?limit=4&before=${page.json.next_cursor}`);
    expect((older.json.items as unknown[]).length).toBe(2);
    expect(older.json.next_cursor).toBeNull();

    const found = await call('GET', `/api/chat/search?q=${encodeURIComponent('догов')}&limit=3`);
    expect(found.status).toBe(200);
    const hits = found.json.hits as { snippet: string; conversation_id: string }[];
    expect(hits).toHaveLength(3);
    expect(hits[0]?.snippet).toContain('<mark>договор</mark>');
    const bold = await call('GET', `/api/chat/search?q=bol&conversation_id=${c.id}`);
    expect((bold.json.hits as { snippet: string }[])[0]?.snippet).toContain(
      '&lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; the',
    );

    const md = await call('GET', `/api/chat/conversations/${c.id}/export?format=md`);
    expect(md.status).toBe(200);
    expect(md.res.headers.get('content-type')).toMatch(/^text\/markdown/);
    const disposition = md.res.headers.get('content-disposition') as string;
    expect(disposition).toMatch(new RegExp(`^attachment; filename="titan-chat-${c.id}\\.md"; filename\\*=UTF-8''`));
    expect(decodeURIComponent(disposition.split("''")[1] as string)).toMatch(
      /^titan-chat-отпуск-план-\d{4}-\d\d-\d\d\.md$/,
    );
    expect(md.text.startsWith('# Отпуск: план\n')).toBe(true);
    const json = await call('GET', `/api/chat/conversations/${c.id}/export?format=json`);
    expect(json.res.headers.get('content-disposition')).toContain('.json');
    expect(json.json).toMatchObject({ format: 'titan.conversation', conversation: { id: c.id } });
    expect((json.json.messages as unknown[]).length).toBe(6);
  });

  it('answers bad input and unknown ids with a clear 4xx', async () => {
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/api/chat/search?q=', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/search?q=%20%20', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/search', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/search?q=a&limit=0', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/search?q=a&limit=101', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/search?q=a&conversation_id=nope', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/conversations?limit=500', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/conversations?deleted=maybe', undefined, 400, 'invalid_input'],
      ['GET', '/api/chat/conversations?cursor=bogus', undefined, 400, 'invalid_cursor'],
      ['GET', `/api/chat/conversations/${unknown}`, undefined, 404, 'conversation_not_found'],
      ['GET', '/api/chat/conversations/not-an-id', undefined, 400, 'invalid_input'],
      ['PATCH', `/api/chat/conversations/${unknown}`, { title: 'x' }, 404, 'conversation_not_found'],
      ['PATCH', `/api/chat/conversations/${unknown}`, { title: '  ' }, 400, 'invalid_input'],
      ['PATCH', `/api/chat/conversations/${unknown}`, { title: 'x', extra: 1 }, 400, 'invalid_input'],
      ['POST', '/api/chat/conversations', { title: 'x'.repeat(201) }, 400, 'invalid_input'],
      ['DELETE', `/api/chat/conversations/${unknown}`, undefined, 404, 'conversation_not_found'],
      ['POST', `/api/chat/conversations/${unknown}/restore`, undefined, 404, 'conversation_not_found'],
      ['GET', `/api/chat/conversations/${unknown}/messages`, undefined, 404, 'conversation_not_found'],
      ['GET', `/api/chat/conversations/${unknown}/export`, undefined, 404, 'conversation_not_found'],
      ['GET', `/api/chat/conversations/${unknown}/export?format=pdf`, undefined, 400, 'invalid_input'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await call(method, path, body);
      expect([res.status, res.json?.error?.code], `${method} ${path}`).toEqual([status, code]);
    }
    const c = await store.createConversation();
    const res = await call('GET', `/api/chat/conversations/${c.id}/messages?before=bogus`);
    expect([res.status, res.json.error?.code]).toEqual([400, 'invalid_cursor']);
  });

  it('documents every route in OpenAPI', () => {
    const doc = api.openapi({ title: 't', version: '0', description: 'd' }) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/chat/conversations',
      '/api/chat/conversations/{id}',
      '/api/chat/conversations/{id}/export',
      '/api/chat/conversations/{id}/messages',
      '/api/chat/conversations/{id}/restore',
      '/api/chat/search',
    ]);
  });
});
