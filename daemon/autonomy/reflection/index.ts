// The self-reflection feature: the Reflector (deps.services.reflection) the scheduler's built-in `self-reflection`
// job calls each evening, and POST /api/reflection/run to reflect on a day now.
import * as v from 'valibot';
import type { AutonomyDeps, Feature } from '../types.ts';
import { dayKey } from './dayActivity.ts';
import { DailyReflector } from './reflector.ts';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-11-25" → noon of that local day (noon: never shifted into a neighbour by a daylight-saving hour). */
export function parseDay(s: string): Date | null {
  const m = DAY.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  return dayKey(d) === s ? d : null;
}

export async function openReflection(deps: AutonomyDeps): Promise<Feature> {
  const reflector = new DailyReflector({
    sql: deps.engines.sql,
    bus: deps.bus,
    logs: deps.logs,
    memory: deps.memory,
    model: deps.model,
    settings: () => deps.settings.get(),
  });
  deps.services.reflection = reflector;
  const abort = new AbortController();
  return {
    name: 'reflection',
    routes(api) {
      api.add(
        {
          method: 'post',
          path: '/api/reflection/run',
          summary:
            'Reflect on a day now (default: today): its summary memory (kind "summary") replaces an earlier one of that day',
          tag: 'reflection',
          body: v.strictObject({
            day: v.optional(
              v.pipe(
                v.string(),
                v.check((s) => parseDay(s) !== null, 'day must be a date such as "2026-11-25"'),
              ),
            ),
          }),
          response: v.object({ summary: v.string(), details: v.record(v.string(), v.unknown()) }),
        },
        async (c, { body }) => {
          const day = body.day ? (parseDay(body.day) as Date) : new Date(deps.now());
          return c.json(await reflector.reflect(day, abort.signal));
        },
      );
    },
    async close() {
      abort.abort(new Error('Titan is shutting down'));
      if (deps.services.reflection === reflector) deps.services.reflection = undefined;
    },
  };
}
