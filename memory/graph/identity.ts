// What both graph engines agree on: entity identity, node ids, the weight and `since` rules, and the bounds on depth.
import type { GraphEntity, GraphRelation } from '../types.ts';

/** The namespace a store uses when none is given; tests pass their own so they can share one server. */
export const DEFAULT_NAMESPACE = 'default';
/** Walks deeper than this are clamped: a few hops already reach most of a dense graph. */
export const MAX_DEPTH = 3;
/** A repeated relation gains this share of the new observation's weight (see `raisedWeight`). */
export const WEIGHT_STEP = 0.1;

/** An entity as stored: `key` (trimmed, lower-cased name) and `type` (trimmed, lower-cased) identify it. */
export interface EntityRow {
  key: string;
  type: string;
  name: string;
}

export class GraphInputError extends Error {
  readonly code = 'graph_input';
  constructor(message: string) {
    super(message);
    this.name = 'GraphInputError';
  }
}

export function entityRow(e: GraphEntity): EntityRow {
  const name = String(e.name ?? '').trim();
  const type = String(e.type ?? '')
    .trim()
    .toLowerCase();
  if (!name) throw new GraphInputError('an entity needs a non-empty name');
  if (!type) throw new GraphInputError(`entity "${name}" needs a non-empty type`);
  return { key: name.toLowerCase(), type, name };
}

/** A relation's type ("works_at"), trimmed; case is kept, it is a label the extractor chose. */
export function relationType(type: string): string {
  const t = String(type ?? '').trim();
  if (!t) throw new GraphInputError('a relation needs a non-empty type');
  return t;
}

/** The lookup key for a bare name (memoriesAround, subgraph): matches that name under every type. */
export const nameKey = (name: string): string => name.trim().toLowerCase();

/** Depth as an integer in 0…MAX_DEPTH (NaN counts as 0), so it is safe to place in a Cypher pattern bound. */
export function clampDepth(depth: number): number {
  if (!Number.isFinite(depth)) return depth > 0 ? MAX_DEPTH : 0;
  return Math.max(0, Math.min(MAX_DEPTH, Math.floor(depth)));
}

export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return limit > 0 ? 10_000 : 0;
  return Math.max(0, Math.floor(limit));
}

export function clampWeight(weight: number): number {
  if (!Number.isFinite(weight)) return 0;
  return Math.max(0, Math.min(1, weight));
}

/**
 * The weight after seeing a relation again: never below either observation, and a repeat adds
 * WEIGHT_STEP·new on top, capped at 1 — so evidence accumulates while one strong sighting still counts.
 * Both engines compute this in their query language; this copy documents it and serves the tests.
 */
export function raisedWeight(old: number, seen: number): number {
  return Math.min(1, Math.max(old, seen) + WEIGHT_STEP * seen);
}

/** ISO UTC text for `since` (now when absent); ISO strings compare in time order, so the engines keep the least. */
export function sinceIso(since: string | undefined, now = new Date()): string {
  const at = since === undefined ? now : new Date(since);
  if (Number.isNaN(at.getTime())) throw new GraphInputError(`"${since}" is not a timestamp`);
  return at.toISOString();
}

/** Node ids are the same on both engines, so the UI and the tests need not know which one runs. */
export const entityNodeId = (type: string, key: string) => `entity:${type}:${key}`;
export const memoryNodeId = (id: string) => `memory:${id}`;
export const fileNodeId = (path: string) => `file:${path}`;

/** Drops duplicate entities (same identity) keeping the first spelling. */
export function uniqueEntities(entities: GraphEntity[]): EntityRow[] {
  const seen = new Map<string, EntityRow>();
  for (const e of entities) {
    const row = entityRow(e);
    const id = entityNodeId(row.type, row.key);
    if (!seen.has(id)) seen.set(id, row);
  }
  return [...seen.values()];
}

/**
 * The cap rule both engines share: drop orphans, then, while over `maxNodes`, the weakest RELATES edges and the
 * orphans they leave. Stops when no edge is left to remove (what remains is memories and what they mention).
 */
export async function capGraph(
  maxNodes: number,
  ops: { countNodes(): Promise<number>; removeWeakest(n: number): Promise<number>; removeOrphans(): Promise<number> },
): Promise<{ orphansRemoved: number; edgesRemoved: number }> {
  let orphansRemoved = await ops.removeOrphans();
  let edgesRemoved = 0;
  for (let total = await ops.countNodes(); total > maxNodes; total = await ops.countNodes()) {
    // One edge frees at most two nodes, so this many is the least that could bring the count under the cap.
    const removed = await ops.removeWeakest(Math.ceil((total - maxNodes) / 2));
    if (removed === 0) break;
    edgesRemoved += removed;
    orphansRemoved += await ops.removeOrphans();
  }
  return { orphansRemoved, edgesRemoved };
}

/** A relation as both engines store it: its ends as entity rows, the type, weight and `since` normalised. */
export function relationRow(r: GraphRelation) {
  return {
    from: entityRow(r.from),
    to: entityRow(r.to),
    type: relationType(r.type),
    weight: clampWeight(r.weight),
    since: sinceIso(r.since),
  };
}
