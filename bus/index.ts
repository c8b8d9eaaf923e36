// The titan bus: events on Redis Streams (or the embedded Sql log) with priorities, rate limits, retries, DLQ and replay.
export { Bus, type BusDeps } from './bus.ts';
export type { DeadLetter, DeadLetterEntry } from './deadLetters.ts';
export { BusError } from './errors/busError.ts';
export { EventTooLargeError } from './errors/eventTooLarge.ts';
export { InvalidEventError } from './errors/invalidEvent.ts';
export { type BusEvent, createEvent, decodeEvent, PRIORITIES, type Priority, TOPICS, type Topic } from './event.ts';
export { type BusMetrics, noMetrics, promBusMetrics } from './metrics.ts';
export type { BusOptions, StreamLimits } from './options.ts';
export {
  restoreFromSnapshots,
  type SnapshotCounts,
  SnapshotError,
  SnapshotStore,
  type SnapshotStoreConfig,
  Snapshotter,
  type SnapshotterOptions,
} from './snapshots.ts';
export type { Handler, HandlerContext, SubscribeOptions } from './subscription.ts';
export type { Transport } from './transport.ts';
