// Fault injection on the server engines while a daemon serves: Postgres and Redis are private instances of this file,
// really stopped and started again (Redis with AOF, so its streams survive); Neo4j is the shared server behind a TCP
// proxy of this file that is CUT and restored (a private Neo4j takes too long to start per run) — from the daemon's
// side the same: connections reset, then refused. Checks: health shows the outage, requests get a 503
// `service_unavailable` within seconds (no hang, no 500, no crash), and the same daemon serves again by itself, with
// no memory lost, acked bus events not redelivered and unacked ones delivered.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BusEvent } from '../../bus/event.ts';
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { type PrivatePostgres, startPrivatePostgres } from '../helpers/privatePostgres.ts';
import { type RedisServer, startRedis, waitFor } from '../helpers/redisServer.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy.ts';

type Body = Record<string, unknown>;
/** A request that has not answered after this long is a hang, not a slow 503. */
const HANG_MS = 15_000;

describe('faults: a service stops while the daemon serves', () => {
  const { neo4j } = inject('services');
  let pg: PrivatePostgres;
  let redis: RedisServer;
  let proxy: TcpProxy;
  let d: TestDaemon;
  let token: string;
  const savedIds: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  const tag = `F${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const started = performance.now();
    const res = await d.request(path, { ...init, token, signal: AbortSignal.timeout(HANG_MS) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body, ms: performance.now() - started };
  };
  const health = async () => {
    const res = await call('/api/health');
    return { ...res, engines: res.body.engines as Record<string, { ok: boolean; error?: string }> };
  };
  /** Polls health until it is 200 again; returns how long that took. */
  const recovered = async (what: string) => {
    const started = performance.now();
    let last: unknown;
    await waitFor(
      `health 200 after ${what} returned`,
      async () => {
        const h = await health();
        last = h.engines;
        return h.status === 200;
      },
      30_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last health: ${JSON.stringify(last)}`);
    });
    return Math.round(performance.now() - started);
  };
  const save = (text: string) => call('/api/memory/embeddings', { method: 'POST', json: { texts: [text] } });
  const expectUnavailable = (res: { status: number; body: Body }, service: RegExp) => {
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'service_unavailable' });
    expect(String((res.body.error as Body).message)).toMatch(service);
  };
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const neo = new URL(neo4j.url);
    [pg, redis, proxy] = await Promise.all([
      startPrivatePostgres(),
      startRedis({ appendonly: true }),
      startTcpProxy({ host: neo.hostname, port: Number(neo.port) }),
    ]);
    d = await startDaemon({
      services: {
        postgres: { url: pg.url },
        redis: { url: redis.url },
        neo4j: { url: `bolt://127.0.0.1:${proxy.port}`, user: neo4j.user, password: neo4j.password },
      },
    });
    token = await d.login();
    for (const n of [1, 2, 3]) {
      const res = await save(`${tag}: fact number ${n} about the blue lighthouse`);
      expect(res.status).toBe(201);
      savedIds.push(...(res.body.ids as string[]));
    }
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await d?.stop();
    const driver = createNeo4j(neo4j);
    await driver
      .executeQuery('MATCH (m:Memory) WHERE m.id IN $ids DETACH DELETE m', { ids: savedIds }, { database: 'neo4j' })
      .catch(() => {});
    await driver.close();
    await Promise.allSettled([pg?.destroy(), redis?.stop(), proxy?.close()]);
    console.log(`[faults] measured (ms): ${JSON.stringify(measured)}`);
  }, 60_000);

  const allSavedFound = async () => {
    const res = await d.request('/api/memory/export', { token });
    expect(res.status).toBe(200);
    const dump = await res.text();
    for (const id of savedIds) expect(dump).toContain(id);
  };

  it('Postgres stopped: health and requests answer 503 at once, and the same daemon serves again when it returns', async () => {
    await pg.stop();
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.engines.sql).toMatchObject({ ok: false });
    expect(h.engines.sql?.error).toBeTruthy();
    expect(h.engines.cache?.ok).toBe(true);

    const q = await call(`/api/memory/query?q=${encodeURIComponent('blue lighthouse')}`);
    expectUnavailable(q, new RegExp(`Postgres is not reachable at 127\\.0\\.0\\.1:${pg.port}`));
    measured.postgres_query_503 = Math.round(q.ms);
    const s = await save(`${tag}: written while Postgres is down`);
    expectUnavailable(s, /Postgres/);
    measured.postgres_save_503 = Math.round(s.ms);
    const list = await call('/api/chat/conversations');
    expectUnavailable(list, /Postgres/);

    await pg.start();
    measured.postgres_resume = await recovered('Postgres');
    const again = await call(`/api/memory/query?q=${encodeURIComponent('blue lighthouse')}&k=10`);
    expect(again.status).toBe(200);
    const after = await save(`${tag}: written after Postgres came back`);
    expect(after.status).toBe(201);
    savedIds.push(...(after.body.ids as string[]));
    await allSavedFound();
  }, 90_000);

  it('Redis stopped: the bus resumes with acked events not redelivered and unacked ones delivered', async () => {
    const handled: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sub = await d.titan.bus.subscribe('system.v1', `faults-${tag}`, async (e: BusEvent) => {
      if (e.event_type !== 'faults.ping') return;
      const n = (e.payload as { n: number }).n;
      if (n >= 3 && n < 5) await gate;
      handled.push(n);
    });
    const pending = async () =>
      (await d.titan.bus.pendingCounts())
        .filter((p) => p.group === `faults-${tag}`)
        .reduce((sum, p) => sum + p.count, 0);
    for (const n of [0, 1, 2]) await d.titan.bus.publish('system.v1', 'faults.ping', { n });
    await waitFor(
      'the first three events handled and acked',
      async () => handled.length === 3 && (await pending()) === 0,
    );
    // Two more, held inside the handler (delivered, not yet acked) when Redis goes away.
    for (const n of [3, 4]) await d.titan.bus.publish('system.v1', 'faults.ping', { n });
    await waitFor('the held events delivered', async () => (await pending()) === 2);

    await redis.kill('SIGTERM'); // a clean stop; its AOF keeps the streams for the restart
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.engines.bus).toMatchObject({ ok: false });
    expect(h.engines.sql?.ok).toBe(true);
    const dlq = await call('/api/bus/dlq');
    expectUnavailable(dlq, new RegExp(`Redis is not reachable at redis://127\\.0\\.0\\.1:${redis.port}`));
    measured.redis_503 = Math.round(dlq.ms);
    const started = performance.now();
    await expect(d.titan.bus.publish('system.v1', 'faults.ping', { n: 99 })).rejects.toThrow();
    measured.redis_publish_fails = Math.round(performance.now() - started);
    release(); // their acks now fail: they stay pending in Redis

    await redis.restart();
    measured.redis_resume = await recovered('Redis');
    await d.titan.bus.publish('system.v1', 'faults.ping', { n: 5 });
    await waitFor(
      'every event handled and nothing pending',
      async () => [3, 4, 5].every((n) => handled.includes(n)) && (await pending()) === 0,
      40_000,
    );
    // Acked before the outage: exactly once. Unacked (held) ones: delivered (again) after it. The refused one: never.
    expect(handled.filter((n) => n < 3).sort()).toEqual([0, 1, 2]);
    expect(handled.filter((n) => n === 5)).toEqual([5]);
    expect(handled).not.toContain(99);
    await d.titan.bus.unsubscribe(sub);
    await allSavedFound();
  }, 90_000);

  it('Neo4j cut: the graph answers 503, memories are saved or refused (never lost), and it serves again', async () => {
    await proxy.cut();
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.engines.graph).toMatchObject({ ok: false });
    const g = await call(`/api/memory/graph/subgraph?around=${encodeURIComponent('blue lighthouse')}`);
    expectUnavailable(g, new RegExp(`Neo4j is not reachable at 127\\.0\\.0\\.1:${proxy.port}`));
    measured.neo4j_503 = Math.round(g.ms);
    const s = await save(`${tag}: written while Neo4j is cut`);
    if (s.status === 201) savedIds.push(...(s.body.ids as string[]));
    else expectUnavailable(s, /Neo4j/);

    await proxy.restore();
    measured.neo4j_resume = await recovered('Neo4j');
    const again = await call(`/api/memory/graph/subgraph?around=${encodeURIComponent('blue lighthouse')}`);
    expect(again.status).toBe(200);
    await allSavedFound();
    expect(unhandled).toEqual([]);
  }, 90_000);
});
