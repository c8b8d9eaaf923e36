// The memory API end to end on a running daemon — embedded engines (PGlite, SQL graph) and server engines (Postgres +
// pgvector, Neo4j, Redis bus): store, query, edit/pin/delete, graph, stats, GC, backup/restore, bad input, and the
// `memory` consumer group saving what a chat message asks it to remember.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { openTestDb, type TestDb } from '../helpers/memoryDb.ts';

type Body = Record<string, unknown>;

function memoryApiSuite(
  name: string,
  settings: () => Promise<{ settings: Body; cleanup: (tag: string) => Promise<void> }>,
) {
  describe(`memory API: ${name}`, () => {
    let daemon: TestDaemon;
    let token: string;
    let cleanup: (tag: string) => Promise<void> = async () => {};
    // Unique names: the server engines are shared with other runs.
    const tag = `T${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await daemon.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as Body, text };
    };

    beforeAll(async () => {
      const s = await settings();
      cleanup = s.cleanup;
      daemon = await startDaemon(s.settings);
      token = await daemon.login();
    });
    afterAll(async () => {
      await daemon?.stop();
      await cleanup(tag);
    });

    it('stores texts and items, finds them by a paraphrase, and answers identical texts with the same id', async () => {
      const res = await call('/api/memory/embeddings', {
        method: 'POST',
        json: {
          texts: [
            `The lease for the flat of ${tag} ends on 1 March`,
            'Счёт от «Ромашки» за бухгалтерию нужно оплатить до 10 числа',
          ],
          items: [
            {
              text: 'I prefer aisle seats on long flights',
              kind: 'preference',
              importance: 0.7,
              source: { path: '/notes/travel.md', page: 1 },
            },
          ],
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.created).toEqual([true, true, true]);
      const again = await call('/api/memory/embeddings', {
        method: 'POST',
        json: { texts: [`the lease for the flat of ${tag} ends on 1 March`] },
      });
      expect(again.body).toEqual({ ids: [(res.body.ids as string[])[0]], created: [false] });
      const q = await call(`/api/memory/query?q=${encodeURIComponent('когда платить за бухгалтерские услуги')}&k=3`);
      expect(q.status).toBe(200);
      const [hit] = q.body.hits as { memory: Body; parts: Body; provenance: Body }[];
      expect(hit?.memory.id).toBe((res.body.ids as string[])[1]);
      expect(hit?.parts).toHaveProperty('vector.similarity');
      const seat = await call('/api/memory/query?q=seat%20preference%20on%20planes&k=1&kind=preference');
      expect((seat.body.hits as { provenance: Body }[])[0]?.provenance).toMatchObject({
        source: { path: '/notes/travel.md', page: 1 },
      });
    });

    it('reads, edits, pins and deletes one memory', async () => {
      const { body } = await call('/api/memory/embeddings', {
        method: 'POST',
        json: { texts: [`Gate code of ${tag} is 4512`] },
      });
      const id = (body.ids as string[])[0];
      expect((await call(`/api/memory/${id}`)).body).toMatchObject({ id, kind: 'fact', pinned: false });
      const patched = await call(`/api/memory/${id}`, {
        method: 'PATCH',
        json: { pinned: true, text: `Gate code of ${tag} is 9981` },
      });
      expect(patched.body).toMatchObject({ pinned: true, text: `Gate code of ${tag} is 9981` });
      expect((await call(`/api/memory/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await call(`/api/memory/${id}`)).status).toBe(404);
    });

    it('answers bad input with a clear 4xx', async () => {
      const cases: [string, RequestInit & { json?: unknown }, number, string][] = [
        ['/api/memory/embeddings', { method: 'POST', json: { texts: [''] } }, 400, 'invalid_input'],
        ['/api/memory/embeddings', { method: 'POST', json: { texts: ['   '] } }, 400, 'empty_text'],
        ['/api/memory/embeddings', { method: 'POST', json: { texts: ['x'.repeat(8001)] } }, 400, 'text_too_long'],
        [
          '/api/memory/embeddings',
          { method: 'POST', json: { items: [{ text: 'v', embedding: [0.1, 0.2] }] } },
          400,
          'wrong_dimension',
        ],
        ['/api/memory/embeddings', { method: 'POST', json: {} }, 400, 'invalid_input'],
        ['/api/memory/01ARZ3NDEKTSV4RRFFQ69G5FAV', {}, 404, 'not_found'],
        ['/api/memory/01ARZ3NDEKTSV4RRFFQ69G5FAV', { method: 'PATCH', json: { pinned: true } }, 404, 'not_found'],
        ['/api/memory/01ARZ3NDEKTSV4RRFFQ69G5FAV', { method: 'DELETE' }, 404, 'not_found'],
        // The id's pattern is part of the route, so a malformed id is no route at all.
        ['/api/memory/not-an-id', {}, 404, 'not_found'],
        ['/api/memory/query?q=x&k=0', {}, 400, 'invalid_input'],
        ['/api/memory/query?q=x&k=101', {}, 400, 'invalid_input'],
        ['/api/memory/query?q=', {}, 400, 'invalid_input'],
        ['/api/memory/query?q=x&kind=secret', {}, 400, 'invalid_input'],
        [
          '/api/memory/import',
          { method: 'POST', body: 'not json\n', headers: { 'content-type': 'application/x-ndjson' } },
          400,
          'invalid_import',
        ],
      ];
      for (const [path, init, status, code] of cases) {
        const res = await call(path, init);
        expect([path, res.status, (res.body.error as Body)?.code]).toEqual([path, status, code]);
      }
    });

    it('upserts graph entities and relations and answers a neighbourhood', async () => {
      const a = { name: `Anna ${tag}`, type: 'person' };
      const b = { name: `Acme ${tag}`, type: 'company' };
      const res = await call('/api/memory/graph', {
        method: 'POST',
        json: { entities: [a, b], relations: [{ from: a, to: b, type: 'works_at' }], around: a.name },
      });
      expect(res.status).toBe(200);
      expect(((res.body.subgraph as Body).nodes as Body[]).map((n) => n.name)).toEqual(
        expect.arrayContaining([a.name, b.name]),
      );
      const sub = await call(`/api/memory/graph/subgraph?around=${encodeURIComponent(b.name)}&depth=1`);
      expect((sub.body.edges as Body[]).some((e) => e.type === 'works_at')).toBe(true);
    });

    it('the memory consumer saves what a chat message asks to remember, and forgets on request', async () => {
      const publish = (text: string) =>
        call('/api/bus/publish', {
          method: 'POST',
          json: {
            topic: 'chat.v1',
            event_type: 'message.created',
            payload: { role: 'user', text, conversation_id: 'c1' },
          },
        });
      expect((await publish(`Remember that ${tag} Biscuit the beagle needs a rabies shot.`)).status).toBe(201);
      const find = async () =>
        (
          (await call(`/api/memory/query?q=${encodeURIComponent(`${tag} beagle rabies`)}&k=1`)).body.hits as {
            memory: Body;
          }[]
        )[0]?.memory;
      let found: Body | undefined;
      await waitUntil(
        async () => {
          found = await find();
          return found?.text === `${tag} Biscuit the beagle needs a rabies shot`;
        },
        'the memory',
        15_000,
      );
      expect(found?.source).toMatchObject({ origin: 'chat', conversation_id: 'c1' });
      await publish(`Forget ${tag} Biscuit.`);
      await waitUntil(async () => (await call(`/api/memory/${found?.id}`)).status === 404, 'the deletion', 15_000);
    });

    it('reports stats, collects garbage, and restores an export into an emptied store', async () => {
      const stats = await call('/api/memory/stats');
      expect(stats.body).toMatchObject({ embedder: { model: 'titan-ngram-v1', dimensions: 384 } });
      expect(stats.body.active).toBeGreaterThanOrEqual(3);
      const gc = await call('/api/memory/gc', { method: 'POST' });
      expect(gc.body).toMatchObject({ expired: 0, overCap: 0 });
      const exported = await daemon.request('/api/memory/export', { token });
      expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
      const jsonl = await exported.text();
      const memories = jsonl.split('\n').filter((l) => l.includes('"type":"memory"'));
      expect(memories.length).toBe(stats.body.total);
      for (const l of memories) await call(`/api/memory/${JSON.parse(l).id}`, { method: 'DELETE' });
      expect((await call('/api/memory/stats')).body.total).toBe(0);
      const imported = await call('/api/memory/import', {
        method: 'POST',
        body: jsonl,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(imported.body).toMatchObject({ memories: memories.length, reembedded: 0 });
      const q = await call(`/api/memory/query?q=${encodeURIComponent(`lease ${tag}`)}&k=1`);
      expect((q.body.hits as { memory: Body }[])[0]?.memory.text).toContain(`flat of ${tag}`);
    });
  });
}

memoryApiSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));

memoryApiSuite('Postgres + Neo4j + Redis', async () => {
  const { postgres, neo4j, redis } = inject('services');
  const db: TestDb = await openTestDb('postgres', postgres.url);
  await db.sql.close();
  return {
    settings: {
      services: {
        postgres: { url: db.url },
        neo4j: { url: neo4j.url, user: neo4j.user, password: neo4j.password },
        redis: { url: redis.url },
      },
    },
    async cleanup(tag: string) {
      // The daemon's graph uses the default namespace of the shared Neo4j: remove only this run's (tagged) entities.
      const driver = createNeo4j(neo4j);
      await driver.executeQuery(
        'MATCH (n:Entity) WHERE n.name CONTAINS $tag DETACH DELETE n',
        { tag },
        { database: 'neo4j' },
      );
      await driver.close();
      await db.drop();
    },
  };
});
