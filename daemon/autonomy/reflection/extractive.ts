// The summary without a model: the day's counts in plain sentences, then the sentences of the day's messages that
// carry its most repeated words (a frequency score, favouring the user's own words) — deterministic, so the same
// day always gives the same text.
import { stem } from '../../../memory/embedders/stem.ts';
import { sentencesOf } from '../../../memory/extract.ts';
import { wordsOf } from '../../../memory/textQuery.ts';
import type { DayActivity, DayMessage } from './dayActivity.ts';

const KEY_SENTENCES = 5;
const MIN_CHARS = 20;
const MAX_CHARS = 280;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const quoteList = (items: string[], max: number) =>
  items
    .slice(0, max)
    .map((t) => `"${t}"`)
    .join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

/** Prose only: code blocks, inline code, links and Markdown marks say little about the day. */
function prose(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/^\s*(?:[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_#>]+/g, '');
}

/** Content words, stemmed: short words are mostly grammar. */
const termsOf = (s: string) => [
  ...new Set(
    wordsOf(s)
      .filter((w) => w.length > 3 || /\d/.test(w))
      .map(stem),
  ),
];

interface Candidate {
  text: string;
  role: DayMessage['role'];
  order: number;
  score: number;
}

/** The day's key sentences, in the order they were said. */
export function keySentences(messages: DayMessage[], k = KEY_SENTENCES): { role: DayMessage['role']; text: string }[] {
  const candidates: Candidate[] = [];
  for (const m of messages) {
    for (const s of sentencesOf(prose(m.content))) {
      const text = s.replace(/\s+/g, ' ').trim();
      if (text.length < MIN_CHARS || text.length > MAX_CHARS) continue;
      candidates.push({ text, role: m.role, order: candidates.length, score: 0 });
    }
  }
  const freq = new Map<string, number>();
  for (const c of candidates) for (const t of termsOf(c.text)) freq.set(t, (freq.get(t) ?? 0) + 1);
  for (const c of candidates) {
    const terms = termsOf(c.text);
    // Words said more than once are what the day was about; a word said once counts a little.
    const weight = terms.reduce((sum, t) => sum + Math.min(freq.get(t) ?? 1, 5), 0);
    c.score = (weight / Math.sqrt(Math.max(terms.length, 1))) * (c.role === 'user' ? 1.25 : 1);
  }
  const seen = new Set<string>();
  const picked: Candidate[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score || a.order - b.order)) {
    const key = c.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    picked.push(c);
    if (picked.length === k) break;
  }
  return picked.sort((a, b) => a.order - b.order).map(({ role, text }) => ({ role, text }));
}

/** One line of counts for each kind of activity: what the extractive summary and the model's digest both start from. */
export function countLines(a: DayActivity): string[] {
  const lines: string[] = [];
  const titles = [...new Set(a.conversations.values())];
  lines.push(
    `${plural(a.messageCount, 'message')} in ${plural(a.conversations.size, 'conversation')}` +
      (titles.length ? `: ${quoteList(titles, 5)}.` : '.'),
  );
  const calls = [...a.toolCalls.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  const total = calls.reduce((n, [, c]) => n + c, 0);
  lines.push(
    total
      ? `${plural(total, 'tool call')}: ${calls.map(([name, n]) => `${name} ×${n}`).join(', ')}.`
      : 'No tool calls.',
  );
  const f = a.files;
  const fileEvents = f.created + f.changed + f.deleted + f.moved;
  lines.push(
    fileEvents || f.indexed
      ? `Files: ${f.created} added, ${f.changed} changed, ${f.deleted} deleted, ${f.moved} moved; ${f.indexed} indexed` +
          (f.names.length ? ` (${f.names.slice(0, 8).join(', ')}${f.names.length > 8 ? ', …' : ''}).` : '.')
      : 'No file changes.',
  );
  const system = [...a.system.entries()].filter(([type]) => /^(?:job|goal|trigger|plugin)\./.test(type));
  if (system.length) {
    lines.push(
      `Background work: ${system
        .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
        .map(([type, n]) => `${type} ×${n}`)
        .join(', ')}.`,
    );
  }
  lines.push(
    a.errors.count ? `${plural(a.errors.count, 'error')}: ${a.errors.samples.slice(0, 3).join('; ')}.` : 'No errors.',
  );
  return lines;
}

export function extractiveSummary(a: DayActivity): string {
  const parts = [`Summary of ${a.day}.`, ...countLines(a)];
  const key = keySentences(a.messages);
  if (key.length) {
    parts.push(`Key points:\n${key.map((s) => `- ${s.role === 'user' ? 'You' : 'Titan'}: ${s.text}.`).join('\n')}`);
  }
  return parts.join('\n');
}
