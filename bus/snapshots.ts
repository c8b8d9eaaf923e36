// Bus snapshots: every few minutes the entries added to each stream since the last snapshot are written to S3, so a
// new or wiped machine can catch up from the bucket (restoreFromSnapshots) and then follow the live tail.
import { BusError } from './errors/busError.ts';
import type { Keys } from './keys.ts';
import {
  CURSOR_NAME,
  type Cursor,
  decodeCursor,
  encodeCursor,
  encodeLines,
  objectName,
  type SnapshotLine,
  type SnapshotStream,
  snapshotStreams,
} from './snapshotFormat.ts';
import type { SnapshotStore } from './snapshotStore.ts';
import { nextId } from './streamIds.ts';
import type { Transport } from './transport.ts';

export { SnapshotError, type SnapshotFailure } from './errors/snapshotFailed.ts';
export { restoreFromSnapshots } from './snapshotRestore.ts';
export { SnapshotStore, type SnapshotStoreConfig } from './snapshotStore.ts';

/** Entries written per stream by one run (0 for a stream with nothing new). */
export type SnapshotCounts = Record<string, number>;

export interface SnapshotterOptions {
  store: SnapshotStore;
  /** Time between runs once started. Default: 5 minutes. */
  intervalMs?: number;
  /** A stream's new entries go to one object per run, split only past this size. Default: 16 MiB. */
  maxObjectBytes?: number;
  /** Told of each timed run's counts. Default: nothing. */
  onRun?: (counts: SnapshotCounts, ms: number) => void;
  /** Told of each timed run that failed (a SnapshotError when S3 was the cause); the next run tries again. */
  onError?: (err: unknown) => void;
}

const PAGE = 500;

export class Snapshotter {
  readonly #transport: Transport;
  readonly #store: SnapshotStore;
  readonly #streams: SnapshotStream[];
  readonly #intervalMs: number;
  readonly #maxObjectBytes: number;
  readonly #onRun: (counts: SnapshotCounts, ms: number) => void;
  readonly #onError: (err: unknown) => void;
  #running: Promise<SnapshotCounts> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(transport: Transport, keys: Keys, opts: SnapshotterOptions) {
    this.#transport = transport;
    this.#store = opts.store;
    this.#streams = snapshotStreams(keys);
    this.#intervalMs = opts.intervalMs ?? 5 * 60_000;
    this.#maxObjectBytes = opts.maxObjectBytes ?? 16 * 1024 * 1024;
    this.#onRun = opts.onRun ?? (() => {});
    this.#onError = opts.onError ?? (() => {});
  }

  /** Writes what is new since the last snapshot; a call during a run joins that run instead of starting another. */
  run(): Promise<SnapshotCounts> {
    if (this.#running) return this.#running;
    const running = this.#runOnce().finally(() => {
      this.#running = null;
    });
    this.#running = running;
    return running;
  }

  /** Runs every intervalMs, the first one interval from now; each waits for the previous, so runs never overlap. */
  start(): void {
    if (this.#stopped) throw new BusError('snapshots_stopped', 'this Snapshotter was stopped; create a new one');
    if (!this.#timer) this.#schedule();
  }

  /** No more timed runs; resolves once a run in progress has finished (its outcome is not reported). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }

  #schedule(): void {
    this.#timer = setTimeout(() => void this.#timedRun(), this.#intervalMs);
    // A pending snapshot must not keep the process alive on shutdown.
    this.#timer.unref();
  }

  async #timedRun(): Promise<void> {
    const started = Date.now();
    try {
      const counts = await this.run();
      if (!this.#stopped) this.#onRun(counts, Date.now() - started);
    } catch (err) {
      if (!this.#stopped) this.#onError(err);
    }
    if (!this.#stopped) this.#schedule();
  }

  async #runOnce(): Promise<SnapshotCounts> {
    const text = await this.#store.get(CURSOR_NAME);
    const cursor = text === null ? {} : decodeCursor(text, `${this.#store.prefix}/${CURSOR_NAME}`);
    const next: Cursor = { ...cursor };
    const counts: SnapshotCounts = {};
    try {
      for (const { stream } of this.#streams) {
        counts[stream] = await this.#snapshotStream(stream, cursor[stream], (lastId) => {
          next[stream] = lastId;
        });
      }
    } catch (err) {
      // Keep what was written; a lost cursor would only make the next run write those entries again.
      await this.#saveCursor(cursor, next).catch(() => {});
      throw err;
    }
    await this.#saveCursor(cursor, next);
    return counts;
  }

  async #saveCursor(before: Cursor, after: Cursor): Promise<void> {
    const changed = Object.keys(after).some((s) => after[s] !== before[s]);
    if (changed) await this.#store.put(CURSOR_NAME, encodeCursor(after));
  }

  /** Pages through the entries after `after` and writes them as one object (or several, past maxObjectBytes). */
  async #snapshotStream(stream: string, after: string | undefined, written: (lastId: string) => void) {
    let batch: SnapshotLine[] = [];
    let bytes = 0;
    let total = 0;
    const flush = async () => {
      const first = batch[0];
      const last = batch.at(-1);
      if (!first || !last) return;
      await this.#store.put(objectName(stream, first.id, last.id), encodeLines(batch));
      written(last.id);
      total += batch.length;
      batch = [];
      bytes = 0;
    };
    let start = after ? nextId(after) : '-';
    for (;;) {
      const page = await this.#transport.range(stream, start, '+', PAGE);
      for (const e of page) {
        if (e.data === null) continue;
        batch.push({ id: e.id, data: e.data });
        bytes += e.data.length + e.id.length + 20;
      }
      if (bytes >= this.#maxObjectBytes) await flush();
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      start = nextId(last.id);
    }
    await flush();
    return total;
  }
}
