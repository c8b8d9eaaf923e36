// The heuristic extractor: with no model configured, finds what is worth remembering in a message by its wording —
// explicit "remember …"/«запомни …», "forget …"/«забудь …», stated preferences, "my X is Y", tasks, dated events, names.

import { stem } from './embedders/stem.ts';
import type { MemoryKind } from './record.ts';
import { namesIn } from './retrieve.ts';
import { wordsOf } from './textQuery.ts';
import type { GraphEntity, GraphRelation } from './types.ts';

export interface Candidate {
  action: 'save' | 'forget';
  kind: MemoryKind;
  text: string;
  importance: number;
  /** What it is about; a new value for an active slot supersedes the old one (a contradiction). */
  slot?: string;
  entities: GraphEntity[];
  relations: GraphRelation[];
}

const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|' +
  'января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря';
// \b is ASCII-only even with the u flag, so Cyrillic words need explicit letter look-arounds.
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const DATE = new RegExp(
  [
    `${B}\\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS})${E}`,
    `${B}(?:${MONTHS}) \\d{1,2}${E}`,
    `${B}\\d{4}-\\d{2}-\\d{2}${E}`,
    `${B}\\d{1,2}\\.\\d{1,2}\\.\\d{2,4}${E}`,
    `${B}(?:tomorrow|next (?:week|monday|tuesday|wednesday|thursday|friday)|завтра|послезавтра)${E}`,
    `${B}(?:в понедельник|во вторник|в среду|в четверг|в пятницу)${E}`,
  ].join('|'),
  'iu',
);
// Words that say when or how much, not what: "I don't like coffee anymore" is about coffee.
const FILLER = new Set(['anymore', 'more', 'now', 'much', 'very', 'really', 'больше', 'теперь', 'очень', 'сейчас']);

type Rule = (s: string) => Omit<Candidate, 'entities' | 'relations'> | null;

const rules: Rule[] = [
  (s) => {
    const m =
      s.match(/^(?:please\s+)?forget(?:\s+(?:that|about))?\s+(.{3,})$/i) ??
      s.match(/^забудь(?:,?\s*(?:что|про|о|об))?\s+(.{3,})$/iu);
    return m ? { action: 'forget', kind: 'fact', text: m[1] as string, importance: 0 } : null;
  },
  (s) => {
    const m =
      s.match(/^(?:please\s+)?(?:remember|note)(?:\s+that)?[,:]?\s+(.{3,})$/i) ??
      s.match(/^запомни(?:,?\s*что)?[,:]?\s+(.{3,})$/iu);
    if (!m) return null;
    const what = m[1] as string;
    // An explicit request always saves: as whatever its wording says, or as a plain fact.
    return { ...(classify(what) ?? { action: 'save', kind: 'fact', text: what }), importance: 0.8 };
  },
  (s) => classify(s),
  // A stated relation ("Sarah works at Northwind") is a fact worth keeping even without other cues.
  (s) => (relationsIn(s).length ? { action: 'save', kind: 'fact', text: s, importance: 0.5 } : null),
];

/** A preference, a "my X is Y" fact, a task or a dated event — or nothing worth keeping. */
function classify(s: string): Omit<Candidate, 'entities' | 'relations'> | null {
  const pref =
    s.match(/\bI (?:really |do not |don't |no longer )?(?:like|love|prefer|hate|dislike|enjoy)\s+(.+)/i) ??
    s.match(/(?:^|\s)я (?:очень |не |больше не )?(?:люблю|предпочитаю|ненавижу|обожаю)\s+(.+)/iu);
  if (pref)
    return { action: 'save', kind: 'preference', text: s, importance: 0.6, slot: `pref:${topic(pref[1] as string)}` };
  const mine =
    s.match(/\bmy ([a-z][a-z ]{1,30}?) (?:is|are)\s+(.+)/i) ??
    s.match(/(?:^|\s)(?:мой|моя|моё|мое|мои) ([а-яё][а-яё ]{1,30}?)\s*(?:—|-|это|:)\s*(.+)/iu);
  if (mine) return { action: 'save', kind: 'fact', text: s, importance: 0.6, slot: `my:${topic(mine[1] as string)}` };
  if (
    /\b(?:I need to|I have to|I must|remind me to|todo:?)\s+\S/i.test(s) ||
    /(?:^|\s)(?:мне нужно|мне надо|надо|нужно|напомни)\s+\S/iu.test(s)
  ) {
    return { action: 'save', kind: 'task', text: s, importance: 0.6 };
  }
  if (DATE.test(s)) return { action: 'save', kind: 'event', text: s, importance: 0.5 };
  return null;
}

/** The first two meaningful words of a phrase, stemmed: the key that makes two statements about one thing. */
export function topic(phrase: string): string {
  const words = wordsOf(phrase).filter((w) => !FILLER.has(w) && w.length > 1);
  return words.slice(0, 2).map(stem).join(' ');
}

// "Dr. Marsh" and «ул. Советская» do not end a sentence.
const ABBREVIATION = /(?:^|\s)(?:Dr|Mr|Mrs|Ms|St|Prof|Jr|Sr|vs|etc|г|ул|д|им|т|см|тел)\.$/u;

export function sentencesOf(text: string): string[] {
  const pieces = text.split(/(?<=[.!?…])\s+|\n+/u);
  const joined: string[] = [];
  for (const p of pieces) {
    const last = joined.length - 1;
    if (last >= 0 && ABBREVIATION.test(joined[last] as string)) joined[last] += ` ${p}`;
    else joined.push(p);
  }
  return joined.map((s) => s.trim().replace(/[.!?…]+$/u, '')).filter((s) => s.length >= 3);
}

/** Capitalised names in a sentence, minus its first word (capitalised by grammar, not because it is a name). */
export function entitiesIn(sentence: string): GraphEntity[] {
  const first = sentence.match(/^[\p{L}\p{N}-]+/u)?.[0];
  return namesIn(sentence)
    .filter((n) => n !== first && n !== 'I' && !/^(?:Dr|Mr|Mrs|Ms|Prof)$/.test(n))
    .map((name) => ({ name: name.replace(/^(?:Dr|Mr|Mrs|Ms|Prof)\.? /, ''), type: 'name' }));
}

function relationsIn(sentence: string): GraphRelation[] {
  const m =
    sentence.match(/(\p{Lu}\p{L}+(?: \p{Lu}\p{L}+)?) works (?:at|for) (\p{Lu}[\p{L}&]*(?: \p{Lu}\p{L}+)*)/u) ??
    sentence.match(/(\p{Lu}\p{L}+(?: \p{Lu}\p{L}+)?) работает в [«"]?(\p{Lu}[\p{L}-]*(?: \p{Lu}\p{L}+)*)/u);
  if (!m) return [];
  return [
    {
      from: { name: m[1] as string, type: 'name' },
      to: { name: m[2] as string, type: 'name' },
      type: 'works_at',
      weight: 0.5,
    },
  ];
}

export function extractHeuristic(message: string): Candidate[] {
  const out: Candidate[] = [];
  for (const s of sentencesOf(message)) {
    for (const rule of rules) {
      const c = rule(s);
      if (!c) continue;
      out.push({ ...c, entities: entitiesIn(c.text), relations: relationsIn(c.text) });
      break;
    }
  }
  return out;
}
