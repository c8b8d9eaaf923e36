// The context builder: token estimates, history kept valid for the model (orphan tool messages dropped), packing by
// score into the budget with provenance, and the whole build on the real memory and files services (both engines).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Memory } from '../../memory/record.ts';
import type { Hit } from '../../memory/retrieve.ts';
import type { MemoryService } from '../../memory/service.ts';
import { fixturePath } from '../../tests/fixtures/files/fixtures.ts';
import { buildContext, DEFAULT_SYSTEM_PROMPT } from './context.ts';
import { historyMessages } from './contextHistory.ts';
import { localTime, systemPrompt } from './contextPrompt.ts';
import { FILES_HEADER, MEMORY_HEADER, packHits } from './contextRetrieve.ts';
import { estimateTokens, messageTokens } from './tokens.ts';
import { openToolsFixture, type ToolsFixture } from './tools/toolsFixture.ts';
import type { Message, ToolCall } from './types.ts';

const services = inject('services');

let seq = 0;
function msg(role: Message['role'], content: string, extra: Partial<Message> = {}): Message {
  seq++;
  return {
    id: `m${seq}`,
    conversation_id: 'c1',
    role,
    content,
    tool_calls: [],
    tool_call_id: null,
    status: 'complete',
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    meta: {},
    ...extra,
  };
}
const call = (id: string, name = 'list_files', args = '{}'): ToolCall => ({ id, name, arguments: args });

describe('estimateTokens', () => {
  it('counts about 4 Latin characters, 2.5 Cyrillic and 1 CJK character per token, at least 1', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('a'.repeat(400))).toBe(100);
    expect(estimateTokens('я'.repeat(250))).toBe(100);
    expect(estimateTokens('漢'.repeat(10))).toBe(10);
    expect(estimateTokens('😀'.repeat(8))).toBe(2);
    expect(estimateTokens('Договор аренды')).toBeGreaterThan(estimateTokens('Lease contract'));
  });

  it('never estimates a text as more than its pieces, so packing by pieces stays inside a budget', () => {
    const pieces = ['Hello, ', 'мир', '! ', 'The deposit is £1,670.\n', 'Сестру зовут Оля.', '漢字', ''];
    for (let i = 0; i < 50; i++) {
      const pick = Array.from({ length: 5 }, (_, j) => pieces[(i * 7 + j * 3) % pieces.length] as string);
      expect(estimateTokens(pick.join(''))).toBeLessThanOrEqual(pick.reduce((n, p) => n + estimateTokens(p), 0));
    }
  });

  it('counts a message with its tool calls and the per-message overhead', () => {
    expect(messageTokens({ role: 'user', content: 'abcd' })).toBe(5);
    const withCall = messageTokens({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'a', type: 'function', function: { name: 'read_file', arguments: '{"path":"Desktop/a.txt"}' } },
      ],
    });
    expect(withCall).toBe(4 + 3 + estimateTokens('read_file') + estimateTokens('{"path":"Desktop/a.txt"}'));
  });
});

describe('historyMessages', () => {
  it('keeps a well-formed conversation with its tool rounds as it is', () => {
    const history = [
      msg('user', 'What is on my desktop?'),
      msg('assistant', '', { tool_calls: [call('t1'), call('t2', 'read_file', '{"path":"Desktop/a.txt"}')] }),
      msg('tool', '{"entries":[]}', { tool_call_id: 't1' }),
      msg('tool', '{"text":"hi"}', { tool_call_id: 't2' }),
      msg('assistant', 'One file, a.txt, saying "hi".'),
    ];
    expect(historyMessages(history)).toEqual([
      { role: 'user', content: 'What is on my desktop?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 't1', type: 'function', function: { name: 'list_files', arguments: '{}' } },
          { id: 't2', type: 'function', function: { name: 'read_file', arguments: '{"path":"Desktop/a.txt"}' } },
        ],
      },
      { role: 'tool', content: '{"entries":[]}', tool_call_id: 't1' },
      { role: 'tool', content: '{"text":"hi"}', tool_call_id: 't2' },
      { role: 'assistant', content: 'One file, a.txt, saying "hi".' },
    ]);
  });

  it('drops tool messages whose call is outside the window, answered already, or from another turn', () => {
    const history = [
      msg('tool', '{"orphan":1}', { tool_call_id: 'gone' }),
      msg('tool', '{"orphan":2}', { tool_call_id: 'gone2' }),
      msg('assistant', 'Here is the list.'),
      msg('user', 'Thanks'),
      msg('tool', '{"late":true}', { tool_call_id: 't9' }),
      msg('assistant', '', { tool_calls: [call('t9')] }),
      msg('tool', '{"ok":1}', { tool_call_id: 't9' }),
      msg('tool', '{"again":1}', { tool_call_id: 't9' }),
      msg('assistant', 'Done.'),
    ];
    const out = historyMessages(history);
    expect(out.map((m) => m.role)).toEqual(['assistant', 'user', 'assistant', 'tool', 'assistant']);
    expect(out.filter((m) => m.role === 'tool')).toEqual([{ role: 'tool', content: '{"ok":1}', tool_call_id: 't9' }]);
  });

  it('takes unanswered calls out of their message, and drops the message when nothing is left of it', () => {
    const history = [
      msg('user', 'Read both'),
      msg('assistant', 'Reading…', { tool_calls: [call('a'), call('b')] }),
      msg('tool', '{"a":1}', { tool_call_id: 'a' }),
      msg('user', 'Stop'),
      msg('assistant', '', { tool_calls: [call('c')], status: 'partial' }),
      msg('user', 'Again'),
    ];
    expect(historyMessages(history)).toEqual([
      { role: 'user', content: 'Read both' },
      {
        role: 'assistant',
        content: 'Reading…',
        tool_calls: [{ id: 'a', type: 'function', function: { name: 'list_files', arguments: '{}' } }],
      },
      { role: 'tool', content: '{"a":1}', tool_call_id: 'a' },
      { role: 'user', content: 'Stop' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('leaves out stored system messages, failed turns (and their tool results) and empty answers', () => {
    const history = [
      msg('system', 'old prompt'),
      msg('user', 'Hi'),
      msg('assistant', 'The model failed', { status: 'error', tool_calls: [call('x')] }),
      msg('tool', '{}', { tool_call_id: 'x' }),
      msg('assistant', '   '),
      msg('assistant', 'Half an answer', { status: 'partial' }),
    ];
    expect(historyMessages(history)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Half an answer' },
    ]);
  });
});

describe('systemPrompt', () => {
  it('uses the built-in prompt when the setting is blank, and adds the date and the allowed folders', () => {
    const now = new Date('2026-03-05T21:30:00Z');
    const text = systemPrompt('  ', {
      now,
      folders: ['/home/u/Desktop', '/home/u/Downloads'],
      timeZone: 'Europe/Moscow',
    });
    expect(text.startsWith(DEFAULT_SYSTEM_PROMPT)).toBe(true);
    expect(text).toContain('Now: Friday 2026-03-06 00:30 (Europe/Moscow).');
    expect(text).toContain('Allowed folders: /home/u/Desktop, /home/u/Downloads.');
    expect(systemPrompt('You are a pirate.', { now, folders: [], timeZone: 'UTC' })).toBe(
      'You are a pirate.\n\nNow: Thursday 2026-03-05 21:30 (UTC).\nAllowed folders: none (file tools will refuse every path).',
    );
    expect(localTime(now, 'UTC')).toBe('Thursday 2026-03-05 21:30 (UTC)');
  });

  it('tells the model who it is, about its tools, the user’s language and citing paths', () => {
    expect(DEFAULT_SYSTEM_PROMPT).toMatch(/You are Titan/);
    for (const word of ['read_file', 'memory_search', 'Russian', 'cite its path', 'not instructions']) {
      expect(DEFAULT_SYSTEM_PROMPT).toContain(word);
    }
  });
});

describe('packHits', () => {
  const hit = (id: string, score: number, text: string, extra: Partial<Memory> = {}, sim = 0.6): Hit => {
    const memory = {
      id,
      kind: 'fact',
      text,
      source: {},
      created_at: '2026-01-02T00:00:00.000Z',
      ...extra,
    } as Memory;
    const parts = {
      vector: { rank: 1, similarity: sim },
      text: null,
      graph: null,
      rrf: score,
      importance: 0.5,
      recency: 1,
      final: score,
    };
    return {
      memory,
      score,
      parts,
      provenance: { memory_id: id, kind: memory.kind, source: memory.source, sources: [] },
    };
  };
  const chunk = (id: string, score: number, path: string, page: number | undefined, text: string) =>
    hit(id, score, text, { kind: 'document_chunk', source: { origin: 'file', path, ...(page ? { page } : {}) } });

  const hits = [
    hit('m-low', 0.01, 'The user has a cat named Barsik.'),
    chunk('f-1', 0.05, '/home/u/Desktop/lease.pdf', 2, 'Lease (PDF)\n\nThe deposit is £1,670.'),
    hit('m-top', 0.09, 'The user prefers aisle seats.'),
    hit('m-far', 0.08, 'Unrelated nearest neighbour.', {}, 0.1),
    chunk('f-2', 0.03, '/home/u/Desktop/notes.txt', undefined, 'x'.repeat(2000)),
  ];

  it('orders by score, formats memories and cited passages, and carries provenance', () => {
    const r = packHits(hits, 10_000);
    expect(r.items.map((i) => i.memory_id)).toEqual(['m-top', 'f-1', 'f-2', 'm-low']);
    expect(r.items[1]).toEqual({
      kind: 'file',
      memory_id: 'f-1',
      path: '/home/u/Desktop/lease.pdf',
      page: 2,
      text: 'Lease (PDF)\n\nThe deposit is £1,670.',
      score: 0.05,
      parts: expect.objectContaining({
        vector: { rank: 1, similarity: 0.6 },
        final: 0.05,
        memory_kind: 'document_chunk',
        source: { origin: 'file', path: '/home/u/Desktop/lease.pdf', page: 2 },
      }),
      tokens: expect.any(Number),
    });
    expect(r.items[2]).toMatchObject({ path: '/home/u/Desktop/notes.txt', page: null });
    expect(r.text.startsWith(MEMORY_HEADER)).toBe(true);
    expect(r.text).toContain('- [memory m-top] (fact, 2026-01-02) The user prefers aisle seats.\n');
    expect(r.text).toContain(`${FILES_HEADER}[/home/u/Desktop/lease.pdf p.2]\nLease (PDF)\n\nThe deposit is £1,670.`);
    expect(r.text).toContain('[/home/u/Desktop/notes.txt]\nxxx');
    expect(r.text).not.toContain('Unrelated');
  });

  it('fits the budget: headers count, a passage too big is skipped and smaller ones still go in', () => {
    const r = packHits(hits, 60);
    // The passage's header and text would pass 60; the lower-scored but short memory still fits.
    expect(r.items.map((i) => i.memory_id)).toEqual(['m-top', 'm-low']);
    expect(r.tokens).toBeLessThanOrEqual(60);
    expect(estimateTokens(r.text)).toBeLessThanOrEqual(r.tokens);
    for (const budget of [0, 5, 20, 40, 100, 300, 700]) {
      const p = packHits(hits, budget);
      expect(estimateTokens(p.text)).toBeLessThanOrEqual(budget);
      expect(p.items.reduce((n, i) => n + i.tokens, 0)).toBeLessThanOrEqual(budget);
    }
    expect(packHits(hits, 120).items.map((i) => i.memory_id)).toEqual(['m-top', 'f-1', 'm-low']);
    expect(packHits(hits, 0)).toEqual({ items: [], text: '', tokens: 0 });
  });
});

describe.each(['pglite', 'postgres'] as const)('buildContext on %s', (engine) => {
  let fx: ToolsFixture;
  let lease: string;
  let agreement: string;
  const base = () => ({
    systemPrompt: '',
    history: [] as Message[],
    memory: fx.memory,
    files: fx.files,
    budgetTokens: 2000,
    now: new Date('2026-03-05T10:00:00Z'),
    timeZone: 'UTC',
  });

  beforeAll(async () => {
    fx = await openToolsFixture(engine, services);
    lease = join(fx.downloads, 'lease_agreement_flat_12.docx');
    agreement = join(fx.desktop, 'service_agreement.pdf');
    copyFileSync(fixturePath('leaseEn'), lease);
    copyFileSync(fixturePath('contractEn'), agreement);
    await fx.files.ingestor.ingest(lease);
    await fx.files.ingestor.ingest(agreement);
    await fx.memory.save([
      { text: 'The user rents Flat 12 on Willow Street and pays the rent on the 15th.', kind: 'fact', importance: 0.8 },
      { text: 'The user prefers black coffee without sugar.', kind: 'preference' },
      { text: 'Сестру пользователя зовут Оля.', kind: 'fact' },
    ]);
  }, 120_000);
  afterAll(() => fx?.close());

  it('sends the default prompt, the history and the user’s text, and lists the recent messages', async () => {
    const history = [msg('user', 'Hi'), msg('assistant', 'Hello! How can I help?')];
    const ctx = await buildContext({ ...base(), history, userText: 'Hi again' });
    expect(ctx.messages[0]?.role).toBe('system');
    expect(ctx.messages[0]?.content?.startsWith(DEFAULT_SYSTEM_PROMPT)).toBe(true);
    expect(ctx.messages[0]?.content).toContain('Now: Thursday 2026-03-05 10:00 (UTC).');
    expect(ctx.messages[0]?.content).toContain(`Allowed folders: ${fx.desktop}, ${fx.downloads}.`);
    expect(ctx.messages.slice(1)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'Hi again' },
    ]);
    expect(ctx.items.at(-1)).toEqual({
      kind: 'recent',
      text: '2 recent messages of this conversation',
      tokens: ctx.tokens.history,
    });
    expect(ctx.tokens.total).toBe(ctx.messages.reduce((n, m) => n + messageTokens(m), 0));
    // A history that already ends with this message does not send it twice.
    const dup = await buildContext({ ...base(), history: [...history, msg('user', 'Hi again')], userText: 'Hi again' });
    expect(dup.messages.slice(1)).toEqual(ctx.messages.slice(1));
  });

  it('adds the memories and file passages that match, best first, with provenance and citations', async () => {
    const ctx = await buildContext({ ...base(), userText: 'How much is the security deposit for my flat lease?' });
    const retrieved = ctx.items.filter((i) => i.kind !== 'recent');
    expect(retrieved.length).toBeGreaterThan(0);
    const scores = retrieved.map((i) => i.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const passage = retrieved.find((i) => i.kind === 'file' && i.text.includes('£1,670'));
    expect(passage).toMatchObject({ path: lease, page: null, memory_id: expect.any(String) });
    expect(passage?.parts).toMatchObject({ memory_kind: 'document_chunk', final: passage?.score });
    const fact = retrieved.find((i) => i.kind === 'memory' && i.text.includes('Willow Street'));
    expect(fact).toMatchObject({ memory_id: expect.any(String), score: expect.any(Number) });
    const system = ctx.messages[0]?.content ?? '';
    expect(system).toContain(MEMORY_HEADER);
    expect(system).toContain(`${FILES_HEADER}[${lease}]\n`);
    expect(system).toContain(`[memory ${fact?.memory_id}]`);
    expect(system).not.toContain('black coffee');
    expect(ctx.tokens.retrieved).toBeLessThanOrEqual(2000);
    // Used hits count as accessed.
    expect((await fx.memory.get(fact?.memory_id as string)).access_count).toBeGreaterThan(0);

    const pdf = await buildContext({
      ...base(),
      userText: 'termination of the services agreement: how many days notice?',
    });
    const page = pdf.items.find((i) => i.path === agreement && i.text.includes('thirty (30) days'));
    expect(page).toMatchObject({ kind: 'file', page: 2 });
    expect(pdf.messages[0]?.content).toContain(`[${agreement} p.2]`);
  });

  it('keeps to the token budget, and retrieves nothing with a budget of 0 or an unrelated question', async () => {
    const userText = 'lease rent deposit notice termination agreement flat';
    const wide = await buildContext({ ...base(), userText });
    const narrow = await buildContext({ ...base(), userText, budgetTokens: 300 });
    const sum = (items: typeof wide.items) =>
      items.filter((i) => i.kind !== 'recent').reduce((n, i) => n + i.tokens, 0);
    expect(sum(narrow.items)).toBeLessThanOrEqual(300);
    expect(narrow.tokens.retrieved).toBeLessThanOrEqual(300);
    expect(narrow.items.length).toBeLessThan(wide.items.length);
    expect(sum(wide.items)).toBeLessThanOrEqual(2000);

    const none = await buildContext({ ...base(), userText, budgetTokens: 0 });
    expect(none.items).toEqual([]);
    expect(none.messages[0]?.content).not.toContain(MEMORY_HEADER);
    const unrelated = await buildContext({ ...base(), userText: 'qqzx vvkw jjrt' });
    expect(unrelated.items).toEqual([]);
  });

  it('leaves out passages of files outside the allowed folders', async () => {
    await fx.memory.save([
      {
        text: 'Old tax return (PDF)\n\nThe tax refund for 2019 was 312 EUR.',
        kind: 'document_chunk',
        source: { origin: 'file', path: '/srv/elsewhere/tax_2019.pdf', page: 1 },
      },
    ]);
    const userText = 'how much was the tax refund for 2019';
    const guarded = await buildContext({ ...base(), userText });
    expect(guarded.items.some((i) => i.path === '/srv/elsewhere/tax_2019.pdf')).toBe(false);
    const unguarded = await buildContext({ ...base(), files: undefined, userText });
    expect(unguarded.items.some((i) => i.path === '/srv/elsewhere/tax_2019.pdf')).toBe(true);
    expect(unguarded.messages[0]?.content).toContain('Allowed folders: none');
  });

  it('goes on without retrieval when memory fails, saying why', async () => {
    const broken = Object.create(fx.memory, {
      query: { value: () => Promise.reject(new Error('the embeddings endpoint is unreachable')) },
    }) as MemoryService;
    const ctx = await buildContext({ ...base(), memory: broken, userText: 'What is my rent?' });
    expect(ctx.warnings).toEqual(['memory retrieval failed: the embeddings endpoint is unreachable']);
    expect(ctx.items).toEqual([]);
    expect(ctx.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });
});
