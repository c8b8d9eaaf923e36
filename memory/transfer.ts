// Backup and restore as JSONL: a header, every memory with its vector and history, then the graph. Import keeps ids
// and history; vectors are reused when the model and dims match and re-embedded otherwise.
import * as v from 'valibot';
import { MemoryError } from './errors/memoryError.ts';
import { contentHash, MEMORY_COLUMNS, MEMORY_KINDS, toMemory } from './record.ts';
import type { MemoryStore } from './store.ts';
import type { GraphEntity, GraphRelation, GraphStore } from './types.ts';
import { parseVector, writeVectors } from './vectors.ts';

export const FORMAT = 'titan-memory';

/** The export, line by line, a page of memories at a time so a big store never sits in memory at once. */
export async function* exportLines(store: MemoryStore, graph: GraphStore | null, page = 500): AsyncGenerator<string> {
  const { model, dimensions } = store.embedder;
  yield JSON.stringify({ type: 'header', format: FORMAT, version: 1, model, dimensions, exported_at: new Date() });
  let after = '';
  for (;;) {
    const rows = await store.sql.query(
      `SELECT ${MEMORY_COLUMNS.replace(/(\w+)/g, 'm.$1')}, v.embedding::text AS embedding
       FROM memories m LEFT JOIN ${store.table} v ON v.memory_id = m.id AND v.model = $3
       WHERE m.id > $1 ORDER BY m.id LIMIT $2`,
      [after, page, model],
    );
    for (const r of rows) {
      yield JSON.stringify({
        type: 'memory',
        ...toMemory(r),
        embedding: r.embedding ? parseVector(r.embedding as string) : null,
      });
    }
    if (rows.length < page) break;
    after = rows[rows.length - 1]?.id as string;
  }
  if (!graph) return;
  const g = await graph.exportAll();
  // Nested, because entities and relations have a `type` of their own.
  for (const e of g.entities) yield JSON.stringify({ type: 'entity', entity: e });
  for (const r of g.relations) yield JSON.stringify({ type: 'relation', relation: r });
  for (const m of g.mentions) yield JSON.stringify({ type: 'mention', memoryId: m.memoryId, entity: m.entity });
  for (const f of g.files) yield JSON.stringify({ type: 'file', path: f.path, memoryId: f.memoryId });
}

const Entity = v.object({ name: v.pipe(v.string(), v.minLength(1)), type: v.string() });
const Line = v.variant('type', [
  v.object({ type: v.literal('header'), format: v.literal(FORMAT), model: v.string(), dimensions: v.number() }),
  v.object({
    type: v.literal('memory'),
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
    kind: v.picklist(MEMORY_KINDS),
    text: v.string(),
    embedding: v.nullish(v.array(v.number())),
  }),
  v.object({ type: v.literal('entity'), entity: Entity }),
  v.object({
    type: v.literal('relation'),
    relation: v.object({
      from: Entity,
      to: Entity,
      type: v.string(),
      weight: v.number(),
      since: v.optional(v.string()),
    }),
  }),
  v.object({ type: v.literal('mention'), memoryId: v.string(), entity: Entity }),
  v.object({ type: v.literal('file'), path: v.string(), memoryId: v.string() }),
]);

export interface ImportReport {
  memories: number;
  skipped: number;
  reembedded: number;
  entities: number;
  relations: number;
  mentions: number;
}

/** Parses every line first, so a bad file changes nothing; then restores memories, vectors and graph. */
export async function importLines(store: MemoryStore, graph: GraphStore | null, text: string): Promise<ImportReport> {
  const parsed = text
    .split('\n')
    .map((l, i) => ({ l: l.trim(), n: i + 1 }))
    .filter((x) => x.l !== '')
    .map(({ l, n }) => {
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(l);
      } catch {
        throw new MemoryError('invalid_import', `line ${n} is not JSON`);
      }
      const r = v.safeParse(Line, raw);
      if (!r.success) throw new MemoryError('invalid_import', `line ${n}: ${r.issues[0]?.message ?? 'invalid'}`);
      return raw;
    });
  const header = parsed[0];
  if (header?.type !== 'header') throw new MemoryError('invalid_import', 'line 1 must be the titan-memory header');
  const sameModel = header.model === store.embedder.model && header.dimensions === store.embedder.dimensions;
  const mems = parsed.filter((r) => r.type === 'memory');
  for (const m of mems) store.checkText(m.text as string);
  const report: ImportReport = { memories: 0, skipped: 0, reembedded: 0, entities: 0, relations: 0, mentions: 0 };
  for (let i = 0; i < mems.length; i += 500) {
    const chunk = mems.slice(i, i + 500);
    const inserted = await insertRows(store, chunk);
    report.memories += inserted.size;
    report.skipped += chunk.length - inserted.size;
    const mine = chunk.filter((m) => inserted.has(m.id as string));
    const reuse = mine.filter((m) => sameModel && Array.isArray(m.embedding));
    const redo = mine.filter((m) => !(sameModel && Array.isArray(m.embedding)));
    for (const m of reuse) store.checkVector(m.embedding as number[]);
    const fresh = redo.length ? await store.embedder.embed(redo.map((m) => m.text as string)) : [];
    report.reembedded += redo.length;
    await writeVectors(store.sql, store.table, store.embedder.model, [
      ...reuse.map((m) => ({ id: m.id as string, embedding: m.embedding as number[] })),
      ...redo.map((m, j) => ({ id: m.id as string, embedding: fresh[j] as number[] })),
    ]);
  }
  // Links last: a memory may supersede one that came later in the file.
  await store.sql.query(
    `UPDATE memories m SET supersedes = r.supersedes FROM jsonb_to_recordset($1::jsonb) AS r(id text, supersedes text)
     WHERE m.id = r.id AND r.supersedes IS NOT NULL AND EXISTS (SELECT 1 FROM memories o WHERE o.id = r.supersedes)`,
    [JSON.stringify(mems.map((m) => ({ id: m.id, supersedes: m.supersedes ?? null })))],
  );
  if (graph) await importGraph(graph, parsed, report);
  return report;
}

async function insertRows(store: MemoryStore, rows: Record<string, unknown>[]): Promise<Set<string>> {
  const now = new Date().toISOString();
  const inserted = await store.sql.query<{ id: string }>(
    `INSERT INTO memories (id, kind, text, slot, source, provenance, importance, pinned, created_at, updated_at,
       last_accessed_at, access_count, valid_from, valid_to, expires_at, content_hash)
     SELECT id, kind, text, slot, COALESCE(source, '{}'), COALESCE(provenance, '[]'), COALESCE(importance, 0.5),
       COALESCE(pinned, false), COALESCE(created_at, $2::timestamptz), COALESCE(updated_at, $2::timestamptz),
       last_accessed_at, COALESCE(access_count, 0), COALESCE(valid_from, $2::timestamptz), valid_to, expires_at, content_hash
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, kind text, text text, slot text, source jsonb, provenance jsonb,
       importance float8, pinned bool, created_at timestamptz, updated_at timestamptz, last_accessed_at timestamptz,
       access_count int, valid_from timestamptz, valid_to timestamptz, expires_at timestamptz, content_hash text)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      JSON.stringify(rows.map((r) => ({ ...r, text: store.checkText(r.text as string), content_hash: hashOf(r) }))),
      now,
    ],
  );
  return new Set(inserted.map((r) => r.id));
}

const hashOf = (r: Record<string, unknown>) =>
  typeof r.content_hash === 'string' && /^[0-9a-f]{64}$/.test(r.content_hash)
    ? r.content_hash
    : contentHash(r.text as string);

async function importGraph(graph: GraphStore, rows: Record<string, unknown>[], report: ImportReport): Promise<void> {
  const of = <T>(type: string, pick: (r: Record<string, unknown>) => T) =>
    rows.filter((r) => r.type === type).map(pick);
  const entities = of('entity', (r) => r.entity as GraphEntity);
  const relations = of('relation', (r) => r.relation as GraphRelation);
  await graph.upsertEntities(entities);
  await graph.upsertRelations(relations);
  const byMemory = new Map<string, { mentions: GraphEntity[]; path?: string }>();
  const slot = (id: string) =>
    byMemory.get(id) ?? (byMemory.set(id, { mentions: [] }).get(id) as { mentions: GraphEntity[]; path?: string });
  for (const r of of('mention', (r) => r)) slot(r.memoryId as string).mentions.push(r.entity as GraphEntity);
  for (const r of of('file', (r) => r)) slot(r.memoryId as string).path = r.path as string;
  for (const [id, m] of byMemory) await graph.linkMemory(id, m.mentions, m.path);
  report.entities = entities.length;
  report.relations = relations.length;
  report.mentions = byMemory.size;
}
