// Builds the full-text side of a query: the `simple` configuration indexes whole words in any language, so the query
// stems each word and matches it as a prefix (`договор:*` finds «договора»), OR-ed so paraphrases still match. Numbers
// and short stems match exactly ("4" must not find 40–49 and 400…, "car" not "card"), and `rankingTiers` orders the
// candidates by how many query terms they hold, so ranking never has to score every row one common word matches.
import { stem } from './embedders/stem.ts';

// Words that match everything and mean nothing; a short list per language is enough for ranking.
const STOPWORDS = new Set(
  (
    'a an the and or of to in on at for from by with about is are was were be been do does did what when where who ' +
    'which how why my me i you your it its this that these those have has had will would should can could there ' +
    'we us our they them their he him his she her hers im much many any some all just also very than then so if as ' +
    'but into over after before again only too here am not no yes get got please tell know ' +
    'и в во на с со к ко по о об от до за из у же ли не ни а но или что как где когда кто какой какая какие ' +
    'мой моя мое мои мне меня я ты вы он она они это этот эта эти был была было были есть для при про ' +
    'мы нас нам наш наша наше наши его ее их ему ей им себе свой своя свое свои так тоже также уже еще вот бы ' +
    'быть будет чтобы если то там тут здесь сколько какое каком какую который которая которое которые чем кого ' +
    'кому куда зачем почему весь все всех очень только ну да нет'
  ).split(' '),
);

// A stem shorter than this matches as listed word forms, not as a prefix (`car:*` would also find card, care, cartoon).
const MIN_PREFIX = 4;
// Queries longer than this keep their longest terms: long words are rarer and say more.
const MAX_TERMS = 8;

/** Lower-cased words of letters and digits, ё as е. */
export function wordsOf(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/ё/g, 'е')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** One tsquery operand per searchable word: `stem:*`, an exact number, or a group of a short stem's word forms. */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const w of wordsOf(text)) {
    if (STOPWORDS.has(w) || (w.length < 2 && !/\d/.test(w))) continue;
    const term = termOf(w);
    if (!terms.includes(term)) terms.push(term);
  }
  return terms;
}

function termOf(w: string): string {
  if (/\d/.test(w)) return w;
  const s = stem(w);
  if (s.length >= MIN_PREFIX || /[а-я]/.test(s)) return `${s}:*`;
  // A short Latin stem: the word itself and its regular forms.
  const forms = [...new Set([w, s, `${s}s`, `${s}es`, `${s}ed`, `${s}ing`])];
  return `(${forms.join(' | ')})`;
}

/** A to_tsquery('simple', …) string, or null when the text has no searchable word. Only letters/digits reach it. */
export function textQuery(text: string): string | null {
  const terms = searchTerms(text);
  return terms.length ? terms.join(' | ') : null;
}

/** Like textQuery but every word must occur: precise enough to pick what an explicit "forget …" means. */
export function allTermsQuery(text: string): string | null {
  const terms = searchTerms(text);
  return terms.length ? terms.join(' & ') : null;
}

/**
 * Rows holding at least `k` of the terms, nested so evaluation short-circuits: `a & (b | c) | b & c` rather than every
 * pair spelled out — a row without `a` costs one check there, not one per pair.
 */
export function atLeast(k: number, terms: readonly string[]): string {
  if (k <= 1) return terms.join(' | ');
  const alternatives: string[] = [];
  for (let i = 0; i + k <= terms.length; i++) {
    const rest = atLeast(k - 1, terms.slice(i + 1));
    alternatives.push(`${terms[i]} & ${rest.includes('|') ? `(${rest})` : rest}`);
  }
  return alternatives.length === 1 ? (alternatives[0] as string) : alternatives.map((a) => `(${a})`).join(' | ');
}

/**
 * Queries from strict to loose — rows holding at least 3, then 2 of the terms, then any — ending with the plain
 * textQuery; a row of one tier also matches every later one. Null when the text has no searchable word.
 */
export function rankingTiers(text: string): string[] | null {
  let terms = searchTerms(text);
  if (terms.length === 0) return null;
  if (terms.length > MAX_TERMS) {
    const size = (t: string) => t.match(/[\p{L}\p{N}]+/u)?.[0].length ?? 0;
    const kept = new Set([...terms].sort((a, b) => size(b) - size(a)).slice(0, MAX_TERMS));
    terms = terms.filter((t) => kept.has(t));
  }
  const tiers: string[] = [];
  for (let k = Math.min(3, terms.length); k >= 1; k--) tiers.push(atLeast(k, terms));
  return tiers;
}
