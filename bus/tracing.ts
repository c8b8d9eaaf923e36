// OpenTelemetry spans for publish → dispatch → handler, joined by the event's trace_id (a no-op unless an SDK is registered).
import { context, type Span, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import type { BusEvent } from './event.ts';

const tracer = trace.getTracer('titan.bus');

// Spans cost about 13 µs per event even with no SDK registered (bench/bus.bench.ts): skip them unless tracing is on.
let enabled = false;

/** Turned on by the daemon when an exporter is configured (daemon/telemetry.ts). */
export function setBusTracing(on: boolean): void {
  enabled = on;
}

/** The trace id of the active span, so an event published inside a traced request joins that trace. */
export function activeTraceId(): string | undefined {
  if (!enabled) return undefined;
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

export function publishSpan<T>(
  topic: string,
  traceId: string | undefined,
  fn: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!enabled) return fn();
  const parent = traceId ? remoteParent(traceId) : context.active();
  return tracer.startActiveSpan(`bus.publish ${topic}`, { kind: SpanKind.PRODUCER }, parent, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

export function handlerSpan<T>(event: BusEvent, group: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  return tracer.startActiveSpan(
    `bus.handle ${event.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'titan.bus',
        'messaging.destination.name': event.topic,
        'messaging.consumer.group.name': group,
        'messaging.message.id': event.event_id,
        'titan.retries': event.meta.retries,
      },
    },
    remoteParent(event.meta.trace_id),
    async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.recordException(err as Error);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

function remoteParent(traceId: string) {
  const spanId = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  return trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}
