// File search: ranks files (not chunks) for a question with the memory service's hybrid retrieval over document
// chunks — a file scores as its best chunk, a little more for each further matching chunk — with a snippet and page.
import type { Hit } from '../../memory/retrieve.ts';
import type { MemoryService } from '../../memory/service.ts';
import { titleOf } from './ingest.ts';

export interface FileHit {
  path: string;
  score: number;
  snippet: string;
  page: number | null;
  /** How many of the file's chunks matched. */
  matches: number;
  memory_id: string;
}

/**
 * A chunk counts when its words match, or when its meaning is close enough: vector search always returns its k
 * nearest, and without this floor every query would list every file. 0.25 sits above what unrelated texts score
 * with the offline embedder (≤ 0.07 on the fixtures) and with text-embedding-3 (≈ 0.1–0.2).
 */
export const MIN_SIMILARITY = 0.25;

/** Further chunks of one file add this fraction of their score: breadth helps, but the best passage decides. */
const MORE_WEIGHT = 0.15;

export function snippetOf(text: string, path: string, max = 280): string {
  // Chunks are stored as "title › heading\n\ntext" (contextualText): the snippet quotes the document only.
  const cut = text.startsWith(titleOf(path)) ? text.indexOf('\n\n') : -1;
  const body = (cut >= 0 ? text.slice(cut + 2) : text).replace(/\s+/g, ' ').trim();
  return body.length <= max ? body : `${body.slice(0, max - 1).replace(/\s\S*$/, '')}…`;
}

export function rankFiles(hits: Hit[], k: number, minSimilarity = MIN_SIMILARITY): FileHit[] {
  const files = new Map<string, FileHit>();
  for (const h of hits) {
    const path = h.memory.source.path;
    if (!path) continue;
    if (!h.parts.text && (h.parts.vector?.similarity ?? 0) < minSimilarity) continue;
    const f = files.get(path);
    if (!f) {
      files.set(path, {
        path,
        score: h.score,
        snippet: snippetOf(h.memory.text, path),
        page: h.memory.source.page ?? null,
        matches: 1,
        memory_id: h.memory.id,
      });
    } else {
      f.matches++;
      f.score += MORE_WEIGHT * h.score;
    }
  }
  return [...files.values()].sort((a, b) => b.score - a.score || a.path.localeCompare(b.path)).slice(0, k);
}

export async function searchFiles(memory: MemoryService, q: string, k: number): Promise<FileHit[]> {
  const hits = await memory.query(q, { k: Math.max(40, k * 8), kinds: ['document_chunk'], graph: false, touch: false });
  return rankFiles(hits, k);
}
