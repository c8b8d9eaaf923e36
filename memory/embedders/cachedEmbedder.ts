// Wraps any Embedder with the embedding_cache table: one lookup per call, one inner call for the misses, and
// identical texts requested concurrently in this process are embedded once.
import { createHash } from 'node:crypto';
import type { Sql } from '../../daemon/storage/sql.ts';
import { EmbedderAbortedError } from '../errors/embedderAbortedError.ts';
import type { Embedder } from '../types.ts';

interface Deferred {
  promise: Promise<number[]>;
  resolve: (v: number[]) => void;
  reject: (e: unknown) => void;
}

interface Claim {
  hash: string;
  text: string;
  deferred: Deferred;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function deferred(): Deferred {
  const d = Promise.withResolvers<number[]>();
  // Marked handled: when the owner fails before anyone awaits, that is not an unhandled rejection.
  d.promise.catch(() => {});
  return d;
}

// The table stores float4, so fresh vectors are rounded the same way: a hit and a miss give identical numbers.
const toFloat32 = (v: readonly unknown[]): number[] => v.map((x) => Math.fround(Number(x)));

/** Rejects with EmbedderAbortedError when `signal` aborts first. */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new EmbedderAbortedError({ cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new EmbedderAbortedError({ cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class CachedEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly inner: Embedder;
  private readonly sql: Sql;
  /** sha256 → the vector being fetched or embedded by some caller right now. */
  private readonly inflight = new Map<string, Promise<number[]>>();

  constructor(inner: Embedder, sql: Sql) {
    this.inner = inner;
    this.sql = sql;
    this.model = inner.model;
    this.dimensions = inner.dimensions;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (signal?.aborted) throw new EmbedderAbortedError({ cause: signal.reason });
    const hashes = texts.map(sha256Hex);
    const waits = new Map<string, { text: string; promise: Promise<number[]>; shared: boolean }>();
    const claims: Claim[] = [];
    hashes.forEach((hash, i) => {
      if (waits.has(hash)) return;
      const text = texts[i] ?? '';
      const running = this.inflight.get(hash);
      if (running) {
        waits.set(hash, { text, promise: running, shared: true });
        return;
      }
      const d = deferred();
      this.inflight.set(hash, d.promise);
      claims.push({ hash, text, deferred: d });
      waits.set(hash, { text, promise: d.promise, shared: false });
    });
    if (claims.length > 0) await this.fill(claims, signal);
    const vectors = new Map<string, number[]>();
    await Promise.all(
      [...waits].map(async ([hash, w]) => {
        vectors.set(hash, w.shared ? await this.awaitShared(w.text, w.promise, signal) : await w.promise);
      }),
    );
    return hashes.map((h) => vectors.get(h) ?? []);
  }

  /** Settles every claim: from the cache, else from one inner call whose results are stored. Never throws. */
  private async fill(claims: Claim[], signal?: AbortSignal): Promise<void> {
    try {
      const cached = await this.lookup(claims.map((c) => c.hash));
      const misses = claims.filter((c) => !cached.has(c.hash));
      for (const c of claims) {
        const hit = cached.get(c.hash);
        if (hit) c.deferred.resolve(hit);
      }
      if (misses.length === 0) return;
      const vectors = await this.inner.embed(
        misses.map((c) => c.text),
        signal,
      );
      const fresh = vectors.map(toFloat32);
      await this.store(
        misses.map((c) => c.hash),
        fresh,
      );
      misses.forEach((c, i) => {
        c.deferred.resolve(fresh[i] ?? []);
      });
    } catch (err) {
      // Rejecting an already resolved deferred is a no-op, so only the unsettled ones see the error.
      for (const c of claims) c.deferred.reject(err);
    } finally {
      for (const c of claims) if (this.inflight.get(c.hash) === c.deferred.promise) this.inflight.delete(c.hash);
    }
  }

  /**
   * Waits for another caller's work on the same text. If that caller was aborted but we were not, its abort is not
   * ours: embed the text ourselves.
   */
  private async awaitShared(text: string, promise: Promise<number[]>, signal?: AbortSignal): Promise<number[]> {
    try {
      return await abortable(promise, signal);
    } catch (err) {
      if (err instanceof EmbedderAbortedError && !signal?.aborted) {
        const [v] = await this.embed([text], signal);
        return v ?? [];
      }
      throw err;
    }
  }

  private async lookup(hashes: string[]): Promise<Map<string, number[]>> {
    const rows = await this.sql.query<{ hash: string; vector: unknown[] }>(
      'SELECT hash, vector FROM embedding_cache WHERE model = $1 AND dimensions = $2 AND hash = ANY($3::text[])',
      [this.model, this.dimensions, hashes],
    );
    return new Map(rows.map((r) => [r.hash, toFloat32(r.vector)]));
  }

  private async store(hashes: string[], vectors: number[][]): Promise<void> {
    // Array literals as text, cast per row: one statement for any batch size, on both engines.
    await this.sql.query(
      `INSERT INTO embedding_cache (model, dimensions, hash, vector)
       SELECT $1, $2, h, v::real[] FROM unnest($3::text[], $4::text[]) AS t(h, v)
       ON CONFLICT DO NOTHING`,
      [this.model, this.dimensions, hashes, vectors.map((v) => `{${v.join(',')}}`)],
    );
  }
}
