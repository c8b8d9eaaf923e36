// SqlTransport: the embedded bus Transport — Redis Streams semantics over durable log tables in the Sql store.
// PGlite by default; works on Postgres too, where several daemons share the log but wake each other only by polling.
import type { Sql } from '../daemon/storage/sql.ts';
import { type AppendSignal, appendSignalFor } from './appendSignal.ts';
import { BusError } from './errors/busError.ts';
import { formatId, parseId, rangeBound } from './sqlIds.ts';
import {
  appendEntry,
  appendWithId,
  createGroup,
  deleteEntries,
  deletePending,
  deliverNew,
  type EntryRow,
  entriesAfter,
  groupExists,
  lockGroup,
  lockIdleByIds,
  lockIdleOldest,
  markKey,
  ownPending,
  pendingRows,
  pendingTotal,
  rangeEntries,
  streamLength,
  sweepMarks,
  takeOver,
  trimOldest,
  unmarkKey,
} from './sqlTransportQueries.ts';
import type { PendingEntry, StreamEntry, Transport } from './transport.ts';

export interface SqlTransportOptions {
  /**
   * How often a blocked read re-queries on Postgres, where appends by other processes raise no in-process signal.
   * Default 250 ms. PGlite is single-process, so there a blocked read waits for the signal alone.
   */
  pollMs?: number;
  /** How often expired markOnce keys are swept away. Default 60 s. */
  sweepEveryMs?: number;
}

/**
 * Approximate MAXLEN like Redis's "~": trimming is deferred until the stream is 10 % (at least one entry) over the cap,
 * then it is cut back to the cap in one batch, so most appends do no delete at all.
 */
const trimSlack = (maxlen: number) => Math.max(1, Math.ceil(maxlen / 10));

const toEntry = (stream: string, row: EntryRow): StreamEntry => ({ stream, id: formatId(row), data: row.data });

const noGroup = (stream: string, group: string) =>
  new BusError('no_group', `NOGROUP No such key '${stream}' or consumer group '${group}'`);

export class SqlTransport implements Transport {
  readonly kind = 'embedded' as const;
  readonly #sql: Sql;
  readonly #signal: AppendSignal;
  readonly #closing = new AbortController();
  readonly #pollMs: number;
  readonly #sweepEveryMs: number;
  #lastSweep = 0;

  constructor(sql: Sql, opts: SqlTransportOptions = {}) {
    this.#sql = sql;
    this.#signal = appendSignalFor(sql);
    this.#pollMs = opts.pollMs ?? 250;
    this.#sweepEveryMs = opts.sweepEveryMs ?? 60_000;
  }

  get #closed(): boolean {
    return this.#closing.signal.aborted;
  }

  async append(stream: string, data: string, maxlen: number, explicitId?: string): Promise<string> {
    const wanted = explicitId === undefined ? undefined : parseId(explicitId);
    const id = await this.#sql.transaction(async (tx) => {
      const { id, length } = wanted
        ? await appendWithId(tx, stream, data, wanted)
        : await appendEntry(tx, stream, data);
      const excess = length - Math.max(0, maxlen);
      if (excess > trimSlack(maxlen)) await trimOldest(tx, stream, excess);
      return id;
    });
    // After the commit, so a woken reader finds the entry.
    this.#signal.notify(stream);
    return formatId(id);
  }

  async ensureGroup(stream: string, group: string, start: '$' | '0'): Promise<void> {
    await this.#sql.transaction((tx) => createGroup(tx, stream, group, start === '$'));
  }

  /**
   * Blocking reads wait in-process on the append signal (woken by appends of this process on the same Sql) until
   * blockMs, re-querying on every wake-up. On Postgres, other daemons' appends raise no signal: a blocked read sees
   * them at its next poll, at most pollMs later.
   */
  async readGroup(
    group: string,
    consumer: string,
    streams: { stream: string; count: number }[],
    from: '>' | '0',
    blockMs: number,
  ): Promise<StreamEntry[]> {
    const wanted = streams.filter((s) => s.count > 0);
    if (this.#closed || wanted.length === 0) return [];
    if (from === '0') return this.#readOwn(group, consumer, wanted);
    const names = wanted.map((s) => s.stream);
    const deadline = Date.now() + blockMs;
    for (;;) {
      const since = this.#signal.tick();
      const found = await this.#readNew(group, consumer, wanted);
      const left = deadline - Date.now();
      if (found.length > 0 || left <= 0) return found;
      const wait = this.#sql.engine === 'postgres' ? Math.min(left, this.#pollMs) : left;
      await this.#signal.wait(names, since, wait, this.#closing.signal);
      if (this.#closed) return [];
    }
  }

  /** Each stream in priority order, each up to its own count (the weighted read), each in its own transaction. */
  async #readNew(group: string, consumer: string, streams: { stream: string; count: number }[]) {
    const out: StreamEntry[] = [];
    for (const { stream, count } of streams) {
      const rows = await this.#sql.transaction(async (tx) => {
        const last = await lockGroup(tx, stream, group);
        if (!last) throw noGroup(stream, group);
        const picked = await entriesAfter(tx, stream, last, count);
        await deliverNew(tx, stream, group, consumer, picked);
        return picked;
      });
      out.push(...rows.map((r) => toEntry(stream, r)));
    }
    return out;
  }

  async #readOwn(group: string, consumer: string, streams: { stream: string; count: number }[]) {
    const out: StreamEntry[] = [];
    for (const { stream, count } of streams) {
      const rows = await ownPending(this.#sql, stream, group, consumer, count);
      if (rows.length === 0) await this.#requireGroup(stream, group);
      out.push(...rows.map((r) => toEntry(stream, r)));
    }
    return out;
  }

  /** Like Redis, every group command but XACK fails with NOGROUP on a missing group; checked only when a result is
   * empty, since any pending row proves the group exists. */
  async #requireGroup(stream: string, group: string): Promise<void> {
    if (!(await groupExists(this.#sql, stream, group))) throw noGroup(stream, group);
  }

  async ack(stream: string, group: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return deletePending(
      this.#sql,
      stream,
      group,
      ids.map((id) => parseId(id)),
    );
  }

  async pending(stream: string, group: string, minIdleMs: number, count: number): Promise<PendingEntry[]> {
    const rows = await pendingRows(this.#sql, stream, group, minIdleMs, count);
    if (rows.length === 0) await this.#requireGroup(stream, group);
    return rows.map((r) => ({ id: formatId(r), consumer: r.consumer, idleMs: r.idle_ms, deliveries: r.deliveries }));
  }

  /** XCLAIM: entries come back in the order of `ids`; those trimmed away come back with data null, off the PEL. */
  async claim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    ids: string[],
  ): Promise<StreamEntry[]> {
    if (ids.length === 0) return [];
    const wanted = ids.map((id) => parseId(id));
    const rows = await this.#sql.transaction(async (tx) => {
      const locked = await lockIdleByIds(tx, stream, group, minIdleMs, wanted);
      await takeOver(tx, stream, group, consumer, locked);
      return locked;
    });
    if (rows.length === 0) await this.#requireGroup(stream, group);
    const byId = new Map(rows.map((r) => [formatId(r), r]));
    return wanted.flatMap((id) => {
      const row = byId.get(formatId(id));
      return row ? [toEntry(stream, row)] : [];
    });
  }

  /** XAUTOCLAIM from 0-0: the oldest entries idle ≥ minIdleMs of any consumer, trimmed ones with data null. */
  async autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    if (count <= 0) return [];
    const rows = await this.#sql.transaction(async (tx) => {
      const locked = await lockIdleOldest(tx, stream, group, minIdleMs, count);
      await takeOver(tx, stream, group, consumer, locked);
      return locked;
    });
    if (rows.length === 0) await this.#requireGroup(stream, group);
    return rows.map((r) => toEntry(stream, r));
  }

  async range(stream: string, start: string, end: string, count: number): Promise<StreamEntry[]> {
    const rows = await rangeEntries(this.#sql, stream, rangeBound(start, 'start'), rangeBound(end, 'end'), count);
    return rows.map((r) => toEntry(stream, r));
  }

  async remove(stream: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return deleteEntries(
      this.#sql,
      stream,
      ids.map((id) => parseId(id)),
    );
  }

  length(stream: string): Promise<number> {
    return streamLength(this.#sql, stream);
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    const n = await pendingTotal(this.#sql, stream, group);
    if (n === 0) await this.#requireGroup(stream, group);
    return n;
  }

  async markOnce(key: string, ttlMs: number): Promise<boolean> {
    // Expired keys are renewed in place by markKey; the sweep only keeps the table from growing without bound.
    if (Date.now() - this.#lastSweep >= this.#sweepEveryMs) {
      this.#lastSweep = Date.now();
      await sweepMarks(this.#sql);
    }
    return markKey(this.#sql, key, ttlMs);
  }

  async unmark(key: string): Promise<void> {
    await unmarkKey(this.#sql, key);
  }

  /** Wakes this transport's blocked reads; the Sql store belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.#closing.abort();
  }
}
