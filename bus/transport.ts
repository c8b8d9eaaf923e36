// Transport: the storage layer under the bus — Redis Streams or the embedded Sql log — with Redis Streams semantics.
// Everything above it (priorities, rate limits, retries, DLQ, metrics) is written once against this interface.

/** One stream entry: its id ("<ms>-<seq>", assigned by the store's clock) and the raw serialized event. */
export interface StreamEntry {
  stream: string;
  id: string;
  /** The serialized event; null when the entry was trimmed away while still pending. */
  data: string | null;
}

export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  /** How many times the entry was delivered (1 after the first read). */
  deliveries: number;
}

export interface Transport {
  readonly kind: 'redis' | 'embedded';
  /**
   * XADD with approximate MAXLEN trimming; returns the entry id. An explicit `id` (restoring from snapshots) keeps an
   * entry's original id; it must be greater than the stream's last id, else BusError "id_too_small".
   */
  append(stream: string, data: string, maxlen: number, id?: string): Promise<string>;
  /** XGROUP CREATE … MKSTREAM; `start` "$" (new entries only) or "0" (whole history). No-op when it exists. */
  ensureGroup(stream: string, group: string, start: '$' | '0'): Promise<void>;
  /**
   * XREADGROUP GROUP group consumer COUNT count BLOCK blockMs STREAMS …; `from` ">" for new entries or "0" for the
   * consumer's own pending ones (then blockMs is ignored). `counts` caps each stream separately (weighted reads).
   */
  readGroup(
    group: string,
    consumer: string,
    streams: { stream: string; count: number }[],
    from: '>' | '0',
    blockMs: number,
  ): Promise<StreamEntry[]>;
  /** XACK; returns how many were acknowledged. */
  ack(stream: string, group: string, ids: string[]): Promise<number>;
  /** XPENDING stream group IDLE minIdle - + count: the pending entries idle at least `minIdleMs`. */
  pending(stream: string, group: string, minIdleMs: number, count: number): Promise<PendingEntry[]>;
  /** XCLAIM: takes the given entries (delivery count + 1); trimmed entries come back with data null. */
  claim(stream: string, group: string, consumer: string, minIdleMs: number, ids: string[]): Promise<StreamEntry[]>;
  /** XAUTOCLAIM from 0: entries idle ≥ minIdleMs, taken over from any (dead) consumer; trimmed ones with data null. */
  autoClaim(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]>;
  /** XRANGE start end COUNT count (inclusive ids). */
  range(stream: string, start: string, end: string, count: number): Promise<StreamEntry[]>;
  /** XDEL. */
  remove(stream: string, ids: string[]): Promise<number>;
  /** XLEN. */
  length(stream: string): Promise<number>;
  /** Number of pending entries of a group (XPENDING summary). */
  pendingCount(stream: string, group: string): Promise<number>;
  /** SET key NX PX ttl: true the first time a key is seen within its TTL (handler idempotency by event_id). */
  markOnce(key: string, ttlMs: number): Promise<boolean>;
  /** DEL key: forgets a markOnce (a handler that failed must be allowed to run again on retry). */
  unmark(key: string): Promise<void>;
  /** Wakes any blocked readGroup of this process so shutdown is prompt. */
  close(): Promise<void>;
}
