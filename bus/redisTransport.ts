// RedisTransport: the bus Transport on Redis Streams through ioredis (standalone, Sentinel or Cluster with hash tags).
import { Cluster } from 'ioredis';
import type { RedisClient } from '../daemon/storage/redisClient.ts';
import { BusError } from './errors/busError.ts';
import { compareIds } from './streamIds.ts';
import type { PendingEntry, StreamEntry, Transport } from './transport.ts';

/** The one field of every entry, holding the serialized event. */
const FIELD = 'e';

type RawEntry = [id: string, fields: string[] | null] | null;
/** XREADGROUP's reply: RESP2 gives [[stream, entries], …]; RESP3 (ioredis 6's default protocol) a map, which
 * `call` hands over flattened as [stream, entries, …] (or as a Map with replyMapping "resp3"); null when empty. */
type RawRead = [string, RawEntry[]][] | (string | RawEntry[])[] | Map<string, RawEntry[]> | null;

export interface RedisTransportOptions {
  /** The shared command client; the transport never closes it. */
  client: RedisClient;
  /**
   * A connection used only for blocking XREADGROUP, owned and closed by the transport: a blocked read stalls every
   * other command queued behind it on the same connection. Default: `client.duplicate()`.
   */
  blocking?: RedisClient;
  /**
   * After each XADD, WAIT until this many replicas have the entry (Sentinel setups): a publish that returns an id
   * then survives a failover. Unset: no waiting. Not used on Cluster, where WAIT would go to an arbitrary node.
   */
  waitReplicas?: { count: number; timeoutMs: number };
}

/** Maps a raw entry; null fields (trimmed while pending) give data null. A foreign entry without field "e" reads as
 * "" so the processor treats it as poison, not as a trimmed entry to drop silently. */
function toEntry(stream: string, raw: [string, string[] | null]): StreamEntry {
  const [id, fields] = raw;
  if (fields === null) return { stream, id, data: null };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === FIELD) return { stream, id, data: fields[i + 1] ?? '' };
  }
  return { stream, id, data: '' };
}

function toEntries(stream: string, raw: RawEntry[] | undefined): StreamEntry[] {
  // Redis before 7.0 answered XCLAIM/XAUTOCLAIM for a deleted entry with a bare nil: nothing to map it to.
  return (raw ?? []).filter((r): r is [string, string[] | null] => r !== null).map((r) => toEntry(stream, r));
}

function entriesByStream(reply: RawRead): Map<string, RawEntry[]> {
  if (reply === null) return new Map();
  if (reply instanceof Map) return reply;
  if (Array.isArray(reply[0])) return new Map(reply as [string, RawEntry[]][]);
  const flat = reply as (string | RawEntry[])[];
  const out = new Map<string, RawEntry[]>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i] as string, flat[i + 1] as RawEntry[]);
  return out;
}

/** Flattens an XREADGROUP reply into entries in the order of `streams` (priority order). */
function flattenRead(reply: RawRead, streams: string[]): StreamEntry[] {
  const byStream = entriesByStream(reply);
  return streams.flatMap((s) => toEntries(s, byStream.get(s)));
}

const ID_REFUSED = /equal or smaller than the target stream top item|must be greater than 0-0/;

/** Redis refuses an explicit XADD id not above the stream's top (or 0-0): the same typed error as the Sql transport. */
function explicitIdError(err: unknown, stream: string, id: string | undefined): unknown {
  if (id === undefined || !ID_REFUSED.test(String(err))) return err;
  return new BusError('id_too_small', `${(err as Error).message} (stream ${stream}, id ${id})`, { cause: err });
}

function duplicate(client: RedisClient): RedisClient {
  return client instanceof Cluster ? client.duplicate() : client.duplicate();
}

export class RedisTransport implements Transport {
  readonly kind = 'redis' as const;
  readonly #client: RedisClient;
  readonly #blocking: RedisClient;
  #closed = false;
  readonly #waitReplicas: RedisTransportOptions['waitReplicas'];

  constructor(opts: RedisTransportOptions) {
    this.#client = opts.client;
    this.#blocking = opts.blocking ?? duplicate(opts.client);
    // Its failures surface as rejected reads (and the watchdog); an 'error' event with no listener would be logged raw.
    this.#blocking.on('error', () => {});
    this.#waitReplicas = opts.waitReplicas;
  }

  async append(stream: string, data: string, maxlen: number, id?: string): Promise<string> {
    const wait = this.#waitReplicas;
    if (!wait || this.#client instanceof Cluster) {
      try {
        return (await this.#client.call('XADD', stream, 'MAXLEN', '~', maxlen, id ?? '*', FIELD, data)) as string;
      } catch (err) {
        throw explicitIdError(err, stream, id);
      }
    }
    // One pipeline, so the WAIT follows exactly this XADD on the same connection.
    const results = await this.#client
      .pipeline()
      .call('XADD', stream, 'MAXLEN', '~', maxlen, id ?? '*', FIELD, data)
      .call('WAIT', wait.count, wait.timeoutMs)
      .exec();
    const [added, waited] = results ?? [];
    if (added?.[0]) throw explicitIdError(added[0], stream, id);
    if (waited?.[0]) throw waited[0];
    const replicas = Number(waited?.[1] ?? 0);
    if (replicas < wait.count) {
      throw new BusError(
        'not_replicated',
        `the event reached ${replicas} of ${wait.count} replicas within ${wait.timeoutMs} ms; it may be lost in a failover — publish again`,
      );
    }
    return added?.[1] as string;
  }

  async ensureGroup(stream: string, group: string, start: '$' | '0'): Promise<void> {
    try {
      await this.#client.call('XGROUP', 'CREATE', stream, group, start, 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  /**
   * Redis takes one COUNT per XREADGROUP, so weighted per-stream counts are read as one non-blocking XREADGROUP per
   * stream, each with its own COUNT (sent together: one round trip, and on a Cluster each goes to its own slot).
   * Only when every stream is empty does one blocking XREADGROUP wait on all of them at once; its COUNT is the
   * smallest of the counts so no stream can get more than its share from the wake-up, and the next call, being
   * non-blocking again while entries remain, fills the full weights. On a Cluster the streams of one call must share
   * a hash slot (bus/keys.ts tags every stream of a topic with {topic}).
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
    const reads = await Promise.all(
      wanted.map(
        async ({ stream, count }) =>
          (await this.#client.call(
            'XREADGROUP',
            'GROUP',
            group,
            consumer,
            'COUNT',
            count,
            'STREAMS',
            stream,
            from,
          )) as RawRead,
      ),
    );
    const names = wanted.map((s) => s.stream);
    const found = reads.flatMap((reply) => flattenRead(reply, names));
    // blockMs 0 means "do not block" here; Redis's BLOCK 0 would wait forever.
    if (found.length > 0 || from === '0' || blockMs <= 0) return found;
    return this.#blockingRead(group, consumer, wanted, blockMs);
  }

  async #blockingRead(
    group: string,
    consumer: string,
    streams: { stream: string; count: number }[],
    blockMs: number,
  ): Promise<StreamEntry[]> {
    const names = streams.map((s) => s.stream);
    const count = Math.min(...streams.map((s) => s.count));
    try {
      const reply = (await this.#blocking.call(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        ...names,
        ...names.map(() => '>'),
      )) as RawRead;
      return flattenRead(reply, names);
    } catch (err) {
      // close() disconnects the blocking connection under a pending read: that is a shutdown, not a failure.
      if (this.#closed) return [];
      throw err;
    }
  }

  async ack(stream: string, group: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.#client.call('XACK', stream, group, ...ids)) as number;
  }

  async pending(stream: string, group: string, minIdleMs: number, count: number): Promise<PendingEntry[]> {
    const rows = (await this.#client.call('XPENDING', stream, group, 'IDLE', minIdleMs, '-', '+', count)) as [
      string,
      string,
      number,
      number,
    ][];
    return rows.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs, deliveries }));
  }

  /**
   * Redis 7 XCLAIM drops an entry deleted by trimming from the PEL and leaves it out of the reply, indistinguishable
   * from "not pending" or "not idle enough". So, in one MULTI (atomic, one key so fine on a Cluster), XPENDING first
   * tells which of the ids are pending and idle enough; those missing from the XCLAIM reply were trimmed.
   */
  async claim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    ids: string[],
  ): Promise<StreamEntry[]> {
    if (ids.length === 0) return [];
    const tx = this.#client.multi();
    for (const id of ids) tx.call('XPENDING', stream, group, 'IDLE', minIdleMs, id, id, 1);
    tx.call('XCLAIM', stream, group, consumer, minIdleMs, ...ids);
    const results = (await tx.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    const claimable = new Set(
      results.slice(0, ids.length).flatMap(([, rows]) => (rows as [string][]).map((r) => r[0])),
    );
    const claimed = new Map(toEntries(stream, results[ids.length]?.[1] as RawEntry[]).map((e) => [e.id, e]));
    return ids
      .filter((id) => claimable.has(id))
      .map((id) => {
        const got = claimed.get(id);
        return got && got.data !== null ? got : { stream, id, data: null };
      });
  }

  /** XAUTOCLAIM from 0-0, following the cursor until it wraps to 0-0 or `count` entries were taken. */
  async autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    const out: StreamEntry[] = [];
    let cursor = '0-0';
    do {
      const [nextCursor, claimed, deleted] = (await this.#client.call(
        'XAUTOCLAIM',
        stream,
        group,
        consumer,
        minIdleMs,
        cursor,
        'COUNT',
        count - out.length,
      )) as [string, RawEntry[], string[] | undefined];
      out.push(...toEntries(stream, claimed));
      // Redis 7 returns the ids it found trimmed (and removed from the PEL) as a third element.
      out.push(...(deleted ?? []).map((id) => ({ stream, id, data: null })));
      cursor = nextCursor;
    } while (cursor !== '0-0' && out.length < count);
    return out.sort((a, b) => compareIds(a.id, b.id));
  }

  async range(stream: string, start: string, end: string, count: number): Promise<StreamEntry[]> {
    const raw = (await this.#client.call('XRANGE', stream, start, end, 'COUNT', count)) as RawEntry[];
    return toEntries(stream, raw);
  }

  async remove(stream: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.#client.call('XDEL', stream, ...ids)) as number;
  }

  async length(stream: string): Promise<number> {
    return (await this.#client.call('XLEN', stream)) as number;
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    const [count] = (await this.#client.call('XPENDING', stream, group)) as [number];
    return count;
  }

  async markOnce(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#client.call('SET', key, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unmark(key: string): Promise<void> {
    await this.#client.call('DEL', key);
  }

  /** Disconnects the blocking connection, so a blocked read ends now; the shared command client stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#blocking.disconnect();
  }
}

/** A transport on `client`, with its own duplicated connection for blocking reads. */
export function createRedisTransport(client: RedisClient): RedisTransport {
  return new RedisTransport({ client });
}

/**
 * A warning when Redis may evict keys (streams!) under memory pressure: only `noeviction` and `volatile-*` leave keys
 * without a TTL alone. Null when the policy is safe or cannot be read (CONFIG disabled on managed services).
 */
export async function evictionPolicyWarning(client: RedisClient): Promise<string | null> {
  let policy: string | undefined;
  try {
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch {
    return null;
  }
  if (!policy || policy === 'noeviction' || policy.startsWith('volatile-')) return null;
  return `Redis maxmemory-policy is "${policy}": when maxmemory is reached Redis may evict bus streams and lose events; set it to "noeviction" (or a volatile-* policy).`;
}
