import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../bus/event.ts';
import defaults from '../../../config.json' with { type: 'json' };
import { describeIssues } from '../../config/errors.ts';
import { SettingsSchema } from '../../config/schema.ts';
import { fillArguments } from './actions.ts';
import { eventPath, eventTypeMatches, pathCandidates, ruleMatches, type TriggerRule } from './rules.ts';

const event = (topic: BusEvent['topic'], event_type: string, payload: Record<string, unknown>): BusEvent => ({
  event_id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
  schema_version: 1,
  topic,
  event_type,
  timestamp: new Date().toISOString(),
  payload,
  meta: { priority: 'medium', retries: 0, trace_id: '0'.repeat(32), source: 'files' },
});

const rule = (over: Partial<TriggerRule> = {}): TriggerRule => ({
  id: 'r',
  enabled: true,
  topic: 'fs.v1',
  event_type: 'file.*',
  path_glob: 'Downloads/**/*.pdf',
  action: { type: 'notify' },
  ...over,
});

const ctx = {
  rootOf: (p: string) => (p.startsWith('/home/anna/Downloads/') ? '/home/anna/Downloads' : null),
  home: '/home/anna',
};

describe('trigger rules', () => {
  it('match event types exactly or by glob', () => {
    expect(eventTypeMatches('file.created', 'file.created')).toBe(true);
    expect(eventTypeMatches('file.created', 'file.*')).toBe(true);
    expect(eventTypeMatches('ingest.progress', 'file.*')).toBe(false);
    expect(eventTypeMatches('goal.run.finished', '*')).toBe(true);
    expect(eventTypeMatches('file.created', 'file.changed')).toBe(false);
  });

  it('name a path relative to its folder (with and without the folder name), to home, and absolute', () => {
    expect(pathCandidates('/home/anna/Downloads/Bills/Invoice.PDF', '/home/anna/Downloads', '/home/anna')).toEqual([
      '/home/anna/downloads/bills/invoice.pdf',
      'bills/invoice.pdf',
      'downloads/bills/invoice.pdf',
    ]);
    expect(pathCandidates('/srv/x.pdf', null, '/home/anna')).toEqual(['/srv/x.pdf']);
  });

  it('fire on a matching file event, in subfolders, case-insensitively, and on the target of a move', () => {
    const r = rule();
    expect(ruleMatches(r, event('fs.v1', 'file.created', { path: '/home/anna/Downloads/a.pdf' }), ctx)).toBe(true);
    expect(ruleMatches(r, event('fs.v1', 'file.created', { path: '/home/anna/Downloads/x/y/B.PDF' }), ctx)).toBe(true);
    expect(
      ruleMatches(r, event('fs.v1', 'file.moved', { from: '/tmp/a.pdf', to: '/home/anna/Downloads/a.pdf' }), ctx),
    ).toBe(true);
    expect(ruleMatches(r, event('fs.v1', 'file.created', { path: '/home/anna/Downloads/a.txt' }), ctx)).toBe(false);
    expect(ruleMatches(r, event('fs.v1', 'file.created', { path: '/home/anna/Desktop/a.pdf' }), ctx)).toBe(false);
  });

  it('do not fire when disabled, on another topic, or without a path when they have a path glob', () => {
    const e = event('fs.v1', 'file.created', { path: '/home/anna/Downloads/a.pdf' });
    expect(ruleMatches(rule({ enabled: false }), e, ctx)).toBe(false);
    expect(ruleMatches(rule({ topic: 'system.v1' }), e, ctx)).toBe(false);
    expect(ruleMatches(rule(), event('fs.v1', 'file.created', { job: {} }), ctx)).toBe(false);
    expect(ruleMatches(rule({ path_glob: undefined, event_type: '*' }), event('fs.v1', 'x.y', {}), ctx)).toBe(true);
  });

  it('take the file of an event from `to`, else `path`', () => {
    expect(eventPath(event('fs.v1', 'file.moved', { from: '/a', to: '/b' }))).toBe('/b');
    expect(eventPath(event('fs.v1', 'file.created', { path: '/a' }))).toBe('/a');
    expect(eventPath(event('system.v1', 'goal.done', { goal_id: 'g' }))).toBeNull();
  });

  it('fill placeholders in plugin tool arguments', () => {
    const e = event('fs.v1', 'file.created', { path: '/home/anna/Downloads/a.pdf' });
    expect(fillArguments({ file: '{{path}}', nested: ['{{name}} ({{event_type}})', 3], keep: '{{nope}}' }, e)).toEqual({
      file: '/home/anna/Downloads/a.pdf',
      nested: ['a.pdf (file.created)', 3],
      keep: '{{nope}}',
    });
  });

  it('are validated with a readable message for each bad field', () => {
    const settings = structuredClone(defaults) as Record<string, unknown>;
    settings.triggers = {
      rules: [
        { id: 'Bad Id', enabled: 'yes', topic: 'mail.v1', event_type: 'File Created', action: { type: 'notify' } },
        { id: 'g', enabled: true, topic: 'fs.v1', event_type: 'file.*', action: { type: 'goal' } },
        { id: 'p', enabled: true, topic: 'fs.v1', event_type: 'file.*', action: { type: 'launch' } },
        { id: 'g', enabled: true, topic: 'fs.v1', event_type: 'file.*', action: { type: 'ingest' } },
        {
          id: 't',
          enabled: true,
          topic: 'fs.v1',
          event_type: 'file.*',
          action: { type: 'plugin_tool', plugin: 'ocr' },
        },
      ],
    };
    const r = v.safeParse(SettingsSchema, settings);
    expect(r.success).toBe(false);
    const lines = describeIssues(r.issues ?? []).join('\n');
    expect(lines).toContain('triggers.rules.0.id: expected a rule id of lowercase letters, digits and dashes');
    expect(lines).toContain('triggers.rules.0.enabled: expected true or false');
    expect(lines).toContain('triggers.rules.0.topic: expected the topic the rule listens to');
    expect(lines).toContain('triggers.rules.0.event_type: expected an event type such as "file.created"');
    expect(lines).toContain('triggers.rules.1.action.goal_id: a "goal" action needs "goal_id"');
    expect(lines).toContain('triggers.rules.2.action.type: expected an action type');
    expect(lines).toContain('triggers.rules.4.action.tool: a "plugin_tool" action needs "tool"');
  });

  it('ship one disabled example that validates', () => {
    const r = v.safeParse(SettingsSchema, defaults);
    expect(r.success).toBe(true);
    expect(defaults.triggers.rules).toHaveLength(1);
    expect(defaults.triggers.rules[0]?.enabled).toBe(false);
  });
});
