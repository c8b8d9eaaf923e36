// Stream names. Every key of a topic carries the hash tag {topic}, so one subscription's streams share a Redis
// Cluster slot and can be read in one XREADGROUP. The prefix lets tests (and several installs) share one Redis.
import type { Priority, Topic } from './event.ts';

export const PREFIX = 'titan';

export interface Keys {
  /** One stream per topic and priority, so a flood of low-priority events cannot hide high ones (weighted reads). */
  priority(topic: Topic, priority: Priority): string;
  /** Events requeued from the DLQ go back to the one group that failed them, not to every group of the topic. */
  requeue(topic: Topic, group: string): string;
  /** The dead-letter stream, errors.dlq. */
  readonly dlq: string;
  dedup(group: string, eventId: string): string;
}

export function keysFor(prefix = PREFIX): Keys {
  return {
    priority: (topic, priority) => `${prefix}:{${topic}}:${priority}`,
    requeue: (topic, group) => `${prefix}:{${topic}}:requeue:${group}`,
    dlq: `${prefix}:{errors.dlq}:low`,
    dedup: (group, eventId) => `${prefix}:dedup:${group}:${eventId}`,
  };
}
