// The GraphStore on Neo4j 5: (:Entity), (:Memory), (:File) with MENTIONS, RELATES and CONTAINS, all scoped by an `ns` property.
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { GraphEdge, GraphNode, GraphRelation, GraphStore, Subgraph } from '../types.ts';
import {
  capGraph,
  clampDepth,
  clampLimit,
  DEFAULT_NAMESPACE,
  nameKey,
  relationRow,
  uniqueEntities,
  WEIGHT_STEP,
} from './identity.ts';

export interface Neo4jGraphOptions {
  /** Every node carries `ns = namespace` and every MATCH filters on it. Default "default". */
  namespace?: string;
  /** The Neo4j database. Default "neo4j" (community edition has only that one). */
  database?: string;
}

type Rec = Record<string, unknown>;

// Composite keys, because the same memory id or entity may live in several namespaces of one server.
const SCHEMA = [
  'CREATE CONSTRAINT titan_entity_key IF NOT EXISTS FOR (e:Entity) REQUIRE (e.ns, e.key, e.type) IS UNIQUE',
  'CREATE CONSTRAINT titan_memory_id IF NOT EXISTS FOR (m:Memory) REQUIRE (m.ns, m.id) IS UNIQUE',
  'CREATE CONSTRAINT titan_file_path IF NOT EXISTS FOR (f:File) REQUIRE (f.ns, f.path) IS UNIQUE',
  'CREATE INDEX titan_entity_name IF NOT EXISTS FOR (e:Entity) ON (e.ns, e.key)',
  'CREATE INDEX titan_entity_ns IF NOT EXISTS FOR (e:Entity) ON (e.ns)',
  'CREATE INDEX titan_memory_ns IF NOT EXISTS FOR (m:Memory) ON (m.ns)',
  'CREATE INDEX titan_file_ns IF NOT EXISTS FOR (f:File) ON (f.ns)',
  'CREATE INDEX titan_relates_weight IF NOT EXISTS FOR ()-[r:RELATES]-() ON (r.weight)',
];

const MERGE_ENTITY = (v: string, row: string) =>
  `MERGE (${v}:Entity {ns: $ns, key: ${row}.key, type: ${row}.type}) ON CREATE SET ${v}.name = ${row}.name`;

// The node id both engines share (see identity.ts), computed where the ordering and the limit happen.
const NODE_ID = `CASE WHEN n:Entity THEN 'entity:' + n.type + ':' + n.key
  WHEN n:Memory THEN 'memory:' + n.id ELSE 'file:' + n.path END`;

const num = (v: unknown): number => (neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : Number(v ?? 0));

function isSchemaRace(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.includes('EquivalentSchemaRuleAlreadyExists') || code.includes('AlreadyExists');
}

export function createNeo4jGraph(driver: Driver, opts: Neo4jGraphOptions = {}): GraphStore {
  const ns = opts.namespace ?? DEFAULT_NAMESPACE;
  const database = opts.database ?? 'neo4j';

  async function read(cypher: string, params: Rec = {}): Promise<Rec[]> {
    const res = await driver.executeQuery(cypher, { ns, ...params }, { database, routing: neo4j.routing.READ });
    return res.records.map((r) => r.toObject());
  }
  async function write(cypher: string, params: Rec = {}): Promise<Rec[]> {
    const res = await driver.executeQuery(cypher, { ns, ...params }, { database });
    return res.records.map((r) => r.toObject());
  }
  /** Several statements in one transaction, so a memory never appears half-linked. */
  async function inTransaction(fn: (tx: ManagedTransaction) => Promise<void>): Promise<void> {
    const session = driver.session({ database });
    try {
      await session.executeWrite(fn);
    } finally {
      await session.close();
    }
  }

  async function countNodes(): Promise<number> {
    const [r] = await read(`CALL { MATCH (e:Entity {ns: $ns}) RETURN count(e) AS a }
      CALL { MATCH (m:Memory {ns: $ns}) RETURN count(m) AS b }
      CALL { MATCH (f:File {ns: $ns}) RETURN count(f) AS c }
      RETURN a + b + c AS total`);
    return num(r?.total);
  }

  /** Entities with neither MENTIONS nor RELATES, and files that contain no memory. Never memories. */
  async function removeOrphans(): Promise<number> {
    const [e] = await write(`MATCH (e:Entity {ns: $ns}) WHERE NOT (e)-[:MENTIONS|RELATES]-()
      WITH collect(e) AS gone FOREACH (x IN gone | DETACH DELETE x) RETURN size(gone) AS n`);
    const [f] = await write(`MATCH (f:File {ns: $ns}) WHERE NOT (f)-[:CONTAINS]->(:Memory)
      WITH collect(f) AS gone FOREACH (x IN gone | DETACH DELETE x) RETURN size(gone) AS n`);
    return num(e?.n) + num(f?.n);
  }

  async function removeWeakest(count: number): Promise<number> {
    const [r] = await write(
      `MATCH (a:Entity {ns: $ns})-[r:RELATES]->(b:Entity)
       WITH r ORDER BY r.weight ASC, r.since ASC, a.key, b.key, r.type LIMIT $count
       WITH collect(r) AS gone FOREACH (x IN gone | DELETE x) RETURN size(gone) AS n`,
      { count: neo4j.int(count) },
    );
    return num(r?.n);
  }

  async function subgraphNodes(around: { entity?: string; memoryId?: string }, depth: number, limit: number) {
    const start =
      around.memoryId !== undefined ? 'MATCH (s:Memory {ns: $ns, id: $id})' : 'MATCH (s:Entity {ns: $ns, key: $key})';
    // The depth is an integer in 0…3 from clampDepth: Cypher cannot take a pattern bound as a parameter.
    return read(
      `${start}
       MATCH p = (s)-[:MENTIONS|RELATES|CONTAINS*0..${depth}]-(n)
       WITH n, min(length(p)) AS dist
       WITH n, dist, ${NODE_ID} AS nid ORDER BY dist, nid LIMIT $limit
       RETURN elementId(n) AS eid, nid, labels(n) AS labels, n.name AS name, n.type AS type, n.path AS path`,
      { id: around.memoryId ?? null, key: nameKey(around.entity ?? ''), limit: neo4j.int(limit) },
    );
  }

  function toNode(r: Rec): GraphNode {
    const labels = r.labels as string[];
    const id = r.nid as string;
    if (labels.includes('Entity')) return { id, label: 'Entity', name: r.name as string, type: r.type as string };
    if (labels.includes('File')) return { id, label: 'File', path: r.path as string };
    return { id, label: 'Memory' };
  }

  return {
    engine: 'neo4j',

    async init() {
      for (const statement of SCHEMA) {
        try {
          await write(statement);
        } catch (err) {
          // Two processes starting together may both try to create it; the loser's error means "it exists".
          if (!isSchemaRace(err)) throw err;
        }
      }
    },

    async upsertEntities(entities) {
      const rows = uniqueEntities(entities);
      if (rows.length === 0) return;
      await write(`UNWIND $rows AS row ${MERGE_ENTITY('e', 'row')}`, { rows });
    },

    async upsertRelations(relations: GraphRelation[]) {
      if (relations.length === 0) return;
      const rows = relations.map(relationRow);
      // Weight rule: see raisedWeight in identity.ts; `since` keeps the earliest (ISO text sorts by time).
      await write(
        `UNWIND $rows AS row
         ${MERGE_ENTITY('a', 'row.from')}
         ${MERGE_ENTITY('b', 'row.to')}
         MERGE (a)-[r:RELATES {type: row.type}]->(b)
           ON CREATE SET r.weight = row.weight, r.since = row.since
           ON MATCH SET r.weight = CASE
               WHEN r.weight > row.weight THEN r.weight ELSE row.weight END + $step * row.weight,
             r.since = CASE WHEN r.since IS NULL OR row.since < r.since THEN row.since ELSE r.since END
         WITH r WHERE r.weight > 1.0 SET r.weight = 1.0`,
        { rows, step: WEIGHT_STEP },
      );
    },

    async linkMemory(memoryId, mentions, filePath) {
      const rows = uniqueEntities(mentions);
      await inTransaction(async (tx) => {
        await tx.run(
          `MERGE (m:Memory {ns: $ns, id: $id})
           WITH m UNWIND $rows AS row
           ${MERGE_ENTITY('e', 'row')}
           MERGE (m)-[:MENTIONS]->(e)`,
          { ns, id: memoryId, rows },
        );
        if (filePath === undefined) return;
        await tx.run(
          `MATCH (m:Memory {ns: $ns, id: $id})
           MERGE (f:File {ns: $ns, path: $path})
           MERGE (f)-[:CONTAINS]->(m)`,
          { ns, id: memoryId, path: filePath },
        );
      });
    },

    async removeMemory(memoryId) {
      await write('MATCH (m:Memory {ns: $ns, id: $id}) DETACH DELETE m', { id: memoryId });
    },

    async memoriesAround(entityNames, depth, limit) {
      const keys = [...new Set(entityNames.map(nameKey).filter(Boolean))];
      const max = clampLimit(limit);
      if (keys.length === 0 || max === 0) return [];
      // Nearest first: a memory's distance is that of the closest entity it mentions.
      const rows = await read(
        `MATCH (s:Entity {ns: $ns}) WHERE s.key IN $keys
         MATCH p = (s)-[:RELATES*0..${clampDepth(depth)}]-(e:Entity)
         WITH e, min(length(p)) AS d
         MATCH (m:Memory {ns: $ns})-[:MENTIONS]->(e)
         WITH m.id AS id, min(d) AS d
         RETURN id ORDER BY d, id LIMIT $limit`,
        { keys, limit: neo4j.int(max) },
      );
      return rows.map((r) => r.id as string);
    },

    async subgraph(around, depth, limit): Promise<Subgraph> {
      const max = clampLimit(limit);
      if (max === 0 || (around.memoryId === undefined && !nameKey(around.entity ?? '')))
        return { nodes: [], edges: [] };
      const found = await subgraphNodes(around, clampDepth(depth), max);
      const nodes = found.map(toNode);
      const eids = found.map((r) => r.eid as string);
      const rels = await read(
        `MATCH (a)-[r:MENTIONS|RELATES|CONTAINS]->(b)
         WHERE elementId(a) IN $eids AND elementId(b) IN $eids
         RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS kind, r.type AS type, r.weight AS weight`,
        { eids },
      );
      const idOf = new Map(found.map((r) => [r.eid as string, r.nid as string]));
      const edges = rels.map((r): GraphEdge => {
        const edge: GraphEdge = {
          from: idOf.get(r.a as string) ?? '',
          to: idOf.get(r.b as string) ?? '',
          kind: r.kind as GraphEdge['kind'],
        };
        if (r.kind === 'RELATES') Object.assign(edge, { type: r.type as string, weight: num(r.weight) });
        return edge;
      });
      return { nodes, edges };
    },

    async stats() {
      const [r] = await read(`CALL { MATCH (e:Entity {ns: $ns}) RETURN count(e) AS entities }
        CALL { MATCH (m:Memory {ns: $ns}) RETURN count(m) AS memories }
        CALL { MATCH (f:File {ns: $ns}) RETURN count(f) AS files }
        CALL { MATCH (:Entity {ns: $ns})-[r:RELATES]->(:Entity) RETURN count(r) AS relations }
        RETURN entities, memories, files, relations`);
      return {
        entities: num(r?.entities),
        memories: num(r?.memories),
        files: num(r?.files),
        relations: num(r?.relations),
      };
    },

    gc(maxNodes) {
      return capGraph(maxNodes, { countNodes, removeWeakest, removeOrphans });
    },

    async exportAll() {
      const [entities, relations, mentions, files] = await Promise.all([
        read('MATCH (e:Entity {ns: $ns}) RETURN e.name AS name, e.type AS type ORDER BY e.type, e.key'),
        read(`MATCH (a:Entity {ns: $ns})-[r:RELATES]->(b:Entity)
          RETURN a.name AS an, a.type AS at, b.name AS bn, b.type AS bt, r.type AS type, r.weight AS weight, r.since AS since
          ORDER BY a.type, a.key, b.type, b.key, r.type`),
        read(`MATCH (m:Memory {ns: $ns})-[:MENTIONS]->(e:Entity)
          RETURN m.id AS id, e.name AS name, e.type AS type ORDER BY m.id, e.type, e.key`),
        read(
          'MATCH (f:File {ns: $ns})-[:CONTAINS]->(m:Memory) RETURN f.path AS path, m.id AS id ORDER BY f.path, m.id',
        ),
      ]);
      return {
        entities: entities.map((r) => ({ name: r.name as string, type: r.type as string })),
        relations: relations.map((r) => ({
          from: { name: r.an as string, type: r.at as string },
          to: { name: r.bn as string, type: r.bt as string },
          type: r.type as string,
          weight: num(r.weight),
          since: r.since as string,
        })),
        mentions: mentions.map((r) => ({
          memoryId: r.id as string,
          entity: { name: r.name as string, type: r.type as string },
        })),
        files: files.map((r) => ({ path: r.path as string, memoryId: r.id as string })),
      };
    },

    // The driver belongs to the engines (daemon/storage/engines.ts), which close it.
    async close() {},
  };
}
