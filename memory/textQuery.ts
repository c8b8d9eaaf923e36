// Builds the full-text side of a query: the `simple` configuration indexes whole words in any language, so the query
// stems each word and matches it as a prefix (`договор:*` finds «договора»), OR-ed so paraphrases still match.
import { stem } from './embedders/stem.ts';

// Words that match everything and mean nothing; a short list per language is enough for ranking.
const STOPWORDS = new Set(
  (
    'a an the and or of to in on at for from by with about is are was were be been do does did what when where who ' +
    'which how why my me i you your it its this that these those have has had will would should can could there ' +
    'и в во на с со к ко по о об от до за из у же ли не ни а но или что как где когда кто какой какая какие ' +
    'мой моя мое мои мне меня я ты вы он она они это этот эта эти был была было были есть для при про'
  ).split(' '),
);

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

/** A to_tsquery('simple', …) string, or null when the text has no searchable word. Only letters/digits reach it. */
export function textQuery(text: string): string | null {
  const terms = new Set<string>();
  for (const w of wordsOf(text)) {
    if (STOPWORDS.has(w) || (w.length < 2 && !/\d/.test(w))) continue;
    terms.add(`${stem(w)}:*`);
  }
  return terms.size ? [...terms].join(' | ') : null;
}

/** Like textQuery but every word must occur: precise enough to pick what an explicit "forget …" means. */
export function allTermsQuery(text: string): string | null {
  return textQuery(text)?.replaceAll(' | ', ' & ') ?? null;
}
