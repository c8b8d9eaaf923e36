// A deliberately light stemmer for Russian and English: strips common inflectional endings so word forms share a feature.
// Not Snowball: over- and under-stemming only shift one feature among many char n-grams, so simple rules are enough.

// Longest first, so «ами» wins over «и». Nominal, adjectival and a few verbal endings; past-tense «-ла/-ло/-ал»
// are left out because they cut too many nouns («школа», «материал»).
const RU_ENDINGS = [
  'иями',
  'ями',
  'ами',
  'ого',
  'его',
  'ому',
  'ему',
  'ыми',
  'ими',
  'ией',
  'ием',
  'иям',
  'иях',
  'ость',
  'ости',
  'ться',
  'ется',
  'ится',
  'ов',
  'ев',
  'ей',
  'ой',
  'ий',
  'ый',
  'ая',
  'яя',
  'ое',
  'ее',
  'ые',
  'ие',
  'ых',
  'их',
  'ым',
  'им',
  'ую',
  'юю',
  'ам',
  'ям',
  'ах',
  'ях',
  'ом',
  'ем',
  'ию',
  'ия',
  'ть',
  'ет',
  'ит',
  'ут',
  'ют',
  'ат',
  'ят',
  'а',
  'я',
  'о',
  'е',
  'ы',
  'и',
  'у',
  'ю',
  'ь',
  'й',
].sort((a, b) => b.length - a.length);

// A stem keeps at least this many letters, so short words («дом», "sea") stay whole.
const MIN_STEM = 3;

const CYRILLIC = /[а-я]/;
const LATIN = /^[a-z]+$/;

function stemRussian(word: string): string {
  for (const ending of RU_ENDINGS) {
    if (word.length - ending.length >= MIN_STEM && word.endsWith(ending)) return word.slice(0, -ending.length);
  }
  return word;
}

// Porter's step 1a (plurals), a plain -ing/-ed cut, then a final -y→i and -e drop so that
// "lease", "leases", "leased", "leasing" all become "leas", and "agreement(s)" becomes "agreement".
function stemEnglish(word: string): string {
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}i`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && w.length > MIN_STEM) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length - 3 >= MIN_STEM) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length - 2 >= MIN_STEM) w = w.slice(0, -2);
  if (w.endsWith('y') && w.length > MIN_STEM) w = `${w.slice(0, -1)}i`;
  if (w.endsWith('e') && w.length > MIN_STEM) w = w.slice(0, -1);
  return w;
}

/** The stem of one normalised (lower-case, ё→е) word; words in other scripts or with digits stay as they are. */
export function stem(word: string): string {
  if (CYRILLIC.test(word)) return stemRussian(word);
  if (LATIN.test(word)) return stemEnglish(word);
  return word;
}
