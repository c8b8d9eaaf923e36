// GET /metrics: Prometheus text format. Behind the token like every other route (Prometheus sends it as a bearer credential).
import type { Hono, MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';

export function metricsRoutes(app: Hono, registry: Registry, auth: MiddlewareHandler) {
  app.get('/metrics', auth, async (c) =>
    c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }),
  );
}
