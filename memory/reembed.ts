// Re-embedding: after a change of embedding model or dimensions, every memory without a vector of the current model
// in the current table gets one, batch by batch. Progress is kept in titan_meta; a restart resumes where it stopped,
// because "still to do" is simply "no current vector yet".
import type { MemoryStore } from './store.ts';
import { writeVectors } from './vectors.ts';

export interface ReembedProgress {
  model: string;
  table: string;
  total: number;
  done: number;
  pending: number;
  running: boolean;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

const META_KEY = 'memory.reembed';

const pendingSql = (table: string) =>
  `FROM memories m LEFT JOIN ${table} v ON v.memory_id = m.id AND v.model = $1 WHERE v.memory_id IS NULL`;

export async function pendingCount(store: MemoryStore): Promise<number> {
  const [row] = await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n ${pendingSql(store.table)}`, [
    store.embedder.model,
  ]);
  return row?.n ?? 0;
}

async function saveProgress(store: MemoryStore, p: ReembedProgress): Promise<void> {
  await store.sql.query(
    `INSERT INTO titan_meta (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [META_KEY, JSON.stringify(p)],
  );
}

export async function loadProgress(store: MemoryStore): Promise<ReembedProgress | null> {
  const [row] = await store.sql.query<{ value: ReembedProgress }>('SELECT value FROM titan_meta WHERE key = $1', [
    META_KEY,
  ]);
  return row?.value ?? null;
}

/** Embeds every pending memory; `signal` stops between batches (the next run resumes). */
export async function reembed(
  store: MemoryStore,
  opts: { batch?: number; signal?: AbortSignal; onProgress?: (p: ReembedProgress) => void } = {},
): Promise<ReembedProgress> {
  const batch = opts.batch ?? 256;
  const previous = await loadProgress(store);
  const pending = await pendingCount(store);
  // Resuming the same job keeps its totals, so progress reads as one job across restarts.
  const resumed =
    previous && previous.model === store.embedder.model && previous.table === store.table && previous.running;
  const p: ReembedProgress = {
    model: store.embedder.model,
    table: store.table,
    total: resumed ? previous.total : pending,
    done: resumed ? previous.total - pending : 0,
    pending,
    running: true,
    started_at: resumed ? previous.started_at : new Date().toISOString(),
    finished_at: null,
    error: null,
  };
  await saveProgress(store, p);
  while (p.pending > 0 && !opts.signal?.aborted) {
    const rows = await store.sql.query<{ id: string; text: string }>(
      `SELECT m.id, m.text ${pendingSql(store.table)} ORDER BY m.id LIMIT $2`,
      [store.embedder.model, batch],
    );
    if (rows.length === 0) break;
    const vectors = await store.embedder.embed(
      rows.map((r) => r.text),
      opts.signal,
    );
    await writeVectors(
      store.sql,
      store.table,
      store.embedder.model,
      rows.map((r, i) => ({ id: r.id, embedding: vectors[i] as number[] })),
    );
    p.done += rows.length;
    p.pending = Math.max(0, p.pending - rows.length);
    await saveProgress(store, p);
    opts.onProgress?.({ ...p });
  }
  if (!opts.signal?.aborted) {
    p.pending = await pendingCount(store);
    p.running = p.pending > 0;
    p.finished_at = p.running ? null : new Date().toISOString();
    await saveProgress(store, p);
  }
  return p;
}
