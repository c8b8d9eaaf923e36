import { describe, expect, it } from 'vitest';
import type { DayActivity, DayMessage } from './dayActivity.ts';
import { dayKey, dayRange } from './dayActivity.ts';
import { extractiveSummary, keySentences } from './extractive.ts';
import { mentionsOf } from './reflector.ts';

const msg = (role: DayMessage['role'], content: string, title = 'Trip planning'): DayMessage => ({
  conversation_id: 'c1',
  title,
  role,
  content,
  at: '2026-11-25T10:00:00.000Z',
});

function day(messages: DayMessage[]): DayActivity {
  return {
    day: '2026-11-25',
    messageCount: messages.length,
    messages,
    conversations: new Map(messages.map((m) => [m.conversation_id, m.title])),
    toolCalls: new Map([
      ['read_file', 3],
      ['memory_search', 1],
    ]),
    files: { created: 2, changed: 1, deleted: 0, moved: 1, names: ['invoice.pdf', 'notes.md'], indexed: 2 },
    system: new Map([
      ['trigger.fired', 2],
      ['bus.snapshot', 9],
    ]),
    errors: { count: 1, samples: ['an answer failed in "Trip planning": the model timed out'] },
  };
}

const messages = [
  msg('user', 'I want to plan a trip to Oslo with Maria in March. Hello there!'),
  msg('assistant', 'Sure. Flights to Oslo in March start at 120 euros.\n\n```js\nconst x = 1;\n```'),
  msg('user', 'Book the Oslo hotel near the fjord for Maria and me. Thanks a lot'),
  msg('assistant', 'The Oslo fjord hotel has rooms in March for two people.'),
];

describe('the extractive summary', () => {
  it('states the counts of the day', () => {
    const text = extractiveSummary(day(messages));
    expect(text).toContain('Summary of 2026-11-25.');
    expect(text).toContain('4 messages in 1 conversation: "Trip planning".');
    expect(text).toContain('4 tool calls: read_file ×3, memory_search ×1.');
    expect(text).toContain('Files: 2 added, 1 changed, 0 deleted, 1 moved; 2 indexed (invoice.pdf, notes.md).');
    expect(text).toContain('Background work: trigger.fired ×2.');
    expect(text).not.toContain('bus.snapshot');
    expect(text).toContain('1 error: an answer failed in "Trip planning": the model timed out.');
  });

  it('keeps the sentences about what the day was about, in order, without code or small talk', () => {
    const key = keySentences(messages, 3).map((s) => s.text);
    expect(key).toHaveLength(3);
    expect(key.every((s) => /Oslo/.test(s))).toBe(true);
    expect(key.join(' ')).not.toContain('const x');
    expect(key.join(' ')).not.toContain('Hello there');
    const all = keySentences(messages, 10).map((s) => s.text);
    expect(key).toEqual(all.filter((s) => key.includes(s)));
  });

  it('is deterministic and says so when nothing happened', () => {
    expect(extractiveSummary(day(messages))).toBe(extractiveSummary(day(messages)));
    const empty: DayActivity = {
      ...day([]),
      messageCount: 0,
      toolCalls: new Map(),
      files: { created: 0, changed: 0, deleted: 0, moved: 0, names: [], indexed: 0 },
      system: new Map(),
      errors: { count: 0, samples: [] },
    };
    expect(extractiveSummary(empty)).toBe(
      'Summary of 2026-11-25.\n0 messages in 0 conversations.\nNo tool calls.\nNo file changes.\nNo errors.',
    );
  });

  it('links the names, files and tools it mentions', () => {
    const a = day(messages);
    const names = mentionsOf(extractiveSummary(a), a).map((e) => `${e.type}:${e.name}`);
    expect(names).toEqual(expect.arrayContaining(['name:Oslo', 'name:Maria', 'file:invoice.pdf', 'tool:read_file']));
  });

  it('bounds a local day from midnight to midnight', () => {
    const d = new Date(2026, 10, 25, 15, 30);
    expect(dayKey(d)).toBe('2026-11-25');
    const { start, end } = dayRange(d);
    expect(new Date(start).getHours()).toBe(0);
    expect(dayKey(new Date(start))).toBe('2026-11-25');
    expect(dayKey(new Date(end))).toBe('2026-11-26');
  });
});
