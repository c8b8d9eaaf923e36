// The bus over HTTP: publish, SSE subscribe, the dead-letter queue (list, requeue, discard, audited), live limits, /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import type { BusEvent } from '../../bus/event.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

let daemon: TestDaemon;
let token: string;

beforeAll(async () => {
  daemon = await startDaemon({
    bus: {
      streams: [
        { name: 'chat.v1', maxlen: 1000, rate_limit: 1000, retry_limit: 1 },
        { name: 'fs.v1', maxlen: 1000, rate_limit: 1000, retry_limit: 5 },
      ],
    },
  });
  token = await daemon.login();
});
afterAll(() => daemon?.stop());

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

describe('POST /api/bus/publish', () => {
  it('publishes a valid event and answers its id', async () => {
    const got: BusEvent[] = [];
    const sub = await daemon.titan.bus.subscribe('fs.v1', 'api-test', (e) => {
      got.push(e);
    });
    const res = await json(
      await daemon.request('/api/bus/publish', {
        method: 'POST',
        token,
        json: { topic: 'fs.v1', event_type: 'file.created', payload: { path: '/tmp/a.txt' }, priority: 'high' },
      }),
    );
    expect(res.status).toBe(201);
    await waitUntil(() => got.length === 1, 'the event');
    expect(got[0]).toMatchObject({
      event_id: res.body.event_id,
      payload: { path: '/tmp/a.txt' },
      meta: { source: 'api', priority: 'high' },
    });
    await daemon.titan.bus.unsubscribe(sub);
  });

  it('refuses a bad topic, a bad event type and an event over 32 KB, saying why', async () => {
    const post = (body: unknown) => daemon.request('/api/bus/publish', { method: 'POST', token, json: body });
    const badTopic = await json(await post({ topic: 'errors.dlq', event_type: 'x', payload: {} }));
    expect(badTopic.status).toBe(400);
    expect(JSON.stringify(badTopic.body)).toMatch(/topic must be one of/);
    const badType = await json(await post({ topic: 'fs.v1', event_type: 'Not Valid', payload: {} }));
    expect(badType).toMatchObject({ status: 400, body: { error: { code: 'invalid_event' } } });
    const big = await json(
      await post({ topic: 'fs.v1', event_type: 'file.created', payload: { blob: 'x'.repeat(40_000) } }),
    );
    expect(big).toMatchObject({ status: 400, body: { error: { code: 'event_too_large' } } });
  });
});

describe('GET /api/bus/subscribe (SSE)', () => {
  it('streams published events as server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await daemon.request('/api/bus/subscribe?topic=system.v1&group=sse-test', {
      token,
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    // The group is created when the stream opens; publish once it is there.
    await waitUntil(
      async () => (await daemon.titan.bus.pendingCounts()).some((p) => p.group === 'sse-test'),
      'the SSE subscription',
    );
    const id = await daemon.titan.bus.publish('system.v1', 'job.done', { job: 'x' });
    let text = '';
    while (!text.includes(id)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain(`id: ${id}`);
    expect(text).toContain('event: job.done');
    ctrl.abort();
  });

  it('refuses a missing topic or group with 400', async () => {
    expect((await daemon.request('/api/bus/subscribe?topic=nope&group=g', { token })).status).toBe(400);
    expect((await daemon.request('/api/bus/subscribe?topic=chat.v1', { token })).status).toBe(400);
  });
});

describe('the dead-letter queue over HTTP', () => {
  it('lists a dead letter with its error, audits it, requeues it to its group, then discards', async () => {
    let fail = true;
    const handled: string[] = [];
    const sub = await daemon.titan.bus.subscribe('chat.v1', 'dlq-test', (e) => {
      if (fail) throw new Error('the memory store is down');
      handled.push(e.event_id);
    });
    const eventId = await daemon.titan.bus.publish('chat.v1', 'message.created', { text: 'hi' });
    await waitUntil(async () => (await daemon.titan.bus.dlqLength()) === 1, 'the dead letter');

    const list = await json(await daemon.request('/api/bus/dlq?limit=10', { token }));
    expect(list.status).toBe(200);
    const entries = list.body.entries as Record<string, unknown>[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      reason: 'handler_failed',
      group: 'dlq-test',
      original_topic: 'chat.v1',
      original_event_id: eventId,
      retries: 1,
      error: { message: 'the memory store is down' },
    });
    const audit = await json(await daemon.request('/api/logs/audit?q=bus.dlq', { token }));
    expect(JSON.stringify(audit.body)).toContain(eventId);

    fail = false;
    const id = entries[0]?.id as string;
    const requeued = await json(await daemon.request(`/api/bus/dlq/${id}/requeue`, { method: 'POST', token }));
    expect(requeued.status).toBe(200);
    await waitUntil(() => handled.includes(eventId), 'the requeued event');
    expect((await json(await daemon.request(`/api/bus/dlq/${id}/requeue`, { method: 'POST', token }))).status).toBe(
      404,
    );
    await daemon.titan.bus.unsubscribe(sub);
  });

  it('discards a dead letter; unknown and malformed ids get 404 and 400', async () => {
    const sub = await daemon.titan.bus.subscribe('chat.v1', 'dlq-discard', () => {
      throw new Error('no');
    });
    await daemon.titan.bus.publish('chat.v1', 'message.created', { text: 'bye' });
    await waitUntil(async () => (await daemon.titan.bus.dlqLength()) === 1, 'the dead letter');
    const { body } = await json(await daemon.request('/api/bus/dlq', { token }));
    const id = (body.entries as { id: string }[])[0]?.id as string;
    expect((await daemon.request(`/api/bus/dlq/${id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await daemon.request(`/api/bus/dlq/${id}`, { method: 'DELETE', token })).status).toBe(404);
    expect((await daemon.request('/api/bus/dlq/not-an-id', { method: 'DELETE', token })).status).toBe(400);
    expect((await daemon.request('/api/bus/dlq?limit=0', { token })).status).toBe(400);
    await daemon.titan.bus.unsubscribe(sub);
  });
});

describe('PUT /api/bus/config', () => {
  it('changes rate limits at once and keeps them in the settings file; refuses bad values', async () => {
    const current = await json(await daemon.request('/api/bus/config', { token }));
    const next = structuredClone(current.body) as { streams: { name: string; rate_limit: number }[] };
    for (const s of next.streams) if (s.name === 'fs.v1') s.rate_limit = 77;
    const put = await json(await daemon.request('/api/bus/config', { method: 'PUT', token, json: next }));
    expect(put.status).toBe(200);
    expect(daemon.titan.bus.currentOptions().streams['fs.v1']?.rate_limit).toBe(77);
    expect(daemon.titan.settings.get().bus.streams.find((s) => s.name === 'fs.v1')?.rate_limit).toBe(77);
    const bad = await json(
      await daemon.request('/api/bus/config', { method: 'PUT', token, json: { ...next, global_rate_limit: 0 } }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/bus\.global_rate_limit/);
  });
});

describe('GET /metrics', () => {
  it('needs the token and exposes the bus metrics', async () => {
    expect((await daemon.request('/metrics')).status).toBe(401);
    const res = await daemon.request('/metrics', { token });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/titan_bus_messages_total\{topic="chat.v1",group="dlq-test",outcome="dlq"\} 1/);
    expect(text).toMatch(/titan_bus_published_total\{topic="fs.v1",priority="high"\} 1/);
    expect(text).toContain('titan_bus_processing_latency_ms_bucket');
    expect(text).toMatch(/titan_bus_dlq_length \d+/);
    expect(text).toContain('titan_bus_pending');
  });
});
