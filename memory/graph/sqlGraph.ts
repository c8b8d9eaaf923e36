// The GraphStore on the Sql interface (PGlite embedded, or Postgres): the graph_* tables of migration 004.
import type { Sql, SqlQueryable } from '../../daemon/storage/sql.ts';
import type { GraphEdge, GraphEntity, GraphNode, GraphRelation, GraphStore, Subgraph } from '../types.ts';
import {
  capGraph,
  clampDepth,
  clampLimit,
  DEFAULT_NAMESPACE,
  type EntityRow,
  entityNodeId,
  nameKey,
  relationRow,
  uniqueEntities,
  WEIGHT_STEP,
} from './identity.ts';
import {
  DELETE_ORPHAN_ENTITIES,
  DELETE_ORPHAN_FILES,
  DELETE_WEAKEST,
  MEMORIES_AROUND,
  STATS,
  SUBGRAPH_FROM_ENTITY,
  SUBGRAPH_FROM_MEMORY,
  UPSERT_RELATION,
} from './sqlQueries.ts';

export interface SqlGraphOptions {
  /** Every row carries this namespace and every query filters on it. Default "default". */
  namespace?: string;
}

interface WalkRow {
  kind: 'e' | 'm' | 'f';
  eid: number | null;
  ref: string | null;
  name: string | null;
  type: string | null;
  nid: string;
}

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

/** Inserts the entities that are new and returns the row id of each, by node id. */
async function ensureEntities(db: SqlQueryable, ns: string, rows: EntityRow[]): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const keys = rows.map((r) => r.key);
  const types = rows.map((r) => r.type);
  await db.query(
    `INSERT INTO graph_entities (namespace, key, type, name)
     SELECT $1, k, t, n FROM unnest($2::text[], $3::text[], $4::text[]) AS u(k, t, n)
     ON CONFLICT (namespace, key, type) DO NOTHING`,
    [ns, keys, types, rows.map((r) => r.name)],
  );
  const found = await db.query<{ id: number; key: string; type: string }>(
    `SELECT e.id, e.key, e.type FROM graph_entities e
     JOIN unnest($2::text[], $3::text[]) AS u(k, t) ON e.key = u.k AND e.type = u.t
     WHERE e.namespace = $1`,
    [ns, keys, types],
  );
  return new Map(found.map((r) => [entityNodeId(r.type, r.key), Number(r.id)]));
}

function idOf(ids: Map<string, number>, row: EntityRow): number {
  const id = ids.get(entityNodeId(row.type, row.key));
  if (id === undefined) throw new Error(`entity ${row.type}:${row.key} vanished during the upsert`);
  return id;
}

function toNode(r: WalkRow): GraphNode {
  if (r.kind === 'e') return { id: r.nid, label: 'Entity', name: r.name ?? '', type: r.type ?? '' };
  if (r.kind === 'f') return { id: r.nid, label: 'File', path: r.ref ?? '' };
  return { id: r.nid, label: 'Memory' };
}

/** The MENTIONS, RELATES and CONTAINS edges whose two ends are both among the picked nodes. */
async function edgesAmong(sql: Sql, ns: string, picked: WalkRow[]): Promise<GraphEdge[]> {
  const nidOfEntity = new Map(picked.filter((r) => r.kind === 'e').map((r) => [Number(r.eid), r.nid]));
  const eids = [...nidOfEntity.keys()];
  const mids = picked.filter((r) => r.kind === 'm').map((r) => r.ref ?? '');
  const paths = picked.filter((r) => r.kind === 'f').map((r) => r.ref ?? '');
  const [rels, mentions, contains] = await Promise.all([
    sql.query<{ from_id: number; to_id: number; type: string; weight: number }>(
      'SELECT from_id, to_id, type, weight FROM graph_relations WHERE from_id = ANY($1::bigint[]) AND to_id = ANY($1::bigint[])',
      [eids],
    ),
    sql.query<{ memory_id: string; entity_id: number }>(
      `SELECT memory_id, entity_id FROM graph_mentions
       WHERE namespace = $1 AND memory_id = ANY($2::text[]) AND entity_id = ANY($3::bigint[])`,
      [ns, mids, eids],
    ),
    sql.query<{ path: string; memory_id: string }>(
      'SELECT path, memory_id FROM graph_contains WHERE namespace = $1 AND path = ANY($2::text[]) AND memory_id = ANY($3::text[])',
      [ns, paths, mids],
    ),
  ]);
  const ent = (id: number) => nidOfEntity.get(Number(id)) ?? '';
  return [
    ...mentions.map((m): GraphEdge => ({ from: `memory:${m.memory_id}`, to: ent(m.entity_id), kind: 'MENTIONS' })),
    ...rels.map(
      (r): GraphEdge => ({
        from: ent(r.from_id),
        to: ent(r.to_id),
        kind: 'RELATES',
        type: r.type,
        weight: Number(r.weight),
      }),
    ),
    ...contains.map((c): GraphEdge => ({ from: `file:${c.path}`, to: `memory:${c.memory_id}`, kind: 'CONTAINS' })),
  ];
}

export function createSqlGraph(sql: Sql, opts: SqlGraphOptions = {}): GraphStore {
  const ns = opts.namespace ?? DEFAULT_NAMESPACE;
  const count = async (text: string, params: unknown[]) =>
    Number((await sql.query<{ n: number }>(text, params))[0]?.n ?? 0);

  const countNodes = async () => {
    const [s] = await sql.query<{ entities: number; memories: number; files: number }>(STATS, [ns]);
    return Number(s?.entities ?? 0) + Number(s?.memories ?? 0) + Number(s?.files ?? 0);
  };
  const removeOrphans = async () =>
    (await count(DELETE_ORPHAN_ENTITIES, [ns])) + (await count(DELETE_ORPHAN_FILES, [ns]));

  return {
    engine: 'sql',

    // The tables come from migration 004, which daemon start-up (migrate) has applied.
    async init() {},

    async upsertEntities(entities: GraphEntity[]) {
      await ensureEntities(sql, ns, uniqueEntities(entities));
    },

    async upsertRelations(relations: GraphRelation[]) {
      if (relations.length === 0) return;
      const rows = relations.map(relationRow);
      await sql.transaction(async (tx) => {
        const ids = await ensureEntities(tx, ns, uniqueEntities(rows.flatMap((r) => [r.from, r.to])));
        // One at a time: a batch may hold the same relation twice, which one INSERT … ON CONFLICT refuses.
        for (const r of rows) {
          await tx.query(UPSERT_RELATION, [
            ns,
            idOf(ids, r.from),
            idOf(ids, r.to),
            r.type,
            r.weight,
            r.since,
            WEIGHT_STEP,
          ]);
        }
      });
    },

    async linkMemory(memoryId, mentions, filePath) {
      const rows = uniqueEntities(mentions);
      await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO graph_memories (namespace, id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          ns,
          memoryId,
        ]);
        const ids = await ensureEntities(tx, ns, rows);
        await tx.query(
          `INSERT INTO graph_mentions (namespace, memory_id, entity_id)
           SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING`,
          [ns, memoryId, rows.map((r) => idOf(ids, r))],
        );
        if (filePath === undefined) return;
        await tx.query('INSERT INTO graph_files (namespace, path) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          ns,
          filePath,
        ]);
        await tx.query(
          'INSERT INTO graph_contains (namespace, path, memory_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [ns, filePath, memoryId],
        );
      });
    },

    async removeMemory(memoryId) {
      // Its MENTIONS and CONTAINS rows go with it (ON DELETE CASCADE).
      await sql.query('DELETE FROM graph_memories WHERE namespace = $1 AND id = $2', [ns, memoryId]);
    },

    async memoriesAround(entityNames, depth, limit) {
      const keys = [...new Set(entityNames.map(nameKey).filter(Boolean))];
      const max = clampLimit(limit);
      if (keys.length === 0 || max === 0) return [];
      const rows = await sql.query<{ id: string }>(MEMORIES_AROUND, [ns, keys, clampDepth(depth), max]);
      return rows.map((r) => r.id);
    },

    async subgraph(around, depth, limit): Promise<Subgraph> {
      const max = clampLimit(limit);
      const key = nameKey(around.entity ?? '');
      if (max === 0 || (around.memoryId === undefined && !key)) return { nodes: [], edges: [] };
      const [text, start] =
        around.memoryId !== undefined ? [SUBGRAPH_FROM_MEMORY, around.memoryId] : [SUBGRAPH_FROM_ENTITY, key];
      const picked = await sql.query<WalkRow>(text, [ns, clampDepth(depth), max, start]);
      return { nodes: picked.map(toNode), edges: await edgesAmong(sql, ns, picked) };
    },

    async stats() {
      const [s] = await sql.query<Record<'entities' | 'memories' | 'files' | 'relations', number>>(STATS, [ns]);
      return {
        entities: Number(s?.entities ?? 0),
        memories: Number(s?.memories ?? 0),
        files: Number(s?.files ?? 0),
        relations: Number(s?.relations ?? 0),
      };
    },

    gc(maxNodes) {
      return capGraph(maxNodes, {
        countNodes,
        removeWeakest: (n) => count(DELETE_WEAKEST, [ns, n]),
        removeOrphans,
      });
    },

    async exportAll() {
      const [entities, relations, mentions, files] = await Promise.all([
        sql.query<GraphEntity>(
          'SELECT name, type FROM graph_entities WHERE namespace = $1 ORDER BY type COLLATE "C", key COLLATE "C"',
          [ns],
        ),
        sql.query<{ an: string; at: string; bn: string; bt: string; type: string; weight: number; since: Date }>(
          `SELECT a.name AS an, a.type AS at, b.name AS bn, b.type AS bt, r.type, r.weight, r.since
           FROM graph_relations r JOIN graph_entities a ON a.id = r.from_id JOIN graph_entities b ON b.id = r.to_id
           WHERE r.namespace = $1
           ORDER BY a.type COLLATE "C", a.key COLLATE "C", b.type COLLATE "C", b.key COLLATE "C", r.type COLLATE "C"`,
          [ns],
        ),
        sql.query<{ id: string; name: string; type: string }>(
          `SELECT m.memory_id AS id, e.name, e.type FROM graph_mentions m JOIN graph_entities e ON e.id = m.entity_id
           WHERE m.namespace = $1 ORDER BY m.memory_id COLLATE "C", e.type COLLATE "C", e.key COLLATE "C"`,
          [ns],
        ),
        sql.query<{ path: string; id: string }>(
          `SELECT path, memory_id AS id FROM graph_contains WHERE namespace = $1
           ORDER BY path COLLATE "C", memory_id COLLATE "C"`,
          [ns],
        ),
      ]);
      return {
        entities: entities.map((r) => ({ name: r.name, type: r.type })),
        relations: relations.map((r) => ({
          from: { name: r.an, type: r.at },
          to: { name: r.bn, type: r.bt },
          type: r.type,
          weight: Number(r.weight),
          since: iso(r.since),
        })),
        mentions: mentions.map((r) => ({ memoryId: r.id, entity: { name: r.name, type: r.type } })),
        files: files.map((r) => ({ path: r.path, memoryId: r.id })),
      };
    },

    // The Sql engine belongs to the engines (daemon/storage/engines.ts), which close it.
    async close() {},
  };
}
