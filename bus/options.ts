// Bus options: every field has a documented default; per-stream limits and priority weights come from the settings.
import type { Priority, Topic } from './event.ts';

export interface StreamLimits {
  /** Approximate cap on entries kept per stream (XADD MAXLEN ~). */
  maxlen: number;
  /** Messages per second this topic's handlers may process, in this process. */
  rate_limit: number;
  /** Failed deliveries retried before the event goes to errors.dlq. */
  retry_limit: number;
}

export interface BusOptions {
  /** Prefix of every key, so several installs or test runs can share one Redis. Default: "titan". */
  prefix: string;
  /** Per-topic limits. Default: maxlen 100,000, rate 1,000/s, 5 retries for any topic not listed. */
  streams: Partial<Record<Topic, StreamLimits>>;
  /** Share of each read given to each priority level. Default: high 6, medium 3, low 1. */
  priorityWeights: Record<Priority, number>;
  /** Messages per second across all topics, in this process. Default: 5,000. */
  globalRateLimit: number;
  /** Unique and stable name of this process instance (e.g. from the data dir): consumer names derive from it. Default: hostname + random. */
  instanceId: string;
  /** XREADGROUP COUNT per read. Default: 100. */
  batchSize: number;
  /** XREADGROUP BLOCK in ms. Default: 2,000. */
  blockMs: number;
  /** Handlers running at once per subscription. Default: 16. */
  concurrency: number;
  /** First retry delay in ms; doubles per retry. Default: 200. */
  retryBaseMs: number;
  /** Longest retry delay in ms; kept below claimIdleMs so a live consumer retries its own work first. Default: 10,000. */
  retryMaxMs: number;
  /** Idle time after which another consumer's pending entry is taken over (XAUTOCLAIM). Default: 30,000. */
  claimIdleMs: number;
  /** A blocking read that has not returned after blockMs + this is presumed hung and the connection reset. Default: 5,000. */
  watchdogGraceMs: number;
  /** Window in which a handler marked idempotent skips an event_id it already handled. Default: 1 hour. */
  dedupWindowMs: number;
  /**
   * Whether a handler's error means a service it needs is down (the database, say) rather than that this event fails:
   * such an event is retried every retryMaxMs without counting toward retry_limit, so an outage never dead-letters
   * work that will succeed once the service is back. Default: no error is.
   */
  isOutage: (err: unknown) => boolean;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxlen: 100_000, rate_limit: 1000, retry_limit: 5 };

export function withDefaults(opts: Partial<BusOptions>): BusOptions {
  return {
    prefix: opts.prefix ?? 'titan',
    streams: opts.streams ?? {},
    priorityWeights: opts.priorityWeights ?? { high: 6, medium: 3, low: 1 },
    globalRateLimit: opts.globalRateLimit ?? 5000,
    instanceId: opts.instanceId ?? `${process.env.HOSTNAME ?? 'titan'}-${Math.random().toString(36).slice(2, 10)}`,
    batchSize: opts.batchSize ?? 100,
    blockMs: opts.blockMs ?? 2000,
    concurrency: opts.concurrency ?? 16,
    retryBaseMs: opts.retryBaseMs ?? 200,
    retryMaxMs: opts.retryMaxMs ?? 10_000,
    claimIdleMs: opts.claimIdleMs ?? 30_000,
    watchdogGraceMs: opts.watchdogGraceMs ?? 5000,
    dedupWindowMs: opts.dedupWindowMs ?? 3_600_000,
    isOutage: opts.isOutage ?? (() => false),
  };
}

export const limitsOf = (opts: BusOptions, topic: Topic): StreamLimits => opts.streams[topic] ?? DEFAULT_STREAM_LIMITS;

/** Splits one read's COUNT between the priority streams by weight; every level gets at least one. */
export function weightedCounts(weights: Record<Priority, number>, batch: number): Record<Priority, number> {
  const total = weights.high + weights.medium + weights.low;
  const share = (w: number) => Math.max(1, Math.round((batch * w) / total));
  return { high: share(weights.high), medium: share(weights.medium), low: share(weights.low) };
}

export function backoffMs(opts: BusOptions, retries: number): number {
  return Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** Math.max(0, retries - 1));
}
