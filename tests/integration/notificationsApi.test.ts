// The notifications API on a real daemon: notifications raised by a trigger rule (a system.v1 event → the assistant's
// reaction) list newest first with the unread count, page by cursor, are marked read one by one or all at once, and
// reach an open live stream (SSE) as they happen — on the embedded engines and on Redis + Postgres + Neo4j.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { type LiveSse, liveSse } from '../helpers/liveSse.ts';
import { lockedServerEngines } from '../helpers/redisDbLock.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

const pingRule = {
  id: 'ping',
  enabled: true,
  topic: 'system.v1',
  event_type: 'test.*',
  action: { type: 'notify', message: 'Tell me when the backup is done.' },
};

function notificationsSuite(name: string, engines: () => Promise<Engines>) {
  describe(`notifications API: ${name}`, () => {
    let d: TestDaemon;
    let token: string;
    let env: Engines;
    let stream: LiveSse;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
    };
    const ping = (n: number) => d.titan.bus.publish('system.v1', 'test.ping', { n }, { source: 'test' });
    const notified = (n: number, from = 0) =>
      stream.waitFor(
        (e) => e.event === 'notification' && String((e.data.notification as Body).body).includes(`"n": ${n}`),
        from,
      );

    beforeAll(async () => {
      env = await engines();
      d = await startDaemon({
        ...env.settings,
        model: { provider: 'none', base_url: null, api_key: '', model: 'none', temperature: 0.3, max_tokens: 256 },
        folders: { allowed: [], trash_days: 30, watch: false },
        triggers: { rules: [pingRule] },
      });
      token = await d.login();
      stream = await liveSse((signal) => d.request('/api/notifications/stream', { token, signal }));
    }, 300_000);
    afterAll(async () => {
      stream?.close();
      await d?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('streams the unread count first, then each notification as it is raised', async () => {
      expect((await stream.waitFor((e) => e.event === 'unread')).data).toMatchObject({ unread: 0 });
      // A notification body carries the reaction, which quotes the event's payload; wait for each in turn.
      for (const n of [1, 2, 3]) {
        await ping(n);
        const e = await notified(n);
        expect(e.data.notification).toMatchObject({ title: 'Event: test.ping', source: 'trigger:ping', level: 'info' });
      }
      const last = await stream.waitFor((e) => e.event === 'unread' && e.data.unread === 3);
      expect(last.data).toEqual({ type: 'unread', unread: 3 });
    });

    it('lists newest first with the unread count, pages by cursor, and each opens its conversation', async () => {
      const all = await call('/api/notifications');
      expect(all.status).toBe(200);
      const items = all.body.items as Body[];
      expect(items).toHaveLength(3);
      expect(all.body.unread).toBe(3);
      expect(all.body.next_cursor).toBeNull();
      const ids = items.map((i) => String(i.id));
      expect([...ids].sort().reverse()).toEqual(ids);
      expect(items.map((i) => String(i.body))).toEqual(expect.arrayContaining([expect.stringContaining('"n": 3')]));
      expect(String(items[0]?.body)).toContain('"n": 3');
      const page = await call('/api/notifications?limit=2');
      expect((page.body.items as Body[]).map((i) => i.id)).toEqual(ids.slice(0, 2));
      const rest = await call(`/api/notifications?limit=2&before=${page.body.next_cursor}`);
      expect((rest.body.items as Body[]).map((i) => i.id)).toEqual(ids.slice(2));
      expect(rest.body.next_cursor).toBeNull();
      const conv = await call(`/api/chat/conversations/${items[0]?.conversation_id}/messages`);
      expect(conv.status).toBe(200);
      const [reaction] = conv.body.items as Body[];
      expect(reaction).toMatchObject({ role: 'assistant' });
      expect(String(reaction?.content)).toContain('test.ping');
      expect(String(reaction?.content)).toContain('Tell me when the backup is done.');
    });

    it('marks one read, then all, and tells the live stream', async () => {
      const { body } = await call('/api/notifications');
      const [newest] = body.items as Body[];
      const from = stream.events.length;
      const one = await call(`/api/notifications/${newest?.id}/read`, { method: 'POST' });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: newest?.id });
      expect(Date.parse(String(one.body.read_at))).not.toBeNaN();
      expect((await stream.waitFor((e) => e.event === 'read', from)).data).toMatchObject({ ids: [newest?.id] });
      expect((await stream.waitFor((e) => e.event === 'unread', from)).data).toMatchObject({ unread: 2 });
      const again = await call(`/api/notifications/${newest?.id}/read`, { method: 'POST' });
      expect(again.body.read_at).toBe(one.body.read_at);
      const unread = await call('/api/notifications?unread=true');
      expect((unread.body.items as Body[]).map((i) => i.id)).not.toContain(newest?.id);
      expect(unread.body.unread).toBe(2);

      const from2 = stream.events.length;
      const all = await call('/api/notifications/read-all', { method: 'POST' });
      expect(all.body).toEqual({ marked: 2 });
      expect((await stream.waitFor((e) => e.event === 'read', from2)).data).toMatchObject({ ids: 'all' });
      expect((await stream.waitFor((e) => e.event === 'unread', from2)).data).toMatchObject({ unread: 0 });
      expect((await call('/api/notifications')).body.unread).toBe(0);
      expect((await call('/api/notifications/read-all', { method: 'POST' })).body).toEqual({ marked: 0 });
    });

    it('refuses unknown ids, bad queries and requests without a token', async () => {
      const missing = await call('/api/notifications/01JAAAAAAAAAAAAAAAAAAAAAAA/read', { method: 'POST' });
      expect(missing.status).toBe(404);
      expect((missing.body.error as Body).code).toBe('not_found');
      expect((await call('/api/notifications?limit=0')).status).toBe(400);
      expect((await call('/api/notifications?before=nope')).status).toBe(400);
      expect((await d.request('/api/notifications')).status).toBe(401);
      expect((await d.request('/api/notifications/stream')).status).toBe(401);
    });

    it('documents its routes, the live stream included', async () => {
      const spec = (await (await d.request('/openapi.json')).json()) as { paths: Record<string, Body> };
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/notifications',
          '/api/notifications/stream',
          '/api/notifications/read-all',
          '/api/notifications/{id}/read',
        ]),
      );
    });
  });
}

notificationsSuite('embedded', async () => ({ settings: {}, cleanup: async () => {} }));
notificationsSuite('Redis + Postgres + Neo4j', () => lockedServerEngines(8));
