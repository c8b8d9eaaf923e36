// The SQL graph engine's longer statements: recursive walks over the graph_* tables of migration 004.
// $1 is always the namespace. Node ids are built as in identity.ts; ids sort with COLLATE "C" like Neo4j's strings.

/** Memory ids mentioning any entity within $3 RELATES hops (either direction) of the keys $2; nearest first, $4 at most. */
export const MEMORIES_AROUND = `
WITH RECURSIVE walk(id, d) AS (
  SELECT id, 0 FROM graph_entities WHERE namespace = $1 AND key = ANY($2::text[])
  UNION
  SELECT n.id, w.d + 1 FROM walk w
  CROSS JOIN LATERAL (
    SELECT r.to_id FROM graph_relations r WHERE r.from_id = w.id
    UNION ALL
    SELECT r.from_id FROM graph_relations r WHERE r.to_id = w.id
  ) AS n(id)
  WHERE w.d < $3
), near AS (SELECT id, min(d) AS d FROM walk GROUP BY id)
SELECT m.memory_id AS id FROM graph_mentions m JOIN near ON near.id = m.entity_id
GROUP BY m.memory_id
ORDER BY min(near.d), m.memory_id COLLATE "C"
LIMIT $4`;

/**
 * Nodes within $2 hops of a start node over every edge kind, nearest first, at most $3. A node is
 * (kind, eid, ref): entities by their bigint id, memories and files by their text id/path.
 */
function subgraphWalk(start: string): string {
  return `
WITH RECURSIVE walk(kind, eid, ref, d) AS (
  ${start}
  UNION
  SELECT n.kind, n.eid, n.ref, w.d + 1 FROM walk w
  CROSS JOIN LATERAL (
    SELECT 'e'::text, r.to_id, NULL::text FROM graph_relations r WHERE w.kind = 'e' AND r.from_id = w.eid
    UNION ALL
    SELECT 'e', r.from_id, NULL FROM graph_relations r WHERE w.kind = 'e' AND r.to_id = w.eid
    UNION ALL
    SELECT 'm', NULL, mn.memory_id FROM graph_mentions mn WHERE w.kind = 'e' AND mn.entity_id = w.eid
    UNION ALL
    SELECT 'e', mn.entity_id, NULL FROM graph_mentions mn
      WHERE w.kind = 'm' AND mn.namespace = $1 AND mn.memory_id = w.ref
    UNION ALL
    SELECT 'f', NULL, c.path FROM graph_contains c WHERE w.kind = 'm' AND c.namespace = $1 AND c.memory_id = w.ref
    UNION ALL
    SELECT 'm', NULL, c.memory_id FROM graph_contains c WHERE w.kind = 'f' AND c.namespace = $1 AND c.path = w.ref
  ) AS n(kind, eid, ref)
  WHERE w.d < $2
), near AS (SELECT kind, eid, ref, min(d) AS d FROM walk GROUP BY kind, eid, ref)
SELECT kind, eid, ref, name, type, nid FROM (
  SELECT near.kind, near.eid, near.ref, near.d, e.name, e.type,
    CASE near.kind WHEN 'e' THEN 'entity:' || e.type || ':' || e.key
      WHEN 'm' THEN 'memory:' || near.ref ELSE 'file:' || near.ref END AS nid
  FROM near LEFT JOIN graph_entities e ON e.id = near.eid
) AS picked
ORDER BY d, nid COLLATE "C"
LIMIT $3`;
}

/** $4: the entity key (every type with that name is a start node). */
export const SUBGRAPH_FROM_ENTITY = subgraphWalk(
  `SELECT 'e'::text, id, NULL::text, 0 FROM graph_entities WHERE namespace = $1 AND key = $4`,
);

/** $4: the memory id. */
export const SUBGRAPH_FROM_MEMORY = subgraphWalk(
  `SELECT 'm'::text, NULL::bigint, id, 0 FROM graph_memories WHERE namespace = $1 AND id = $4`,
);

/** Deletes entities with neither MENTIONS nor RELATES; returns how many. */
export const DELETE_ORPHAN_ENTITIES = `
WITH gone AS (
  DELETE FROM graph_entities e WHERE e.namespace = $1
    AND NOT EXISTS (SELECT 1 FROM graph_mentions m WHERE m.entity_id = e.id)
    AND NOT EXISTS (SELECT 1 FROM graph_relations r WHERE r.from_id = e.id)
    AND NOT EXISTS (SELECT 1 FROM graph_relations r WHERE r.to_id = e.id)
  RETURNING 1
) SELECT count(*)::int AS n FROM gone`;

/** Deletes files that contain no memory; returns how many. */
export const DELETE_ORPHAN_FILES = `
WITH gone AS (
  DELETE FROM graph_files f WHERE f.namespace = $1
    AND NOT EXISTS (SELECT 1 FROM graph_contains c WHERE c.namespace = f.namespace AND c.path = f.path)
  RETURNING 1
) SELECT count(*)::int AS n FROM gone`;

/** Deletes the $2 weakest RELATES edges (ties: the oldest first, then by endpoint keys), as Neo4j's engine does. */
export const DELETE_WEAKEST = `
WITH weak AS (
  SELECT r.from_id, r.to_id, r.type FROM graph_relations r
  JOIN graph_entities a ON a.id = r.from_id
  JOIN graph_entities b ON b.id = r.to_id
  WHERE r.namespace = $1
  ORDER BY r.weight, r.since, a.key COLLATE "C", b.key COLLATE "C", r.type COLLATE "C"
  LIMIT $2
), gone AS (
  DELETE FROM graph_relations r USING weak
  WHERE r.from_id = weak.from_id AND r.to_id = weak.to_id AND r.type = weak.type
  RETURNING 1
) SELECT count(*)::int AS n FROM gone`;

/** Inserts or strengthens one relation: the weight rule of identity.ts's raisedWeight; `since` keeps the earliest. */
export const UPSERT_RELATION = `
INSERT INTO graph_relations AS r (namespace, from_id, to_id, type, weight, since)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (from_id, to_id, type) DO UPDATE SET
  weight = LEAST(1, GREATEST(r.weight, EXCLUDED.weight) + $7::float8 * EXCLUDED.weight),
  since = LEAST(r.since, EXCLUDED.since)`;

export const STATS = `
SELECT
  (SELECT count(*)::int FROM graph_entities WHERE namespace = $1) AS entities,
  (SELECT count(*)::int FROM graph_memories WHERE namespace = $1) AS memories,
  (SELECT count(*)::int FROM graph_files WHERE namespace = $1) AS files,
  (SELECT count(*)::int FROM graph_relations WHERE namespace = $1) AS relations`;
