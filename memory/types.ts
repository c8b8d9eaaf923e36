// The memory service's interfaces: embedders, the graph store and the short-term cache — one interface, two engines each.

/** Turns texts into vectors. Every vector row records the embedder's `model`; changing it schedules a re-embed. */
export interface Embedder {
  /** Stable model id stored with each vector, e.g. "titan-ngram-v1" or "text-embedding-3-large". */
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order, L2-normalised, each of length `dimensions`. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export type EntityType = string;

export interface GraphEntity {
  name: string;
  type: EntityType;
}

export interface GraphRelation {
  from: GraphEntity;
  to: GraphEntity;
  /** e.g. "works_at", "knows", "owns". */
  type: string;
  /** 0–1; repeated upserts raise it. */
  weight: number;
  /** ISO timestamp of the first time the relation was seen. */
  since?: string;
}

export interface GraphNode {
  id: string;
  label: 'Entity' | 'Memory' | 'File';
  name?: string;
  type?: string;
  path?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** MENTIONS, RELATES or CONTAINS. */
  kind: 'MENTIONS' | 'RELATES' | 'CONTAINS';
  type?: string;
  weight?: number;
}

export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * (:Entity {name, type}), (:Memory {id}), (:File {path}); MENTIONS (Memory→Entity), RELATES {type, weight, since}
 * (Entity→Entity), CONTAINS (File→Memory). Neo4j or tables in the Sql store.
 */
export interface GraphStore {
  readonly engine: 'neo4j' | 'sql';
  /** Constraints and indexes; idempotent. */
  init(): Promise<void>;
  upsertEntities(entities: GraphEntity[]): Promise<void>;
  upsertRelations(relations: GraphRelation[]): Promise<void>;
  /** Links a memory to the entities it mentions (and to its file, when it came from one). */
  linkMemory(memoryId: string, mentions: GraphEntity[], filePath?: string): Promise<void>;
  /** Removes a memory node and its edges (entities stay until GC finds them orphaned). */
  removeMemory(memoryId: string): Promise<void>;
  /** Memory ids that mention any entity within `depth` RELATES hops of the named entities. */
  memoriesAround(entityNames: string[], depth: number, limit: number): Promise<string[]>;
  /** Nodes and edges within `depth` hops of a node, for the UI's graph view; at most `limit` nodes. */
  subgraph(around: { entity?: string; memoryId?: string }, depth: number, limit: number): Promise<Subgraph>;
  stats(): Promise<{ entities: number; memories: number; files: number; relations: number }>;
  /** Drops orphan entities, then the weakest RELATES edges while the node count is over `maxNodes`. */
  gc(maxNodes: number): Promise<{ orphansRemoved: number; edgesRemoved: number }>;
  /** Everything, for backup; and its inverse. */
  exportAll(): Promise<{
    entities: GraphEntity[];
    relations: GraphRelation[];
    mentions: { memoryId: string; entity: GraphEntity }[];
    files: { path: string; memoryId: string }[];
  }>;
  close(): Promise<void>;
}

/** The last N messages/commands per conversation, with a TTL: Redis lists or an in-process map. */
export interface ShortTermCache {
  readonly engine: 'redis' | 'memory';
  /** Appends and keeps only the newest `max` items; refreshes the TTL. */
  push(conversationId: string, item: string): Promise<void>;
  /** Newest last, at most `limit`. */
  recent(conversationId: string, limit: number): Promise<string[]>;
  clear(conversationId: string): Promise<void>;
  close(): Promise<void>;
}
