import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../bus/event.ts';
import type { AutonomyDeps } from '../types.ts';
import { runAction } from './actions.ts';
import { FiringLog } from './firings.ts';
import type { TriggerRule } from './rules.ts';

const event: BusEvent = {
  event_id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
  schema_version: 1,
  topic: 'fs.v1',
  event_type: 'file.created',
  timestamp: new Date().toISOString(),
  payload: { path: '/home/anna/Downloads/a.pdf' },
  meta: { priority: 'medium', retries: 0, trace_id: '0'.repeat(32), source: 'files' },
};
const rule = (action: TriggerRule['action']): TriggerRule => ({
  id: 'r1',
  enabled: true,
  topic: 'fs.v1',
  event_type: 'file.*',
  action,
});
// A daemon whose goals, plugins and notifications features are not open: the action must say so before using anything.
const bare = { services: {} } as unknown as AutonomyDeps;
const signal = new AbortController().signal;

describe('trigger actions whose feature is not running', () => {
  it('fail with a message naming the rule, the target and the missing feature', async () => {
    await expect(runAction(bare, rule({ type: 'goal', goal_id: 'weekly' }), event, signal)).rejects.toMatchObject({
      code: 'service_unavailable',
      message: 'rule r1 cannot start goal weekly: the goals feature is not running',
    });
    await expect(
      runAction(bare, rule({ type: 'plugin_tool', plugin: 'ocr', tool: 'scan' }), event, signal),
    ).rejects.toMatchObject({
      code: 'service_unavailable',
      message: 'rule r1 cannot call ocr/scan: the plugins feature is not running',
    });
    await expect(runAction(bare, rule({ type: 'notify' }), event, signal)).rejects.toMatchObject({
      code: 'service_unavailable',
      message: 'rule r1 cannot notify: the notifications feature is not running',
    });
  });
});

describe('the firing log', () => {
  it('pauses a rule that fires too often within a minute, then lets it fire again', () => {
    let now = 0;
    const log = new FiringLog({ bus: null as never, audit: null as never, perMinute: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => log.admit('loop'))).toEqual([true, true, true, false]);
    expect(log.admit('other')).toBe(true);
    now = 60_001;
    expect(log.admit('loop')).toBe(true);
  });
});
