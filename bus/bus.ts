// The bus API of DESIGN.md — publish, subscribe, ack, replay — plus dead letters and live reconfiguration, over one Transport.

import { discardDeadLetter, listDeadLetters, requeueDeadLetter } from './deadLetters.ts';
import { BusError } from './errors/busError.ts';
import { InvalidEventError } from './errors/invalidEvent.ts';
import { type BusEvent, createEvent, type PublishOptions, TOPICS, type Topic } from './event.ts';
import { type Keys, keysFor } from './keys.ts';
import { type BusMetrics, noMetrics } from './metrics.ts';
import { type BusOptions, limitsOf, withDefaults } from './options.ts';
import { replayEntries } from './replay.ts';
import { type DeadLetterNotice, type Handler, type SubscribeOptions, Subscription } from './subscription.ts';
import { TokenBucket } from './tokenBucket.ts';
import { activeTraceId, publishSpan } from './tracing.ts';
import type { Transport } from './transport.ts';

export interface BusDeps {
  transport: Transport;
  /** A transport for one subscription's blocking reads; Redis gives each its own connection. Default: `transport`. */
  openReader?: () => Transport;
  metrics?: BusMetrics;
  onError?: (err: unknown, what: string) => void;
  /** Told of every dead letter written (the daemon audits them). */
  onDeadLetter?: (letter: DeadLetterNotice) => void;
}

export class Bus {
  private options: BusOptions;
  private readonly keys: Keys;
  private readonly transport: Transport;
  private readonly openReader: () => Transport;
  private metrics: BusMetrics;
  private readonly onError: (err: unknown, what: string) => void;
  private onDeadLetter_: (letter: DeadLetterNotice) => void;
  private readonly globalLimit: TokenBucket;
  private readonly topicLimits = new Map<Topic, TokenBucket>();
  private readonly subscriptions: Subscription[] = [];

  constructor(deps: BusDeps, options: Partial<BusOptions> = {}) {
    this.options = withDefaults(options);
    this.keys = keysFor(this.options.prefix);
    this.transport = deps.transport;
    this.openReader = deps.openReader ?? (() => deps.transport);
    this.metrics = deps.metrics ?? noMetrics;
    this.onError = deps.onError ?? (() => {});
    this.onDeadLetter_ = deps.onDeadLetter ?? (() => {});
    this.globalLimit = new TokenBucket(this.options.globalRateLimit);
    for (const t of TOPICS) this.topicLimits.set(t, new TokenBucket(limitsOf(this.options, t).rate_limit));
  }

  /** Sets who is told of each dead letter (the daemon audits them). */
  onDeadLetter(listener: (letter: DeadLetterNotice) => void): void {
    this.onDeadLetter_ = listener;
  }

  /** Metrics can be attached after construction, since their gauges ask the bus itself. */
  setMetrics(metrics: BusMetrics): void {
    this.metrics = metrics;
  }

  get kind(): Transport['kind'] {
    return this.transport.kind;
  }

  /** Validates, then appends to the topic's stream for its priority; resolves to the event_id. Nothing is written on error. */
  async publish(topic: string, eventType: string, payload: unknown, opts: PublishOptions = {}): Promise<string> {
    if (topic === 'errors.dlq')
      throw new InvalidEventError('errors.dlq is written by the bus itself, not published to');
    const event = createEvent(topic, eventType, payload, { ...opts, traceId: opts.traceId ?? activeTraceId() });
    await publishSpan(event.topic, event.meta.trace_id, async (span) => {
      span?.setAttribute('messaging.message.id', event.event_id);
      await this.transport.append(
        this.keys.priority(event.topic, event.meta.priority),
        JSON.stringify(event),
        limitsOf(this.options, event.topic).maxlen,
      );
    });
    this.metrics.published(event.topic, event.meta.priority);
    return event.event_id;
  }

  /** Starts delivering the topic's events to `handler` in consumer group `group`; resolves once the group exists. */
  async subscribe(topic: Topic, group: string, handler: Handler, opts: SubscribeOptions = {}): Promise<Subscription> {
    if (!TOPICS.includes(topic) || topic === 'errors.dlq')
      throw new BusError('invalid_topic', `cannot subscribe to "${topic}"`);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(group)) {
      throw new BusError('invalid_group', 'a group name has 1–64 letters, digits, dots, dashes or underscores');
    }
    // Several subscriptions of one group and topic in one process get numbered consumer names, stable across restarts.
    const twins = this.subscriptions.filter((s) => s.topic === topic && s.group === group).length;
    const consumer = twins === 0 ? this.options.instanceId : `${this.options.instanceId}-${twins}`;
    const sub = new Subscription(topic, group, handler, opts, consumer, {
      transport: this.transport,
      keys: this.keys,
      openReader: this.openReader,
      options: () => this.options,
      globalLimit: this.globalLimit,
      topicLimit: this.topicLimits.get(topic) as TokenBucket,
      metrics: this.metrics,
      dlqMaxlen: () => limitsOf(this.options, 'errors.dlq').maxlen,
      onError: this.onError,
      onDeadLetter: (letter) => this.onDeadLetter_(letter),
    });
    await sub.start();
    this.subscriptions.push(sub);
    return sub;
  }

  /** Stops one subscription (e.g. a remote subscriber disconnected); its group and offsets remain. */
  async unsubscribe(sub: Subscription): Promise<void> {
    const i = this.subscriptions.indexOf(sub);
    if (i === -1) return;
    this.subscriptions.splice(i, 1);
    await sub.stop();
  }

  /**
   * Acknowledges a delivered event of a `manualAck` subscription (other handlers are acked when they resolve);
   * `group` picks one when several groups hold the same event. Resolves false when nothing was waiting for it.
   */
  async ack(eventId: string, group?: string): Promise<boolean> {
    for (const s of this.subscriptions) {
      if (group !== undefined && s.group !== group) continue;
      if (await s.ack(eventId)) return true;
    }
    return false;
  }

  /** Events of `topic` written from `fromMs` to `toMs` (inclusive, the store's clock), oldest first, every one. */
  async *replay(fromMs: number, topic: Topic, toMs?: number): AsyncGenerator<BusEvent> {
    for await (const { event } of replayEntries(this.transport, this.keys, topic, fromMs, toMs)) yield event;
  }

  /** Replays a range into a handler: a separate, explicit call so replay never re-triggers side effects by accident. */
  async replayInto(fromMs: number, topic: Topic, handler: (e: BusEvent) => unknown, toMs?: number): Promise<number> {
    let n = 0;
    for await (const event of this.replay(fromMs, topic, toMs)) {
      await handler(event);
      n++;
    }
    return n;
  }

  deadLetters(cursor: string | null, limit: number) {
    return listDeadLetters(this.transport, this.keys, cursor, limit);
  }

  requeueDeadLetter(id: string): Promise<string> {
    return requeueDeadLetter(this.transport, this.keys, id, limitsOf(this.options, 'chat.v1').maxlen);
  }

  discardDeadLetter(id: string): Promise<boolean> {
    return discardDeadLetter(this.transport, this.keys, id);
  }

  dlqLength(): Promise<number> {
    return this.transport.length(this.keys.dlq);
  }

  async pendingCounts(): Promise<{ topic: string; group: string; count: number }[]> {
    const out: { topic: string; group: string; count: number }[] = [];
    for (const s of this.subscriptions) {
      let count = 0;
      for (const stream of s.streams) count += await this.transport.pendingCount(stream, s.group);
      out.push({ topic: s.topic, group: s.group, count });
    }
    return out;
  }

  /** New limits and weights take effect at once for running subscriptions (SIGHUP, PUT /api/bus/config). */
  configure(options: Partial<Pick<BusOptions, 'streams' | 'priorityWeights' | 'globalRateLimit'>>): void {
    this.options = { ...this.options, ...options };
    this.globalLimit.setRate(this.options.globalRateLimit);
    for (const [t, bucket] of this.topicLimits) bucket.setRate(limitsOf(this.options, t).rate_limit);
  }

  currentOptions(): Readonly<BusOptions> {
    return this.options;
  }

  /** Stops every subscription and waits for running handlers; the transport stays open. */
  async closeSubscriptions(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.stop()));
  }

  async close(): Promise<void> {
    await this.closeSubscriptions();
    await this.transport.close();
  }
}
