// OpenTelemetry tracing: off by default; with telemetry.otlp_endpoint set, spans (bus publish → handle) go there over OTLP/HTTP.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { setBusTracing } from '../bus/tracing.ts';

export interface Tracing {
  /** Sends what is buffered now (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Registers a global tracer provider exporting to `endpoint`; returns null (tracing stays a no-op) when it is null. */
export function startTracing(endpoint: string | null, version: string): Tracing | null {
  if (!endpoint) return null;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'titan', 'service.version': version }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint }), scheduledDelayMillis: 1000 }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  setBusTracing(true);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      setBusTracing(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
