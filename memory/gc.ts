// Memory GC: drops expired memories, then — beyond the cap — those with the lowest importance × recency × use,
// then orphan graph nodes and, beyond the graph's own cap, its weakest relations. Pinned memories are never collected.
// Runs on a timer and from the API; reports counts.
import type { MemoryStore } from './store.ts';
import type { GraphStore } from './types.ts';

export interface GcReport {
  expired: number;
  overCap: number;
  graphOrphans: number;
  graphEdges: number;
  remaining: number;
}

/** Superseded history counts half: it is what a full store gives up first. */
const KEEP_SCORE = `importance
  * power(0.5, extract(epoch FROM now() - COALESCE(last_accessed_at, updated_at)) / 86400.0 / 30)
  * ln(2 + access_count)
  * CASE WHEN valid_to IS NULL THEN 1 ELSE 0.5 END`;

/** `graphCap` (config limits.graph_nodes) bounds entities + memories + files in the graph; default 5 × `cap`. */
export async function collectGarbage(
  store: MemoryStore,
  graph: GraphStore | null,
  cap: number,
  graphCap = cap * 5,
): Promise<GcReport> {
  const expired = await store.sql.query<{ id: string }>(
    'DELETE FROM memories WHERE expires_at <= now() AND NOT pinned RETURNING id',
  );
  const [{ n } = { n: 0 }] = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM memories');
  let overCap: { id: string }[] = [];
  if (n > cap) {
    overCap = await store.sql.query<{ id: string }>(
      `DELETE FROM memories WHERE id IN (
         SELECT id FROM memories WHERE NOT pinned ORDER BY ${KEEP_SCORE} ASC, created_at ASC LIMIT $1)
       RETURNING id`,
      [n - cap],
    );
  }
  let graphOrphans = 0;
  let graphEdges = 0;
  if (graph) {
    for (const { id } of [...expired, ...overCap]) await graph.removeMemory(id);
    ({ orphansRemoved: graphOrphans, edgesRemoved: graphEdges } = await graph.gc(graphCap));
  }
  return {
    expired: expired.length,
    overCap: overCap.length,
    graphOrphans,
    graphEdges,
    remaining: n - overCap.length,
  };
}
