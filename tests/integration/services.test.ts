// Real round trips to each test service, and the daemon running on all three: health names and checks each engine.
import { Redis } from 'ioredis';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const services = inject('services');
const uid = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;

describe('real services', () => {
  it('Redis: XADD then XRANGE returns the entries in order', async () => {
    const redis = new Redis(services.redis.url);
    const key = `titan:test:${uid()}`;
    try {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await redis.xadd(key, '*', 'n', String(i)));
      const entries = await redis.xrange(key, '-', '+');
      expect(entries.map(([id, fields]) => [id, fields])).toEqual(ids.map((id, i) => [id, ['n', String(i)]]));
      const info = await redis.info('server');
      expect(info).toMatch(/redis_version:7\./);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });

  it('Neo4j 5: MERGE then MATCH finds the node and relation', async () => {
    const driver = neo4j.driver(services.neo4j.url, neo4j.auth.basic(services.neo4j.user, services.neo4j.password));
    const tag = uid();
    try {
      await driver.executeQuery(
        'MERGE (a:TestEntity {name: $a, tag: $tag})-[:RELATES {type: "knows"}]->(b:TestEntity {name: $b, tag: $tag})',
        { a: 'Анна', b: 'Bob', tag },
      );
      await driver.executeQuery('MERGE (a:TestEntity {name: $a, tag: $tag})', { a: 'Анна', tag });
      const { records } = await driver.executeQuery(
        'MATCH (a:TestEntity {tag: $tag})-[r:RELATES]->(b) RETURN a.name AS a, r.type AS t, b.name AS b',
        { tag },
      );
      expect(records.map((r) => [r.get('a'), r.get('t'), r.get('b')])).toEqual([['Анна', 'knows', 'Bob']]);
      const info = await driver.getServerInfo();
      expect(String(info.agent)).toMatch(/^Neo4j\/5\./);
      const { records: version } = await driver.executeQuery(
        'CALL dbms.components() YIELD versions RETURN versions[0] AS v',
      );
      expect(String(version[0]?.get('v'))).toMatch(/^5\./);
    } finally {
      await driver.executeQuery('MATCH (n:TestEntity {tag: $tag}) DETACH DELETE n', { tag });
      await driver.close();
    }
  });
});

describe('daemon on the real services', () => {
  let daemon: TestDaemon;
  beforeAll(async () => {
    daemon = await startDaemon({
      services: {
        redis: { url: services.redis.url },
        postgres: { url: services.postgres.url },
        neo4j: { url: services.neo4j.url, user: services.neo4j.user, password: services.neo4j.password },
      },
    });
  });
  afterAll(() => daemon?.stop());

  it('health names the server engine for each concern and each answers', async () => {
    const res = await daemon.request('/api/health');
    const body = (await res.json()) as { status: string; engines: Record<string, { engine: string; ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.fromEntries(Object.entries(body.engines).map(([k, s]) => [k, [s.engine, s.ok]]))).toEqual({
      sql: ['postgres', true],
      bus: ['redis-streams', true],
      graph: ['neo4j', true],
      cache: ['redis', true],
    });
  });

  it('ran the migrations on Postgres', async () => {
    const rows = await daemon.titan.engines.sql.query('SELECT version FROM schema_migrations WHERE version = 1');
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('reports a configured service that does not answer as degraded (503), without crashing', async () => {
    const broken = await startDaemon({
      services: { redis: { url: 'redis://127.0.0.1:1' }, postgres: null, neo4j: null },
    });
    try {
      const res = await broken.request('/api/health');
      const body = (await res.json()) as { status: string; engines: Record<string, { ok: boolean; error?: string }> };
      expect(res.status).toBe(503);
      expect(body.status).toBe('degraded');
      expect(body.engines.bus?.ok).toBe(false);
      expect(body.engines.sql?.ok).toBe(true);
      expect((await broken.request('/api/auth/status')).status).toBe(200);
    } finally {
      await broken.stop();
    }
  });

  it('refuses to start on an unreachable Postgres with a message that says what to do', async () => {
    await expect(
      startDaemon({ services: { postgres: { url: 'postgres://titan:pw@127.0.0.1:1/titan' } } }),
    ).rejects.toThrow(/Postgres at 127\.0\.0\.1:1\/titan could not be prepared .*start it/);
  });
});
