// hybridQuery: vector kNN and full-text ranked separately, fused by reciprocal rank, then weighted by importance and
// recency; graph neighbours of the entities a query names can widen it. Each hit carries provenance and score parts.
import type { Memory, MemoryKind, MemorySource } from './record.ts';
import { ACTIVE, type MemoryStore } from './store.ts';
import { rankingTiers } from './textQuery.ts';
import type { GraphStore } from './types.ts';
import { vectorLiteral } from './vectors.ts';

export interface QueryOptions {
  k: number;
  kinds?: MemoryKind[];
  /** Add memories mentioning graph neighbours of entities named in the query. Default: true when a graph is given. */
  graph?: boolean;
  /** Count the hits as accessed. Default: true. */
  touch?: boolean;
}

export interface RetrieveTuning {
  /** RRF's k: smaller lets the top ranks count more. Default: 20. */
  rrfK: number;
  /** Candidates each ranker returns, at least. Default: 50. */
  candidates: number;
  /**
   * HNSW's search width (`hnsw.ef_search`) at 100,000 memories: wider finds more of the true nearest neighbours and
   * costs time. A store of N memories searches efSearch × (N / 100,000)^0.86 wide, within [100, 1000] and never
   * below the candidate count — the width a given recall needs grows with the store. With the offline embedder and
   * the index of memory/vectors.ts that is recall@10 ≈ 0.97 against an exact scan at both 20,000 (width 150) and
   * 100,000 memories (600); see bench/memory.bench.ts. Default: 600.
   */
  efSearch: number;
  /**
   * Rows full-text ranking scores at most, taken from the strictest tier first (rows holding ≥ 3 of the query's
   * terms, then ≥ 2, then any): ts_rank_cd costs ~10 µs a row, and one common word can match thousands. Default: 150.
   */
  textCandidates: number;
  /** How much importance (0–1) can lift a score: × (1 + w·importance). Default: 0.2. */
  importanceWeight: number;
  /** How much recency (1 now → 0 long ago) can lift a score. Default: 0.1. */
  recencyWeight: number;
  /** Days for recency to halve. Default: 30. */
  recencyHalfLifeDays: number;
  /** A graph-only hit counts as this fraction of a ranked one. Default: 0.5. */
  graphWeight: number;
}

export const DEFAULT_TUNING: RetrieveTuning = {
  rrfK: 20,
  candidates: 50,
  efSearch: 600,
  textCandidates: 150,
  importanceWeight: 0.2,
  recencyWeight: 0.1,
  recencyHalfLifeDays: 30,
  graphWeight: 0.5,
};

export interface ScoreParts {
  vector: { rank: number; similarity: number } | null;
  text: { rank: number; score: number } | null;
  graph: { rank: number } | null;
  rrf: number;
  importance: number;
  recency: number;
  final: number;
}

export interface Hit {
  memory: Memory;
  score: number;
  parts: ScoreParts;
  provenance: { memory_id: string; kind: MemoryKind; source: MemorySource; sources: MemorySource[] };
}

/** Memory ids best first, with the ranker's own score (cosine similarity, or ts_rank_cd). */
export type Ranked = { id: string; value: number }[];

/** The HNSW search width for a table of `rows` vectors (see RetrieveTuning.efSearch). */
export function efSearchFor(rows: number, tuning: RetrieveTuning = DEFAULT_TUNING): number {
  const scaled = tuning.efSearch * (Math.max(rows, 0) / 100_000) ** 0.86;
  return Math.min(1000, Math.max(100, Math.round(scaled)));
}

// Row counts of vector tables, refreshed at most once a minute: a count of 100,000 rows costs a few milliseconds.
const ROWS_TTL_MS = 60_000;
const rowCounts = new WeakMap<MemoryStore, { rows: number; at: number }>();

/** How many vectors the store's table holds, cached for a minute. */
export async function vectorRows(store: MemoryStore): Promise<number> {
  const cached = rowCounts.get(store);
  if (cached && Date.now() - cached.at < ROWS_TTL_MS) return cached.rows;
  const [row] = await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.table}`);
  const rows = Number(row?.n ?? 0);
  rowCounts.set(store, { rows, at: Date.now() });
  return rows;
}

/** pgvector refuses a larger `hnsw.ef_search`. */
const HNSW_MAX_EF_SEARCH = 1000;

/** The `n` active memories nearest to a vector by the HNSW index, searched `efSearch` wide (at least `n`). */
export async function vectorRanks(
  store: MemoryStore,
  vector: number[],
  n: number,
  efSearch: number,
  kinds?: MemoryKind[],
): Promise<Ranked> {
  // HNSW returns at most ef_search rows, so it must be at least the candidate count — up to pgvector's limit of 1000
  // (a wider request, e.g. a file search for 100 files, gets the 1000 nearest).
  const ef = Math.min(HNSW_MAX_EF_SEARCH, Math.max(Math.round(efSearch), n));
  return store.sql.transaction(async (tx) => {
    await tx.exec(`SET LOCAL hnsw.ef_search = ${ef}`);
    const rows = await tx.query<{ id: string; distance: number }>(
      `WITH knn AS (
         SELECT memory_id, embedding <=> $1::halfvec AS distance FROM ${store.table}
         ORDER BY embedding <=> $1::halfvec LIMIT $2)
       SELECT m.id, knn.distance FROM knn JOIN memories m ON m.id = knn.memory_id
       WHERE ${ACTIVE} AND ($3::text[] IS NULL OR m.kind = ANY($3::text[])) ORDER BY knn.distance`,
      [vectorLiteral(vector), n, kinds ?? null],
    );
    return rows.map((r) => ({ id: r.id, value: 1 - Number(r.distance) }));
  });
}

/** The `n` best full-text matches of a query, scoring at most `cap` candidates (see RetrieveTuning.textCandidates). */
export async function textRanks(
  store: MemoryStore,
  q: string,
  n: number,
  cap: number,
  kinds?: MemoryKind[],
): Promise<Ranked> {
  const tiers = rankingTiers(q);
  if (!tiers) return [];
  // UNION ALL runs its branches in order and the outer LIMIT stops it: a loose tier is read only while stricter
  // ones leave room. Each tier skips the rows of the one before it (which holds every stricter tier's rows).
  const k = tiers.length;
  const branches = tiers.map(
    (_, i) => `(SELECT t.id, t.fts, t.valid_to, t.expires_at FROM memories t
       WHERE t.fts @@ to_tsquery('simple', $${i + 1}) ${i > 0 ? `AND NOT t.fts @@ to_tsquery('simple', $${i})` : ''}
       AND ($${k + 1}::text[] IS NULL OR t.kind = ANY($${k + 1}::text[])) LIMIT $${k + 2})`,
  );
  return store.sql.transaction(async (tx) => {
    // Each branch must read the GIN index. With LIMIT the planner may hope a sequential scan stops early (for a rare
    // term it reads the table), or, without statistics (PGlite never analyzes), prefer any other index that covers
    // a filter — the partial index on `valid_to IS NULL` is all active rows. So: no other index scans, and the
    // active filter applies to the capped set.
    await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off');
    const rows = await tx.query<{ id: string; rank: number }>(
      `SELECT m.id, ts_rank_cd(m.fts, to_tsquery('simple', $${k}), 1) AS rank
       FROM (SELECT * FROM (${branches.join(' UNION ALL ')}) u LIMIT $${k + 2}) m
       WHERE ${ACTIVE} ORDER BY rank DESC, m.id LIMIT $${k + 3}`,
      [...tiers, kinds ?? null, cap, n],
    );
    return rows.map((r) => ({ id: r.id, value: Number(r.rank) }));
  });
}

/** Quoted phrases and runs of capitalised words ("Bob Hughes", «Ольга Смирнова»): the names a text most likely means. */
export function namesIn(q: string): string[] {
  const quoted = [...q.matchAll(/["«“]([^"»”]{2,60})["»”]/gu)].map((m) => m[1] as string);
  const runs = q.match(/(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}-]+(?:\.? \p{Lu}[\p{L}\p{N}-]+)*/gu) ?? [];
  return [...new Set([...quoted, ...runs])];
}

async function graphRanks(graph: GraphStore, q: string, n: number): Promise<Ranked> {
  const names = namesIn(q);
  if (names.length === 0) return [];
  const ids = await graph.memoriesAround(names, 1, n);
  return ids.map((id) => ({ id, value: 1 }));
}

function recencyOf(m: Memory, now: number, halfLifeDays: number): number {
  const at = Date.parse(m.last_accessed_at ?? m.updated_at);
  const days = Math.max(0, (now - at) / 86_400_000);
  return 0.5 ** (days / halfLifeDays);
}

export async function hybridQuery(
  store: MemoryStore,
  graph: GraphStore | null,
  q: string,
  opts: QueryOptions,
  tuning: RetrieveTuning = DEFAULT_TUNING,
): Promise<Hit[]> {
  const n = Math.max(tuning.candidates, opts.k * 5);
  const [vector] = await store.embedder.embed([q]);
  const ef = efSearchFor(await vectorRows(store), tuning);
  const useGraph = graph !== null && opts.graph !== false;
  const [byVector, byText, byGraph] = await Promise.all([
    vectorRanks(store, vector as number[], n, ef, opts.kinds),
    textRanks(store, q, n, Math.max(tuning.textCandidates, n), opts.kinds),
    useGraph ? graphRanks(graph, q, n) : Promise.resolve([]),
  ]);
  const parts = new Map<string, Omit<ScoreParts, 'importance' | 'recency' | 'final'>>();
  const partOf = (id: string) => {
    const p = parts.get(id) ?? { vector: null, text: null, graph: null, rrf: 0 };
    parts.set(id, p);
    return p;
  };

  byVector.forEach((r, i) => {
    const p = partOf(r.id);
    p.vector = { rank: i + 1, similarity: r.value };
    p.rrf += 1 / (tuning.rrfK + i + 1);
  });
  byText.forEach((r, i) => {
    const p = partOf(r.id);
    p.text = { rank: i + 1, score: r.value };
    p.rrf += 1 / (tuning.rrfK + i + 1);
  });
  byGraph.forEach((r, i) => {
    const p = partOf(r.id);
    p.graph = { rank: i + 1 };
    p.rrf += tuning.graphWeight / (tuning.rrfK + i + 1);
  });

  const memories = await store.getMany([...parts.keys()]);
  const now = Date.now();
  const hits: Hit[] = [];
  for (const [id, p] of parts) {
    const m = memories.get(id);
    // Graph ids come unfiltered: drop superseded, expired and other kinds here.
    if (!m || m.valid_to || (m.expires_at && Date.parse(m.expires_at) <= now)) continue;
    if (opts.kinds && !opts.kinds.includes(m.kind)) continue;
    const recency = recencyOf(m, now, tuning.recencyHalfLifeDays);
    const final = p.rrf * (1 + tuning.importanceWeight * m.importance) * (1 + tuning.recencyWeight * recency);
    hits.push({
      memory: m,
      score: final,
      parts: { ...p, importance: m.importance, recency, final },
      provenance: { memory_id: m.id, kind: m.kind, source: m.source, sources: m.provenance },
    });
  }
  hits.sort((a, b) => b.score - a.score || a.memory.id.localeCompare(b.memory.id));
  const top = hits.slice(0, opts.k);
  if (opts.touch !== false) await store.touch(top.map((h) => h.memory.id));
  return top;
}
