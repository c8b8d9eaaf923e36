// GET /api/triggers/firings: what the trigger rules did lately (newest first) — the rules themselves are settings.
import * as v from 'valibot';
import type { ApiRoutes } from '../../http/routes.ts';
import { intParam } from '../../http/validate.ts';
import type { FiringLog } from './firings.ts';

const FiringView = v.object({
  id: v.string(),
  rule_id: v.string(),
  event_id: v.string(),
  topic: v.string(),
  event_type: v.string(),
  action: v.string(),
  outcome: v.picklist(['ok', 'failed', 'skipped']),
  error: v.nullable(v.string()),
  detail: v.record(v.string(), v.unknown()),
  at: v.string(),
});

export function triggerRoutes(api: ApiRoutes, deps: { firings: FiringLog }): void {
  api.add(
    {
      method: 'get',
      path: '/api/triggers/firings',
      summary: 'Recent firings of the trigger rules (settings key triggers.rules), newest first, with their outcome',
      tag: 'triggers',
      query: v.strictObject({
        rule_id: v.optional(v.pipe(v.string(), v.minLength(1))),
        limit: v.optional(intParam(1, 200, 'limit'), '50'),
      }),
      response: v.object({ firings: v.array(FiringView) }),
    },
    async (c, { query }) => c.json({ firings: deps.firings.list(query.rule_id, Number(query.limit)) }),
  );
}
