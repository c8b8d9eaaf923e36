// /api/memory: store and query memories (hybrid), edit/pin/delete, the graph, stats, GC, and JSONL backup/restore.
import * as v from 'valibot';
import { MemoryError } from '../../memory/errors/memoryError.ts';
import { MEMORY_KINDS } from '../../memory/record.ts';
import type { MemoryService } from '../../memory/service.ts';
import type { Logs } from '../logs/logs.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import type { ApiRoutes } from './routes.ts';
import { intParam } from './validate.ts';

// The id's pattern is in the route path too, so /api/memory/stats and friends never reach the :id routes (a PATCH there
// is a 405, not a bad id).
const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';
const ULID = v.pipe(v.string(), v.regex(new RegExp(`^${ULID_PATTERN}$`), 'id must be a memory id (a ULID)'));
const Kind = v.picklist(MEMORY_KINDS, `kind must be one of ${MEMORY_KINDS.join(', ')}`);
const Text = v.pipe(v.string('text must be a string'), v.minLength(1, 'text must not be empty'));
const Iso = v.pipe(v.string(), v.isoTimestamp('expected an ISO 8601 timestamp'));
const Source = v.strictObject({
  conversation_id: v.optional(v.string()),
  message_id: v.optional(v.string()),
  path: v.optional(v.string()),
  page: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  origin: v.optional(v.string()),
});
const Item = v.strictObject({
  text: Text,
  kind: v.optional(Kind),
  importance: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  pinned: v.optional(v.boolean()),
  source: v.optional(Source),
  expires_at: v.optional(v.nullable(Iso)),
  embedding: v.optional(v.array(v.number())),
});
// The graph trims names and types: a blank one is refused here, where the schema can say so.
const Entity = v.strictObject({
  name: v.pipe(v.string(), v.regex(/\S/, 'an entity needs a name (not only spaces)')),
  type: v.pipe(v.string(), v.regex(/\S/, 'an entity needs a type such as "person" (not only spaces)')),
});
const Relation = v.strictObject({
  from: Entity,
  to: Entity,
  type: v.pipe(v.string(), v.regex(/\S/, 'a relation needs a type such as "works_at" (not only spaces)')),
  weight: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.5),
  since: v.optional(Iso),
});
const MemoryView = v.record(v.string(), v.unknown());

/** MemoryError codes → HTTP: unknown id 404, everything else the caller's input (400). */
function mapError(err: unknown): never {
  if (err instanceof MemoryError) {
    if (err.code === 'memory_not_found') throw notFound(err.message);
    throw badRequest(err.code, err.message);
  }
  throw err;
}

const graphOf = (memory: MemoryService) => {
  if (!memory.graph) throw new ApiError(503, 'graph_unavailable', 'no graph store is running');
  return memory.graph;
};

export function memoryRoutes(api: ApiRoutes, deps: { memory: MemoryService; logs: Logs }) {
  const { memory } = deps;
  const tag = 'memory';

  api.add(
    {
      method: 'post',
      path: '/api/memory/embeddings',
      summary: 'Store texts or items as memories (an identical memory is returned, not copied)',
      tag,
      body: v.pipe(
        v.strictObject({
          texts: v.optional(v.pipe(v.array(Text), v.maxLength(1000, 'at most 1000 texts at once'))),
          items: v.optional(v.pipe(v.array(Item), v.maxLength(1000, 'at most 1000 items at once'))),
        }),
        v.check((b) => (b.texts?.length ?? 0) + (b.items?.length ?? 0) > 0, 'send "texts" or "items"'),
      ),
      status: 201,
      response: v.object({ ids: v.array(v.string()), created: v.array(v.boolean()) }),
    },
    async (c, { body }) => {
      const items = [
        ...(body.texts ?? []).map((text) => ({ text, source: { origin: 'api' } })),
        ...(body.items ?? []).map((i) => ({ ...i, source: { origin: 'api', ...i.source } })),
      ];
      const saved = await memory.save(items).catch(mapError);
      return c.json({ ids: saved.map((s) => s.id), created: saved.map((s) => s.created) }, 201);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/memory/query',
      summary: 'Hybrid search: vector kNN + full-text fused by rank, weighted by importance and recency',
      tag,
      query: v.strictObject({
        q: v.pipe(v.string(), v.minLength(1, 'q must not be empty')),
        k: v.optional(intParam(1, 100, 'k'), '10'),
        kind: v.optional(
          v.pipe(
            v.string(),
            v.transform((s) => s.split(',')),
            v.array(Kind),
          ),
        ),
        graph: v.optional(v.picklist(['true', 'false'], 'graph must be true or false')),
      }),
      response: v.object({ hits: v.array(v.record(v.string(), v.unknown())) }),
    },
    async (c, { query }) => {
      const hits = await memory
        .query(query.q, { k: query.k, kinds: query.kind, graph: query.graph !== 'false' })
        .catch(mapError);
      return c.json({ hits });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/memory/graph',
      summary: 'Upsert entities and relations; with "around", answer that neighbourhood',
      tag,
      body: v.strictObject({
        entities: v.optional(v.array(Entity), []),
        relations: v.optional(v.array(Relation), []),
        around: v.optional(v.pipe(v.string(), v.regex(/\S/, 'around must name an entity'))),
        depth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3)), 1),
      }),
      response: v.object({
        upserted: v.object({ entities: v.number(), relations: v.number() }),
        subgraph: v.unknown(),
      }),
      errors: [503],
    },
    async (c, { body }) => {
      const graph = graphOf(memory);
      await graph.upsertEntities(body.entities);
      await graph.upsertRelations(body.relations);
      const subgraph = body.around ? await graph.subgraph({ entity: body.around }, body.depth, 200) : null;
      return c.json({ upserted: { entities: body.entities.length, relations: body.relations.length }, subgraph });
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/memory/graph/subgraph',
      summary: 'Nodes and edges within depth hops of an entity (or memory id), for the graph view',
      tag,
      query: v.strictObject({
        around: v.pipe(v.string(), v.minLength(1, 'around must name an entity or a memory id')),
        depth: v.optional(intParam(1, 3, 'depth'), '1'),
        limit: v.optional(intParam(1, 1000, 'limit'), '200'),
      }),
      response: v.object({ nodes: v.array(v.unknown()), edges: v.array(v.unknown()) }),
      errors: [503],
    },
    async (c, { query }) => {
      const graph = graphOf(memory);
      const around = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(query.around)
        ? { memoryId: query.around }
        : { entity: query.around };
      return c.json(await graph.subgraph(around, query.depth, query.limit));
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/memory/stats',
      summary: 'Counts, the embedder, re-embed progress, the graph',
      tag,
      response: MemoryView,
    },
    async (c) => c.json(await memory.stats()),
  );

  api.add(
    {
      method: 'post',
      path: '/api/memory/gc',
      summary: 'Collect now: expired memories, the least valuable beyond the cap, orphan graph nodes (never pinned)',
      tag,
      response: v.object({
        expired: v.number(),
        overCap: v.number(),
        graphOrphans: v.number(),
        graphEdges: v.number(),
        remaining: v.number(),
      }),
    },
    async (c) => {
      const report = await memory.gc();
      deps.logs.audit.info({ event: 'memory.gc', ...report }, 'memory collected');
      return c.json(report);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/memory/reembed',
      summary: 'Start (or join) re-embedding with the current model; answers at once',
      tag,
      status: 202,
      response: MemoryView,
    },
    async (c) => {
      void memory.startReembed().catch(() => {});
      return c.json((await memory.reembedStatus()) ?? {}, 202);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/memory/export',
      summary: 'Every memory with its vector and history, then the graph, as JSONL',
      tag,
    },
    (c) => {
      const lines = memory.exportLines();
      const body = new ReadableStream<Uint8Array>({
        async pull(ctrl) {
          const next = await lines.next();
          if (next.done) ctrl.close();
          else ctrl.enqueue(new TextEncoder().encode(`${next.value}\n`));
        },
      });
      return c.body(body, 200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="titan-memory-${new Date().toISOString().slice(0, 10)}.jsonl"`,
      });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/memory/import',
      summary: 'Restore a JSONL export (application/x-ndjson); existing ids are kept, not overwritten',
      tag,
      response: MemoryView,
    },
    async (c) => {
      const text = await c.req.text();
      if (text.trim() === '') throw badRequest('invalid_import', 'send the JSONL of an export as the body');
      const report = await memory.importLines(text).catch(mapError);
      deps.logs.audit.info({ event: 'memory.import', ...report }, 'memory imported');
      return c.json(report);
    },
  );

  // Last: `:id` would otherwise shadow the fixed paths above.
  const Id = v.object({ id: ULID });
  api.add(
    {
      method: 'get',
      path: `/api/memory/:id{${ULID_PATTERN}}`,
      summary: 'One memory with its history fields',
      tag,
      params: Id,
      response: MemoryView,
      errors: [404],
    },
    async (c, { params }) => c.json(await memory.get(params.id).catch(mapError)),
  );

  api.add(
    {
      method: 'patch',
      path: `/api/memory/:id{${ULID_PATTERN}}`,
      summary: 'Edit text, kind, importance, expiry, or pin it',
      tag,
      params: Id,
      body: v.strictObject({
        text: v.optional(Text),
        kind: v.optional(Kind),
        importance: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
        pinned: v.optional(v.boolean()),
        expires_at: v.optional(v.nullable(Iso)),
      }),
      response: MemoryView,
      errors: [404],
    },
    async (c, { params, body }) => c.json(await memory.patch(params.id, body).catch(mapError)),
  );

  api.add(
    {
      method: 'delete',
      path: `/api/memory/:id{${ULID_PATTERN}}`,
      summary: 'Delete a memory (and its graph node)',
      tag,
      params: Id,
      status: 204,
      errors: [404],
    },
    async (c, { params }) => {
      if (!(await memory.delete(params.id))) throw notFound(`no memory ${params.id}`);
      deps.logs.audit.info({ event: 'memory.delete', id: params.id }, 'memory deleted');
      return c.body(null, 204);
    },
  );
}
