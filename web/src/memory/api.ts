// The Memory screen's calls to /api/memory: search, one memory (get, edit, pin, delete), stats, GC, the graph.
import { api, request } from '../lib/api.ts';

export const KINDS = ['fact', 'preference', 'task', 'event', 'summary', 'message', 'document_chunk'] as const;
export type Kind = (typeof KINDS)[number];

export interface Source {
  conversation_id?: string;
  message_id?: string;
  path?: string;
  page?: number;
  origin?: string;
}
export interface Memory {
  id: string;
  kind: Kind;
  text: string;
  slot: string | null;
  source: Source;
  provenance: Source[];
  importance: number;
  pinned: boolean;
  created_at: string;
  updated_at: string;
  last_accessed_at: string | null;
  access_count: number;
  valid_from: string;
  valid_to: string | null;
  supersedes: string | null;
  expires_at: string | null;
  model: string | null;
}
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
  provenance: { memory_id: string; kind: Kind; source: Source; sources: Source[] };
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
  kind: 'MENTIONS' | 'RELATES' | 'CONTAINS';
  type?: string;
  weight?: number;
}
export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}
export type MemoryPatch = Partial<Pick<Memory, 'text' | 'kind' | 'importance' | 'pinned' | 'expires_at'>>;

const q = encodeURIComponent;
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** The API answers at most this many nodes per neighbourhood. */
export const GRAPH_LIMIT = 1000;

export const memoryApi = {
  query: async (text: string, kind: string, k = 30) =>
    (await api<{ hits: Hit[] }>(`/api/memory/query?q=${q(text)}&k=${k}${kind ? `&kind=${q(kind)}` : ''}`)).hits,
  get: (id: string) => api<Memory>(`/api/memory/${q(id)}`),
  patch: (id: string, patch: MemoryPatch) => api<Memory>(`/api/memory/${q(id)}`, { method: 'PATCH', json: patch }),
  remove: (id: string) => api(`/api/memory/${q(id)}`, { method: 'DELETE' }),
  stats: () => api<Stats>('/api/memory/stats'),
  gc: () => api<Record<string, number>>('/api/memory/gc', { method: 'POST' }),
  subgraph: (around: string, depth: number, limit: number) =>
    api<Subgraph>(`/api/memory/graph/subgraph?around=${q(around)}&depth=${depth}&limit=${limit}`),
  /** The JSONL backup, handed to the browser as a download. */
  async exportAll() {
    const res = await request('/api/memory/export');
    if (!res.ok) throw new Error(res.statusText);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `titan-memory-${new Date().toISOString().slice(0, 10)}.jsonl`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  },
};

export interface Stats {
  total: number;
  active: number;
  superseded: number;
  pinned: number;
  expired: number;
  by_kind: Record<string, number>;
  cap: number;
  embedder: { model: string; dimensions: number; table: string };
  reembed: { model: string; total: number; done: number; running: boolean; error: string | null } | null;
  graph: { engine: string; entities: number; memories: number; files: number; relations: number } | null;
}

/** A memory and the versions it replaced, newest first (following `supersedes`, at most `max`). */
export async function historyOf(m: Memory, max = 20): Promise<Memory[]> {
  const chain = [m];
  let next = m.supersedes;
  const seen = new Set([m.id]);
  while (next && !seen.has(next) && chain.length < max) {
    seen.add(next);
    const older = await memoryApi.get(next).catch(() => null);
    if (!older) break;
    chain.push(older);
    next = older.supersedes;
  }
  return chain;
}
