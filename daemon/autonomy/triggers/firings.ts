// The trace of every firing, since nobody watches a trigger fire: an audit line, a system.v1 `trigger.fired` event
// (small; source "triggers", which triggers themselves ignore), and the newest firings kept for GET /api/triggers/firings.
// Also the loop breaker: a rule that fires too often in a minute is paused until the minute has passed.
import type { Logger } from 'pino';
import type { Bus } from '../../../bus/bus.ts';
import { ulid } from '../../../bus/ulid.ts';

export interface Firing {
  id: string;
  rule_id: string;
  event_id: string;
  topic: string;
  event_type: string;
  /** The action's type: ingest, notify, goal or plugin_tool. */
  action: string;
  outcome: 'ok' | 'failed' | 'skipped';
  error: string | null;
  /** What it did: the ingest status, the conversation and notification, the goal run… */
  detail: Record<string, unknown>;
  at: string;
}

export interface FiringLogOptions {
  bus: Bus;
  audit: Logger;
  /** Firings kept in memory. Default: 200. */
  keep?: number;
  /** Firings per rule per minute before the rule is paused (an event loop between rules). Default: 30. */
  perMinute?: number;
  now?: () => number;
}

const MAX_ERROR = 500;

export class FiringLog {
  private readonly opts: FiringLogOptions;
  private readonly recent: Firing[] = [];
  private readonly windows = new Map<string, number[]>();

  constructor(opts: FiringLogOptions) {
    this.opts = opts;
  }

  /** Counts a firing against its rule's minute; false when the rule is over its limit and must skip this one. */
  admit(ruleId: string): boolean {
    const now = (this.opts.now ?? Date.now)();
    const times = (this.windows.get(ruleId) ?? []).filter((t) => now - t < 60_000);
    const ok = times.length < (this.opts.perMinute ?? 30);
    if (ok) times.push(now);
    this.windows.set(ruleId, times);
    return ok;
  }

  async record(f: Omit<Firing, 'id' | 'at'>): Promise<Firing> {
    const firing: Firing = {
      ...f,
      error: f.error === null ? null : f.error.slice(0, MAX_ERROR),
      id: ulid(),
      at: new Date((this.opts.now ?? Date.now)()).toISOString(),
    };
    this.recent.push(firing);
    if (this.recent.length > (this.opts.keep ?? 200)) this.recent.shift();
    this.opts.audit[firing.outcome === 'failed' ? 'warn' : 'info'](
      { event: 'trigger.fired', ...firing },
      'trigger fired',
    );
    try {
      await this.opts.bus.publish(
        'system.v1',
        'trigger.fired',
        {
          rule_id: firing.rule_id,
          event_id: firing.event_id,
          action: firing.action,
          outcome: firing.outcome,
          error: firing.error,
        },
        { priority: 'low', source: 'triggers' },
      );
    } catch {
      // The audit line above is the trace that matters; an unreachable bus must not fail the firing.
    }
    return firing;
  }

  /** Newest first, optionally only one rule's. */
  list(ruleId?: string, limit = 50): Firing[] {
    return this.recent
      .filter((f) => ruleId === undefined || f.rule_id === ruleId)
      .reverse()
      .slice(0, limit);
  }
}
