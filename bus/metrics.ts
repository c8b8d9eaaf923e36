// Bus metrics for Prometheus (prom-client): messages by outcome, publish→handled latency, pending and DLQ gauges, rate-limit waits.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type Outcome = 'ok' | 'retry' | 'dlq' | 'poison' | 'trimmed' | 'duplicate';

export interface BusMetrics {
  published(topic: string, priority: string): void;
  handled(topic: string, group: string, outcome: Outcome, latencyMs?: number): void;
  rateLimited(topic: string, waitedMs: number): void;
}

export const noMetrics: BusMetrics = { published() {}, handled() {}, rateLimited() {} };

/** Registers the bus's metrics; `gauges` is asked at scrape time for pending counts and the DLQ length. */
export function promBusMetrics(
  registry: Registry,
  gauges: () => Promise<{ pending: { topic: string; group: string; count: number }[]; dlq: number }>,
): BusMetrics {
  const messages = new Counter({
    name: 'titan_bus_messages_total',
    help: 'Bus messages handled, by topic, consumer group and outcome (ok, retry, dlq, poison, trimmed, duplicate)',
    labelNames: ['topic', 'group', 'outcome'],
    registers: [registry],
  });
  const publishedTotal = new Counter({
    name: 'titan_bus_published_total',
    help: 'Events published, by topic and priority',
    labelNames: ['topic', 'priority'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'titan_bus_processing_latency_ms',
    help: 'Time from publish to handler completion, in milliseconds',
    labelNames: ['topic', 'group'],
    buckets: [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    registers: [registry],
  });
  const waits = new Counter({
    name: 'titan_bus_rate_limit_waits_total',
    help: 'Times a handler waited for a rate-limit token, by topic',
    labelNames: ['topic'],
    registers: [registry],
  });
  const waitedMs = new Counter({
    name: 'titan_bus_rate_limit_wait_ms_total',
    help: 'Milliseconds spent waiting for rate-limit tokens, by topic',
    labelNames: ['topic'],
    registers: [registry],
  });
  new Gauge({
    name: 'titan_bus_pending',
    help: 'Entries delivered but not yet acknowledged, by topic and group',
    labelNames: ['topic', 'group'],
    registers: [registry],
    async collect() {
      const { pending } = await gauges();
      this.reset();
      for (const p of pending) this.set({ topic: p.topic, group: p.group }, p.count);
    },
  });
  new Gauge({
    name: 'titan_bus_dlq_length',
    help: 'Entries in the dead-letter stream errors.dlq',
    registers: [registry],
    async collect() {
      this.set((await gauges()).dlq);
    },
  });
  return {
    published: (topic, priority) => publishedTotal.inc({ topic, priority }),
    handled(topic, group, outcome, ms) {
      messages.inc({ topic, group, outcome });
      if (ms !== undefined && outcome === 'ok') latency.observe({ topic, group }, ms);
    },
    rateLimited(topic, ms) {
      waits.inc({ topic });
      waitedMs.inc({ topic }, ms);
    },
  };
}
