// One subscription (topic, group, handler): reads by priority weight, rate-limits, dispatches, acks, retries with
// backoff, dead-letters, and takes over entries a dead consumer left pending. Each runs and fails on its own.

import { writeDeadLetter } from './deadLetters.ts';
import { type BusEvent, decodeEvent, PRIORITIES, type Topic } from './event.ts';
import type { Keys } from './keys.ts';
import type { BusMetrics } from './metrics.ts';
import { type BusOptions, backoffMs, limitsOf, weightedCounts } from './options.ts';
import { Semaphore } from './semaphore.ts';
import type { TokenBucket } from './tokenBucket.ts';
import { handlerSpan } from './tracing.ts';
import type { StreamEntry, Transport } from './transport.ts';

export interface HandlerContext {
  entryId: string;
  stream: string;
  /** Deliveries so far including this one. */
  deliveries: number;
}

export type Handler = (event: BusEvent, ctx: HandlerContext) => unknown;

export interface SubscribeOptions {
  /** Where a NEW group starts: "new" events only (default) or "all" of the stream's history. */
  start?: 'new' | 'all';
  /** Skip an event_id this group already handled within the dedup window. Default: false. */
  idempotent?: boolean;
  /** Leave events pending after the handler resolves until `bus.ack(eventId)` (e.g. a remote subscriber). Default: false. */
  manualAck?: boolean;
}

export interface SubscriptionDeps {
  transport: Transport;
  keys: Keys;
  /** A transport for this subscription's blocking reads (its own Redis connection); replaced by the watchdog. */
  openReader: () => Transport;
  options: () => BusOptions;
  globalLimit: TokenBucket;
  topicLimit: TokenBucket;
  metrics: BusMetrics;
  dlqMaxlen: () => number;
  onError: (err: unknown, what: string) => void;
  onDeadLetter: (letter: DeadLetterNotice) => void;
}

export interface DeadLetterNotice {
  id: string;
  reason: 'poison' | 'handler_failed';
  topic: string;
  group: string;
  eventId: string | null;
  error: string;
}

interface Failed {
  stream: string;
  dueAt: number;
  deliveries: number;
}

const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Subscription {
  readonly topic: Topic;
  readonly group: string;
  readonly consumer: string;
  readonly streams: string[];
  private readonly handler: Handler;
  private readonly sub: SubscribeOptions;
  private readonly deps: SubscriptionDeps;
  private reader: Transport;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<string>();
  private readonly failed = new Map<string, Failed>();
  private readonly awaitingAck = new Map<string, StreamEntry>();
  /** Entry ids held by a manualAck handler: still ours, not abandoned, whatever their idle time. */
  private readonly awaitingEntries = new Set<string>();
  private readonly permits: Semaphore;
  private readonly concurrency: number;

  constructor(
    topic: Topic,
    group: string,
    handler: Handler,
    sub: SubscribeOptions,
    consumer: string,
    deps: SubscriptionDeps,
  ) {
    this.topic = topic;
    this.group = group;
    this.handler = handler;
    this.sub = sub;
    this.deps = deps;
    // Stable for a given instance (so a restart drains its own pending entries), unique across instances.
    this.consumer = consumer;
    this.streams = [...PRIORITIES.map((p) => deps.keys.priority(topic, p)), deps.keys.requeue(topic, group)];
    this.reader = deps.openReader();
    this.concurrency = deps.options().concurrency;
    this.permits = new Semaphore(this.concurrency);
  }

  async start(): Promise<void> {
    const start = this.sub.start === 'all' ? '0' : '$';
    for (const [i, s] of this.streams.entries()) {
      // The requeue stream only ever holds this group's events: read it from the beginning.
      await this.deps.transport.ensureGroup(s, this.group, i === 3 ? '0' : start);
    }
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.reader.close();
    await this.loop;
    await this.permits.drain(this.concurrency);
  }

  private async run(): Promise<void> {
    try {
      await this.drainOwnPending();
    } catch (err) {
      this.deps.onError(err, `draining pending entries of ${this.topic}/${this.group}`);
    }
    let lastClaim = Date.now();
    while (this.running) {
      try {
        const opts = this.deps.options();
        if (this.failed.size > 0) await this.retryDue();
        if (Date.now() - lastClaim >= opts.claimIdleMs / 2) {
          lastClaim = Date.now();
          await this.reclaimAbandoned();
        }
        const entries = await this.readNew(opts);
        await this.dispatch(entries.map((e) => ({ entry: e, deliveries: 1 })));
        // An in-process store (PGlite) answers through promises alone, never through I/O: without a yield a backlog
        // would keep this loop in microtasks and starve timers and HTTP requests until it drained.
        await yieldToEventLoop();
      } catch (err) {
        if (!this.running) break;
        this.deps.onError(err, `reading ${this.topic}/${this.group}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Acks a delivered event of a manualAck subscription; false when this subscription is not holding it. */
  async ack(eventId: string): Promise<boolean> {
    const entry = this.awaitingAck.get(eventId);
    if (!entry) return false;
    this.awaitingAck.delete(eventId);
    this.awaitingEntries.delete(entry.id);
    const n = await this.deps.transport.ack(entry.stream, this.group, [entry.id]);
    if (n > 0) this.deps.metrics.handled(this.topic, this.group, 'ok');
    return n > 0;
  }

  /** Weighted read of new entries; blocks at most until the next retry is due. */
  private async readNew(opts: BusOptions): Promise<StreamEntry[]> {
    const counts = weightedCounts(opts.priorityWeights, opts.batchSize);
    const streams = [
      { stream: this.streams[0] as string, count: counts.high },
      { stream: this.streams[1] as string, count: counts.medium },
      { stream: this.streams[2] as string, count: counts.low },
      { stream: this.streams[3] as string, count: counts.medium },
    ];
    const nextDue = Math.min(...[...this.failed.values()].map((f) => f.dueAt));
    const block = Math.max(10, Math.min(opts.blockMs, Number.isFinite(nextDue) ? nextDue - Date.now() : opts.blockMs));
    return this.withWatchdog(() => this.reader.readGroup(this.group, this.consumer, streams, '>', block), block, opts);
  }

  /**
   * A blocking read that outlives its BLOCK time by the grace period has hung (e.g. after a reconnect that lost the
   * reply): drop that connection and carry on with a fresh one. Entries it may have delivered stay pending for us.
   */
  private async withWatchdog<T>(read: () => Promise<T>, blockMs: number, opts: BusOptions): Promise<T | []> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), blockMs + opts.watchdogGraceMs);
    });
    try {
      const result = await Promise.race([read(), hung]);
      if (result !== 'hung') return result;
      this.deps.onError(
        new Error(`blocking read hung for ${blockMs + opts.watchdogGraceMs} ms; reconnecting`),
        'watchdog',
      );
      const old = this.reader;
      this.reader = this.deps.openReader();
      void old.close().catch(() => {});
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  /** On start: what this consumer had been given but not acked before it stopped or crashed. */
  private async drainOwnPending(): Promise<void> {
    const opts = this.deps.options();
    const streams = this.streams.map((stream) => ({ stream, count: opts.batchSize * 10 }));
    const entries = await this.reader.readGroup(this.group, this.consumer, streams, '0', 0);
    if (entries.length === 0) return;
    const deliveries = await this.deliveriesOf(entries);
    await this.dispatch(entries.map((e) => ({ entry: e, deliveries: deliveries.get(e.id) ?? 1 })));
  }

  private async deliveriesOf(entries: StreamEntry[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const stream of new Set(entries.map((e) => e.stream))) {
      for (const p of await this.deps.transport.pending(stream, this.group, 0, 10_000)) out.set(p.id, p.deliveries);
    }
    return out;
  }

  /** Failed entries stay pending for us; once their backoff has passed we claim them again (deliveries + 1). */
  private async retryDue(): Promise<void> {
    const now = Date.now();
    for (const [id, f] of this.failed) {
      if (f.dueAt > now || this.inFlight.has(id)) continue;
      this.failed.delete(id);
      const [entry] = await this.deps.transport.claim(f.stream, this.group, this.consumer, 0, [id]);
      if (entry) await this.dispatch([{ entry, deliveries: f.deliveries + 1 }]);
    }
  }

  /** Entries idle past claimIdleMs belonged to a consumer that died: take them over (XAUTOCLAIM). */
  private async reclaimAbandoned(): Promise<void> {
    const opts = this.deps.options();
    for (const stream of this.streams) {
      const claimed = (
        await this.deps.transport.autoClaim(stream, this.group, this.consumer, opts.claimIdleMs, opts.batchSize)
      ).filter((e) => !this.inFlight.has(e.id) && !this.failed.has(e.id) && !this.awaitingEntries.has(e.id));
      if (claimed.length === 0) continue;
      const deliveries = await this.deliveriesOf(claimed);
      await this.dispatch(claimed.map((e) => ({ entry: e, deliveries: deliveries.get(e.id) ?? 1 })));
    }
  }

  /** Highest priority first; each waits for rate-limit tokens (delayed, never dropped) and a concurrency permit. */
  private async dispatch(batch: { entry: StreamEntry; deliveries: number }[]): Promise<void> {
    const rank = (e: StreamEntry) => {
      const i = this.streams.indexOf(e.stream);
      return i === 3 ? 1 : (PRIORITY_RANK[PRIORITIES[i] ?? 'low'] ?? 2);
    };
    const sorted = [...batch].sort((a, b) => rank(a.entry) - rank(b.entry));
    for (const [i, item] of sorted.entries()) {
      if (i > 0 && i % 16 === 0) await yieldToEventLoop();
      const waited = (await this.deps.globalLimit.take()) + (await this.deps.topicLimit.take());
      if (waited > 0) this.deps.metrics.rateLimited(this.topic, waited);
      await this.permits.acquire();
      this.inFlight.add(item.entry.id);
      void this.handle(item.entry, item.deliveries).finally(() => {
        this.inFlight.delete(item.entry.id);
        this.permits.release();
      });
    }
  }

  private async handle(entry: StreamEntry, deliveries: number): Promise<void> {
    const { transport, metrics } = this.deps;
    const ack = () => transport.ack(entry.stream, this.group, [entry.id]);
    try {
      if (entry.data === null) {
        // Trimmed by MAXLEN while pending: nothing left to handle; ack so it cannot wedge the group.
        await ack();
        metrics.handled(this.topic, this.group, 'trimmed');
        return;
      }
      let event: BusEvent;
      try {
        event = decodeEvent(entry.data);
      } catch (err) {
        await this.deadLetter(entry, null, err, 'poison', deliveries - 1);
        await ack();
        metrics.handled(this.topic, this.group, 'poison');
        return;
      }
      const retries = deliveries - 1;
      event = { ...event, meta: { ...event.meta, retries } };
      // A remote (manualAck) subscriber never throws: an event it keeps failing to ack is dead-lettered the same way.
      if (this.sub.manualAck && retries > limitsOf(this.deps.options(), this.topic).retry_limit) {
        await this.deadLetter(
          entry,
          event,
          new Error(`not acknowledged after ${deliveries - 1} deliveries`),
          'handler_failed',
          retries,
        );
        await ack();
        metrics.handled(this.topic, this.group, 'dlq');
        return;
      }
      const key = this.deps.keys.dedup(this.group, event.event_id);
      if (this.sub.idempotent && !(await transport.markOnce(key, this.deps.options().dedupWindowMs))) {
        await ack();
        metrics.handled(this.topic, this.group, 'duplicate');
        return;
      }
      try {
        await handlerSpan(event, this.group, async () => {
          await this.handler(event, { entryId: entry.id, stream: entry.stream, deliveries });
        });
      } catch (err) {
        if (this.sub.idempotent) await transport.unmark(key);
        await this.onHandlerError(entry, event, err, retries);
        return;
      }
      if (this.sub.manualAck) {
        this.awaitingAck.set(event.event_id, entry);
        this.awaitingEntries.add(entry.id);
        return;
      }
      await ack();
      metrics.handled(this.topic, this.group, 'ok', Math.max(0, Date.now() - Date.parse(event.timestamp)));
    } catch (err) {
      // The store failed under us (connection lost): the entry stays pending and is retried or reclaimed.
      this.deps.onError(err, `handling ${entry.stream} ${entry.id}`);
    }
  }

  private async onHandlerError(entry: StreamEntry, event: BusEvent, err: unknown, retries: number): Promise<void> {
    const opts = this.deps.options();
    if (opts.isOutage(err)) {
      // Not this event's fault: wait for the service at the longest backoff, and keep its retry count where it was.
      this.failed.set(entry.id, { stream: entry.stream, dueAt: Date.now() + opts.retryMaxMs, deliveries: retries });
      this.deps.metrics.handled(this.topic, this.group, 'retry');
      return;
    }
    const limit = limitsOf(opts, this.topic).retry_limit;
    if (retries >= limit) {
      await this.deadLetter(entry, event, err, 'handler_failed', retries);
      await this.deps.transport.ack(entry.stream, this.group, [entry.id]);
      this.deps.metrics.handled(this.topic, this.group, 'dlq');
      return;
    }
    const dueAt = Date.now() + backoffMs(opts, retries + 1);
    this.failed.set(entry.id, { stream: entry.stream, dueAt, deliveries: retries + 1 });
    this.deps.metrics.handled(this.topic, this.group, 'retry');
  }

  private async deadLetter(
    entry: StreamEntry,
    event: BusEvent | null,
    err: unknown,
    reason: 'poison' | 'handler_failed',
    retries: number,
  ): Promise<void> {
    const id = await writeDeadLetter(this.deps.transport, this.deps.keys, this.deps.dlqMaxlen(), {
      reason,
      group: this.group,
      original_topic: this.topic,
      original_stream: entry.stream,
      original_entry_id: entry.id,
      original_event_id: event?.event_id ?? null,
      error: err,
      retries,
      event,
      raw: event ? null : entry.data,
    });
    this.deps.onDeadLetter({
      id,
      reason,
      topic: this.topic,
      group: this.group,
      eventId: event?.event_id ?? null,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
