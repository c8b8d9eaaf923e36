// A file's chunks as memories (kind document_chunk, source {path, page}): replaced when the file changes, re-pointed
// when it moves, dropped when it goes; each linked to its (:File) in the graph so the graph view shows where it came from.
import type { Memory } from './record.ts';
import type { MemoryStore } from './store.ts';
import type { GraphStore } from './types.ts';

export interface DocumentChunk {
  text: string;
  page: number | null;
  heading?: string;
}

const BY_PATH = `kind = 'document_chunk' AND source->>'path' = $1`;

export async function documentChunkIds(store: MemoryStore, path: string): Promise<string[]> {
  const rows = await store.sql.query<{ id: string }>(`SELECT id FROM memories WHERE ${BY_PATH} ORDER BY id`, [path]);
  return rows.map((r) => r.id);
}

/** Swaps a file's chunks for new ones in one transaction: a search never sees the file half-indexed. */
export async function replaceDocument(
  store: MemoryStore,
  graph: GraphStore | null,
  path: string,
  chunks: DocumentChunk[],
): Promise<Memory[]> {
  const old = await documentChunkIds(store, path);
  // Embedded before the transaction: a remote embedder is a network call (no transaction should wait on one), and its
  // cache is read through the store's own connection, which on PGlite (one connection) the transaction holds —
  // embedding inside it never finished.
  const vectors = chunks.length > 0 ? await store.embedder.embed(chunks.map((c) => c.text)) : [];
  const added = await store.sql.transaction(async (tx) => {
    await tx.query(`DELETE FROM memories WHERE ${BY_PATH}`, [path]);
    if (chunks.length === 0) return [];
    return store.add(
      chunks.map((c, i) => ({
        kind: 'document_chunk' as const,
        text: c.text,
        embedding: vectors[i],
        importance: 0.5,
        source: { origin: 'file', path, ...(c.page === null ? {} : { page: c.page }) },
      })),
      tx,
    );
  });
  if (graph) {
    for (const id of old) await graph.removeMemory(id);
    for (const m of added) await graph.linkMemory(m.id, [], path);
  }
  return added;
}

/** Removes a file's chunks; returns how many. */
export async function dropDocument(store: MemoryStore, graph: GraphStore | null, path: string): Promise<number> {
  const rows = await store.sql.query<{ id: string }>(`DELETE FROM memories WHERE ${BY_PATH} RETURNING id`, [path]);
  if (graph) for (const r of rows) await graph.removeMemory(r.id);
  return rows.length;
}

/** Points a moved file's chunks at its new path, without embedding anything again. */
export async function moveDocument(store: MemoryStore, graph: GraphStore | null, from: string, to: string) {
  const rows = await store.sql.query<{ id: string }>(
    `UPDATE memories SET source = jsonb_set(source, '{path}', to_jsonb($2::text)),
       provenance = jsonb_build_array(jsonb_set(source, '{path}', to_jsonb($2::text))), updated_at = now()
     WHERE ${BY_PATH} RETURNING id`,
    [from, to],
  );
  if (graph) {
    for (const r of rows) {
      await graph.removeMemory(r.id);
      await graph.linkMemory(r.id, [], to);
    }
  }
  return rows.length;
}
