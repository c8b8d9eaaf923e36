// evaluateAndSave: turns a message into memories — extract candidates, then per candidate: same hash → nothing;
// same slot with new content → supersede (history kept); near-duplicate → merge; "forget …" → delete; else insert.
// Entities and relations go to the graph. Runs in the `memory` consumer group, never on the reply path.
import type { Candidate } from './extract.ts';
import { contentHash, type Memory, type MemorySource } from './record.ts';
import { ACTIVE, type MemoryStore } from './store.ts';
import { allTermsQuery } from './textQuery.ts';
import type { GraphStore } from './types.ts';

export interface EvaluateOptions {
  /** Cosine similarity at or above which a candidate merges into an existing memory of its kind. Default: 0.85. */
  mergeThreshold?: number;
}

export interface EvaluateReport {
  saved: string[];
  merged: string[];
  duplicates: string[];
  superseded: { old: string; new: string }[];
  forgotten: string[];
  /** Matched a "forget" but pinned: pinned memories are only removed by an explicit DELETE. */
  keptPinned: string[];
}

export type Extractor = (text: string) => Promise<Candidate[]>;

export async function evaluateAndSave(
  deps: { store: MemoryStore; graph: GraphStore | null; extract: Extractor },
  text: string,
  source: MemorySource,
  opts: EvaluateOptions = {},
): Promise<EvaluateReport> {
  const report: EvaluateReport = {
    saved: [],
    merged: [],
    duplicates: [],
    superseded: [],
    forgotten: [],
    keptPinned: [],
  };
  const candidates = await deps.extract(text);
  for (const c of candidates) {
    if (c.action === 'forget') await forget(deps, c.text, report);
    else await saveOne(deps, c, source, opts.mergeThreshold ?? 0.85, report);
  }
  return report;
}

async function saveOne(
  deps: { store: MemoryStore; graph: GraphStore | null },
  c: Candidate,
  source: MemorySource,
  mergeThreshold: number,
  report: EvaluateReport,
): Promise<void> {
  const { store } = deps;
  const existing = await store.activeByHash(contentHash(c.text));
  if (existing) {
    report.duplicates.push(existing.id);
    return;
  }
  const rivals = c.slot ? await store.activeBySlot(c.slot) : [];
  if (rivals.length > 0) {
    const added = await store.sql.transaction(async (tx) => {
      for (const r of rivals) await store.supersede(r.id, tx);
      const [m] = await store.add([{ ...fields(c, source), supersedes: rivals[0]?.id ?? null }], tx);
      return m as Memory;
    });
    for (const r of rivals) report.superseded.push({ old: r.id, new: added.id });
    await link(deps.graph, added, c);
    return;
  }
  const [vector] = await store.embedder.embed([store.checkText(c.text)]);
  const [near] = await store.nearest(vector as number[], 1);
  if (near && near.similarity >= mergeThreshold && near.memory.kind === c.kind) {
    const merged = await store.merge(near.memory.id, c.text, source, c.importance);
    report.merged.push(merged.id);
    await link(deps.graph, merged, c);
    return;
  }
  const [added] = await store.add([{ ...fields(c, source), embedding: vector as number[] }]);
  report.saved.push((added as Memory).id);
  await link(deps.graph, added as Memory, c);
}

function fields(c: Candidate, source: MemorySource) {
  return { kind: c.kind, text: c.text, importance: c.importance, slot: c.slot ?? null, source };
}

async function link(graph: GraphStore | null, m: Memory, c: Candidate): Promise<void> {
  if (!graph || (c.entities.length === 0 && c.relations.length === 0 && !m.source.path)) return;
  await graph.upsertEntities(c.entities);
  await graph.upsertRelations(c.relations);
  await graph.linkMemory(m.id, c.entities, m.source.path);
}

/** Deletes the active memories containing every word of the target; pinned ones stay. */
async function forget(
  deps: { store: MemoryStore; graph: GraphStore | null },
  target: string,
  report: EvaluateReport,
): Promise<void> {
  const q = allTermsQuery(target);
  if (!q) return;
  const rows = await deps.store.sql.query<{ id: string; pinned: boolean }>(
    `SELECT m.id, m.pinned FROM memories m WHERE m.fts @@ to_tsquery('simple', $1) AND ${ACTIVE} LIMIT 50`,
    [q],
  );
  report.keptPinned.push(...rows.filter((r) => r.pinned).map((r) => r.id));
  const gone = await deps.store.delete(rows.filter((r) => !r.pinned).map((r) => r.id));
  for (const id of gone) await deps.graph?.removeMemory(id);
  report.forgotten.push(...gone);
}
