// The memory record as services and the API see it, and its mapping from a `memories` row.
import { createHash } from 'node:crypto';

export const MEMORY_KINDS = ['fact', 'preference', 'task', 'event', 'summary', 'message', 'document_chunk'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** Where a memory came from: a conversation/message, or a file and page. */
export interface MemorySource {
  conversation_id?: string;
  message_id?: string;
  path?: string;
  page?: number;
  /** Who wrote it: "api", "chat", "import", "model", "heuristic". */
  origin?: string;
}

export interface Memory {
  id: string;
  kind: MemoryKind;
  text: string;
  /** What the memory is about ("pref:coffee"); a new value for an active slot supersedes the old one. */
  slot: string | null;
  source: MemorySource;
  /** Every source that added to it (a merge appends here). */
  provenance: MemorySource[];
  importance: number;
  pinned: boolean;
  created_at: string;
  updated_at: string;
  last_accessed_at: string | null;
  access_count: number;
  valid_from: string;
  /** Set when a newer memory superseded this one; history is kept. */
  valid_to: string | null;
  supersedes: string | null;
  expires_at: string | null;
  content_hash: string;
  model: string | null;
}

/** A memory to store; everything but `text` has a default. */
export interface NewMemory {
  id?: string;
  kind?: MemoryKind;
  text: string;
  slot?: string | null;
  source?: MemorySource;
  importance?: number;
  pinned?: boolean;
  expires_at?: string | null;
  valid_from?: string;
  supersedes?: string | null;
  /** A precomputed vector (API, import); must have the embedder's dimensions. */
  embedding?: number[];
}

export const MEMORY_COLUMNS =
  'id, kind, text, slot, source, provenance, importance, pinned, created_at, updated_at, last_accessed_at, access_count, valid_from, valid_to, supersedes, expires_at, content_hash, model';

/** Case and whitespace do not make a memory new. */
export function contentHash(text: string): string {
  const normal = text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(normal).digest('hex');
}

const iso = (x: unknown): string | null => (x == null ? null : new Date(x as string | Date).toISOString());

export function toMemory(row: Record<string, unknown>): Memory {
  return {
    id: row.id as string,
    kind: row.kind as MemoryKind,
    text: row.text as string,
    slot: (row.slot as string | null) ?? null,
    source: (row.source as MemorySource) ?? {},
    provenance: (row.provenance as MemorySource[]) ?? [],
    importance: Number(row.importance),
    pinned: Boolean(row.pinned),
    created_at: iso(row.created_at) as string,
    updated_at: iso(row.updated_at) as string,
    last_accessed_at: iso(row.last_accessed_at),
    access_count: Number(row.access_count),
    valid_from: iso(row.valid_from) as string,
    valid_to: iso(row.valid_to),
    supersedes: (row.supersedes as string | null) ?? null,
    expires_at: iso(row.expires_at),
    content_hash: row.content_hash as string,
    model: (row.model as string | null) ?? null,
  };
}
