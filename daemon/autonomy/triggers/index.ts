// The triggers feature: its own `triggers` consumer group on each topic an enabled rule listens to; every event is
// matched against the rules as they are in the settings at that moment (edits apply at once) and each rule that
// matches runs its action, leaving a firing record. Triggers never react to their own events.
import { realpathSync } from 'node:fs';
import type { BusEvent, Topic } from '../../../bus/event.ts';
import type { Subscription } from '../../../bus/subscription.ts';
import { homeOf } from '../../files/roots.ts';
import type { AutonomyDeps, Feature } from '../types.ts';
import { runAction } from './actions.ts';
import { FiringLog } from './firings.ts';
import { triggerRoutes } from './routes.ts';
import { type MatchContext, ruleMatches, type TriggerRule } from './rules.ts';

/**
 * A group that existed before (a topic used in an earlier run) resumes where it stopped: events older than this
 * before the subscription are backlog from then, not news, and fire nothing. Younger ones are redeliveries after a
 * crash and still fire.
 */
const STALE_MS = 10 * 60_000;
const RETRY_MS = 5000;
const START_WAIT_MS = 5000;

export async function openTriggers(deps: AutonomyDeps): Promise<Feature> {
  const firings = new FiringLog({ bus: deps.bus, audit: deps.logs.audit, now: deps.now });
  const abort = new AbortController();
  const subscriptions = new Map<Topic, { sub: Subscription | null; since: number }>();
  let home: string | null = null;
  try {
    home = realpathSync.native(homeOf(deps.env));
  } catch {
    // No home folder: paths are still matched relative to their allowed folder and as absolute paths.
  }
  const match: MatchContext = { rootOf: (p) => deps.files.guard.rootOf(p), home };

  const fire = async (rule: TriggerRule, event: BusEvent): Promise<void> => {
    const base = {
      rule_id: rule.id,
      event_id: event.event_id,
      topic: event.topic,
      event_type: event.event_type,
      action: rule.action.type,
    };
    if (!firings.admit(rule.id)) {
      await firings.record({
        ...base,
        outcome: 'skipped',
        error: `rule ${rule.id} fired too often in the last minute (a loop between rules?): paused for the rest of it`,
        detail: {},
      });
      return;
    }
    try {
      const r = await runAction(deps, rule, event, abort.signal);
      await firings.record({ ...base, outcome: r.outcome, error: r.reason ?? null, detail: r.detail });
    } catch (err) {
      const e = err as Error & { code?: string };
      await firings.record({ ...base, outcome: 'failed', error: e.message, detail: e.code ? { code: e.code } : {} });
    }
  };

  const onEvent = async (event: BusEvent): Promise<void> => {
    if (event.meta.source === 'triggers' || abort.signal.aborted) return;
    const since = subscriptions.get(event.topic)?.since ?? 0;
    if (Date.parse(event.timestamp) < since - STALE_MS) return;
    const rules = deps.settings.get().triggers.rules.filter((r) => ruleMatches(r, event, match));
    // In order, so two rules on one event (ingest, then notify) act in the order they are listed.
    for (const rule of rules) await fire(rule, event);
  };

  const subscribe = async (topic: Topic): Promise<void> => {
    const slot = subscriptions.get(topic);
    if (!slot || slot.sub || abort.signal.aborted) return;
    try {
      const sub = await deps.bus.subscribe(topic, 'triggers', onEvent, { idempotent: true });
      if (abort.signal.aborted) await deps.bus.unsubscribe(sub);
      else slot.sub = sub;
    } catch (err) {
      deps.logs.app.error({ err: (err as Error).message, topic }, 'trigger consumer subscription failed');
      setTimeout(() => void subscribe(topic), RETRY_MS).unref();
    }
  };

  /**
   * Subscribes the topics enabled rules use that are not subscribed yet (a topic no longer used just matches nothing);
   * resolves once each has been tried (a failed one retries in the background).
   */
  const follow = async (rules: TriggerRule[]): Promise<void> => {
    const started: Promise<void>[] = [];
    for (const rule of rules) {
      if (!rule.enabled || subscriptions.has(rule.topic)) continue;
      subscriptions.set(rule.topic, { sub: null, since: Date.now() });
      started.push(subscribe(rule.topic));
    }
    await Promise.all(started);
  };

  let unwatch = () => {};
  return {
    name: 'triggers',
    routes(api) {
      triggerRoutes(api, { firings });
    },
    async start() {
      // Awaited at start (an event right after start-up is not missed), but never longer than START_WAIT_MS: an
      // unreachable bus must not hold the daemon up. A rule added later subscribes in the background.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        follow(deps.settings.get().triggers.rules),
        new Promise((r) => {
          timer = setTimeout(r, START_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      unwatch = deps.settings.onChange((next) => void follow(next.triggers.rules));
    },
    async close() {
      unwatch();
      abort.abort(new Error('Titan is shutting down'));
      for (const { sub } of subscriptions.values()) if (sub) await deps.bus.unsubscribe(sub);
    },
  };
}
