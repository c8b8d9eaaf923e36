// Argument schemas the tools share: a path, a search text and a result count, each with the wording the model sees.
import * as v from 'valibot';

/** A path as the user or a listing names it: absolute, or relative to the home folder ("Desktop/notes.txt"). */
export const pathArg = (description: string) =>
  v.pipe(
    v.string('expected the path as a string'),
    v.minLength(1, 'expected a non-empty path'),
    v.maxLength(4096, 'expected a path of at most 4096 characters'),
    v.description(description),
  );

export const queryArg = (description: string) =>
  v.pipe(
    v.string('expected the query as a string'),
    v.trim(),
    v.minLength(1, 'expected a non-empty query'),
    v.maxLength(2000, 'expected a query of at most 2000 characters'),
    v.description(description),
  );

/** How many results: a whole number in [1, max], `fallback` when left out. */
export const countArg = (max: number, fallback: number, description: string) =>
  v.optional(
    v.pipe(
      v.number('expected a number'),
      v.integer('expected a whole number'),
      v.minValue(1, 'expected at least 1'),
      v.maxValue(max, `expected at most ${max}`),
      v.description(description),
    ),
    fallback,
  );

/** Scores rounded for the model: four digits say all there is to say. */
export const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Text cut at a word for a result, with "…" when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const atWord = cut.replace(/\s\S*$/, '');
  return `${atWord.length > max / 2 ? atWord : cut}…`;
}
