// Guesses the 8-bit encoding of text that is not UTF-8: windows-1251, koi8-r or ibm866 for Russian, else windows-1252,
// by decoding with each and scoring how much the result reads like Russian (letter frequencies and letter case).
export const LEGACY_CYRILLIC = ['windows-1251', 'koi8-r', 'ibm866'] as const;
export type LegacyEncoding = (typeof LEGACY_CYRILLIC)[number] | 'windows-1252';

/** Lowercase Cyrillic letters, most frequent first, and their share (%) of letters in ordinary Russian prose; the last
 * five are Ukrainian and Belarusian letters (cp1251 has them, koi8-r does not), weighted as in those languages. */
const LETTERS = 'оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъёіїєґў';
const PERCENT = [
  10.97, 8.45, 8.01, 7.35, 6.7, 6.26, 5.47, 4.73, 4.54, 4.4, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01, 1.9, 1.74, 1.7, 1.65,
  1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04, 5.0, 0.6, 0.4, 0.02, 0.8,
];
const FREQ = new Map([...LETTERS].map((c, i) => [c, PERCENT[i] as number]));
const RARE = Math.log(0.01);
/** A capital letter right after a lowercase one ("пЯХВЕР"): what a wrong Cyrillic table produces. */
const MID_WORD_CAPITAL = Math.log(0.001);
/** A Cyrillic letter touching a Latin one ("cafй"): Western text read as Cyrillic. */
const MIXED_SCRIPT = Math.log(0.0005);
/** A non-ASCII symbol that is not a letter (box drawing, "‰", "Ћ"): unlikely in prose. */
const SYMBOL = Math.log(0.005);

const isCyrillic = (c: string) => /\p{Script=Cyrillic}/u.test(c);
const isLatin = (c: string) => /[A-Za-z]/.test(c);
const isLetter = (c: string) => /\p{L}/u.test(c);
const isUpper = (c: string) => c !== c.toLowerCase();

interface Score {
  /** Mean log-plausibility per non-ASCII character. */
  mean: number;
  /** Share of the non-ASCII characters that are Cyrillic letters. */
  cyrillic: number;
}

/** How Russian a decoded text looks; higher is better. */
export function russianScore(text: string): Score {
  const chars = [...text];
  let sum = 0;
  let count = 0;
  let cyrillic = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c.charCodeAt(0) < 0x80) continue;
    count++;
    if (!isCyrillic(c) || !isLetter(c)) {
      sum += /[\s\u00a0«»–—№]/.test(c) ? 0 : SYMBOL;
      continue;
    }
    cyrillic++;
    const prev = chars[i - 1] ?? ' ';
    const next = chars[i + 1] ?? ' ';
    const freq = FREQ.get(c.toLowerCase());
    let s = freq === undefined ? RARE : Math.log(freq);
    if (isUpper(c) && isLetter(prev) && !isUpper(prev)) s += MID_WORD_CAPITAL;
    if (isLatin(prev) || isLatin(next)) s += MIXED_SCRIPT;
    sum += s;
  }
  return count === 0 ? { mean: 0, cyrillic: 0 } : { mean: sum / count, cyrillic: cyrillic / count };
}

/** The most plausible 8-bit encoding of `bytes` (which failed to decode as UTF-8). */
export function detectLegacyEncoding(bytes: Uint8Array): LegacyEncoding {
  const sample = bytes.subarray(0, 64 * 1024);
  let best: { encoding: LegacyEncoding; score: Score } | null = null;
  for (const encoding of LEGACY_CYRILLIC) {
    const score = russianScore(new TextDecoder(encoding).decode(sample));
    if (!best || score.mean > best.score.mean) best = { encoding, score };
  }
  // Mostly non-letters or letters glued to Latin words: a Western text, not a Russian one.
  if (!best || best.score.cyrillic < 0.5 || best.score.mean < Math.log(0.05)) return 'windows-1252';
  return best.encoding;
}
