// GET /api/health: which engine serves each concern and whether it answers. Public, so monitors need no token.
import * as v from 'valibot';
import type { RootStatus } from '../files/roots.ts';
import type { Engines } from '../storage/engines.ts';
import type { ApiRoutes } from './routes.ts';

const Status = v.object({
  engine: v.string(),
  target: v.string(),
  ok: v.boolean(),
  latency_ms: v.number(),
  error: v.optional(v.string()),
});

export const HealthSchema = v.object({
  status: v.picklist(['ok', 'degraded']),
  version: v.string(),
  uptime_s: v.number(),
  engines: v.object({ sql: Status, bus: Status, graph: Status, cache: Status }),
  setup_required: v.boolean(),
  /** The allowed folders; a missing one is reported here (files there are simply not reachable), not a failure. */
  folders: v.array(v.object({ path: v.string(), exists: v.boolean(), problem: v.optional(v.string()) })),
});

export function healthRoutes(
  api: ApiRoutes,
  deps: { engines: Engines; version: string; setupRequired: () => boolean; folders: () => RootStatus[] },
) {
  const started = Date.now();
  api.add(
    {
      method: 'get',
      path: '/api/health',
      summary: 'Engines in use and whether each answers',
      tag: 'system',
      public: true,
      response: HealthSchema,
      errors: [503],
    },
    async (c) => {
      const engines = await deps.engines.health();
      const ok = Object.values(engines).every((e) => e.ok);
      return c.json(
        {
          status: ok ? 'ok' : 'degraded',
          version: deps.version,
          uptime_s: Math.round((Date.now() - started) / 1000),
          engines,
          setup_required: deps.setupRequired(),
          folders: deps.folders(),
        },
        ok ? 200 : 503,
      );
    },
  );
}
