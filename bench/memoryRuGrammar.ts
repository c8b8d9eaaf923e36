// Just enough Russian morphology for the bench data: singular noun cases by ending, adjective agreement, past plural,
// and people (first name + -ов/-ев/-ин surname). Noun entries: «слово», «слово/косвенная-основа» for a fleeting vowel
// («замок/замк»), a trailing * for a feminine soft sign («мышь*»), a trailing = for indeclinable («кафе=»), a trailing @ for animate («арендатор@»); a phrase
// declines its first word only («камера хранения»).

export type Case = 'nom' | 'gen' | 'dat' | 'acc' | 'ins' | 'prep';
export type Gender = 'm' | 'f' | 'n';

const HUSH = /[гкхжшщч]$/;
const SIBILANT = /[жшщчц]$/;

interface Noun {
  word: string;
  rest: string;
  oblique: string;
  fem: boolean;
  indeclinable: boolean;
  animate: boolean;
}

function parse(entry: string): Noun {
  const space = entry.indexOf(' ');
  const head = space < 0 ? entry : entry.slice(0, space);
  const rest = space < 0 ? '' : entry.slice(space);
  const animate = head.endsWith('@');
  const bare = head.replace(/@$/, '');
  const indeclinable = bare.endsWith('=');
  const fem = bare.endsWith('*');
  const [word, oblique] = bare.replace(/[=*]$/, '').split('/') as [string, string | undefined];
  return { word, rest, oblique: oblique ?? word, fem, indeclinable, animate };
}

export function genderOf(entry: string): Gender {
  const n = parse(entry);
  if (n.fem || /[ая]$/.test(n.word)) return 'f';
  if (/[оеиую]$/.test(n.word)) return 'n';
  return 'm';
}

/** The entry's bare nominative (markers removed). */
export const nom = (entry: string): string => decline(entry, 'nom');

/** One case of a singular noun; `animate` makes a masculine accusative like the genitive. */
export function decline(entry: string, c: Case, animateHint = false): string {
  const n = parse(entry);
  const animate = animateHint || n.animate;
  const w = n.word;
  if (c === 'nom' || n.indeclinable) return w + n.rest;
  const ends = (e: string) => w.endsWith(e);
  const cut = (k: number) => w.slice(0, w.length - k);
  let out: string;
  if (ends('ия')) out = cut(2) + { gen: 'ии', dat: 'ии', acc: 'ию', ins: 'ией', prep: 'ии' }[c];
  else if (ends('а')) {
    const s = cut(1);
    out = s + { gen: HUSH.test(s) ? 'и' : 'ы', dat: 'е', acc: 'у', ins: SIBILANT.test(s) ? 'ей' : 'ой', prep: 'е' }[c];
  } else if (ends('я')) out = cut(1) + { gen: 'и', dat: 'е', acc: 'ю', ins: 'ей', prep: 'е' }[c];
  else if (ends('ие')) out = cut(2) + { gen: 'ия', dat: 'ию', acc: 'ие', ins: 'ием', prep: 'ии' }[c];
  else if (ends('о')) out = cut(1) + { gen: 'а', dat: 'у', acc: 'о', ins: 'ом', prep: 'е' }[c];
  else if (ends('е')) out = cut(1) + { gen: 'я', dat: 'ю', acc: 'е', ins: 'ем', prep: 'е' }[c];
  else if (ends('ь') && n.fem) out = cut(1) + { gen: 'и', dat: 'и', acc: 'ь', ins: 'ью', prep: 'и' }[c];
  else if (ends('ь')) out = cut(1) + { gen: 'я', dat: 'ю', acc: animate ? 'я' : 'ь', ins: 'ем', prep: 'е' }[c];
  else if (ends('ий')) out = cut(2) + { gen: 'ия', dat: 'ию', acc: animate ? 'ия' : 'ий', ins: 'ием', prep: 'ии' }[c];
  else if (ends('й')) out = cut(1) + { gen: 'я', dat: 'ю', acc: animate ? 'я' : 'й', ins: 'ем', prep: 'е' }[c];
  else {
    const s = n.oblique;
    if (c === 'acc' && !animate) out = w;
    else out = s + { gen: 'а', dat: 'у', acc: 'а', ins: /ц$/.test(s) ? 'ем' : 'ом', prep: 'е' }[c];
  }
  return out + n.rest;
}

/** An adjective (masculine nominative: -ый, -ий, -ой) agreeing with a noun in the nominative or inanimate accusative. */
export function agree(adj: string, g: Gender, c: 'nom' | 'acc' = 'nom'): string {
  if (g === 'm') return adj;
  const stem = adj.slice(0, -2);
  const soft = adj.endsWith('ий') && !HUSH.test(stem);
  if (g === 'f') return stem + (soft ? (c === 'nom' ? 'яя' : 'юю') : c === 'nom' ? 'ая' : 'ую');
  return stem + (soft || (adj.endsWith('ий') && /[жшщч]$/.test(stem)) ? 'ее' : 'ое');
}

/** «мы сделали», «мы зарегистрировались». */
export function pastPlural(inf: string): string {
  if (inf.endsWith('ться')) return `${inf.slice(0, -4)}лись`;
  return `${inf.slice(0, -2)}ли`;
}

export interface Person {
  first: string;
  last: string;
  male: boolean;
}

/** A surname in -ов/-ев/-ин (masculine form given), in the person's gender and case. */
function surname(base: string, male: boolean, c: Case): string {
  if (male) return base + { nom: '', gen: 'а', dat: 'у', acc: 'а', ins: 'ым', prep: 'е' }[c];
  return base + { nom: 'а', gen: 'ой', dat: 'ой', acc: 'у', ins: 'ой', prep: 'ой' }[c];
}

export const firstName = (p: Person, c: Case): string => decline(p.first, c, true);
export const fullName = (p: Person, c: Case): string => `${firstName(p, c)} ${surname(p.last, p.male, c)}`;
export const lastName = (p: Person, c: Case): string => surname(p.last, p.male, c);

/** «в»/«во», «с»/«со» before a hard consonant cluster («во Владивостоке», «со Светланой»). */
export function prep(p: 'в' | 'с' | 'к', word: string): string {
  const cluster = { в: /^[вф][^аеёиоуыэюя]/i, с: /^[сзшж][^аеёиоуыэюя]/i, к: /^[кг][^аеёиоуыэюя]/i }[p];
  return `${cluster.test(word) ? `${p}о` : p} ${word}`;
}

/** 1 ночь, 3 ночи, 7 ночей. */
export function plural(n: number, one: string, few: string, many: string): string {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}
