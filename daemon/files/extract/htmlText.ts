// HTML to readable text without a parser dependency: scripts and styles dropped, headings as `#` lines (so the chunker
// sees sections), block elements as line breaks, table rows as `a | b` lines, entities decoded.
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  zwnj: '',
  zwj: '',
  mdash: '—',
  ndash: '–',
  minus: '−',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  harr: '↔',
  numero: '№',
  prime: '′',
  Prime: '″',
  iexcl: '¡',
  iquest: '¿',
  le: '≤',
  ge: '≥',
  ne: '≠',
};

/** Decodes `&amp;`, `&#1076;`, `&#x44F;` and the common named entities; unknown names stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name] ?? NAMED[name.toLowerCase()] ?? whole;
  });
}

/** A tag, with quoted attribute values that may contain `>`. */
const TAG = /<\/?[a-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/gi;
const DROPPED =
  /<(script|style|noscript|template|svg|math|iframe|object|canvas|select|nav|form|button)\b[\s\S]*?<\/\1\s*>/gi;
const PARAGRAPH_TAGS =
  'p|div|section|article|header|footer|nav|main|aside|blockquote|pre|ul|ol|dl|table|form|fieldset|figure|address|hr|details|summary';
const LINE_TAGS = 'br|dt|dd|tr|caption|figcaption|option|legend';

const stripTags = (s: string) => s.replace(TAG, ' ');
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The `<title>` of a page, decoded. */
export function htmlTitle(html: string): string | undefined {
  const m = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = m ? collapse(decodeEntities(stripTags(m[1] as string))) : '';
  return title || undefined;
}

/** The charset an HTML page declares in a `<meta>` tag, if any. */
export function declaredCharset(head: string): string | undefined {
  return /<meta\b[^>]*charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1];
}

/** Text of an HTML document or fragment; the `<title>` (when the body does not repeat it) opens the text. */
export function htmlToText(html: string): string {
  const title = htmlTitle(html);
  let s = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ' ')
    .replace(/<head\b[\s\S]*?<\/head\s*>/i, ' ')
    .replace(/<title\b[\s\S]*?<\/title\s*>/gi, ' ')
    .replace(DROPPED, ' ');
  // Preformatted text keeps its line breaks: park it before whitespace is collapsed.
  const pre: string[] = [];
  s = s.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/gi, (_, body: string) => {
    pre.push(stripTags(body.replace(/<br\s*\/?>/gi, '\n')));
    return `\uE000${pre.length - 1}\uE001`;
  });
  s = s.replace(/\s+/g, ' ');
  s = s.replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_, level: string, body: string) => {
    const text = collapse(stripTags(body));
    return text ? `\n\n${'#'.repeat(Number(level))} ${text}\n\n` : ' ';
  });
  s = s.replace(/<tr\b[^>]*>([\s\S]*?)<\/tr\s*>/gi, (_, row: string) => {
    const cells = row
      .split(/<t[dh]\b[^>]*>/i)
      .map((cell) => collapse(stripTags(cell)))
      .filter((cell) => cell !== '');
    return `\n${cells.join(' | ')}`;
  });
  s = s
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li\s*>/gi, '')
    .replace(new RegExp(`</?(?:${PARAGRAPH_TAGS})\\b[^>]*>`, 'gi'), '\n\n')
    .replace(new RegExp(`</?(?:${LINE_TAGS})\\b[^>]*/?>`, 'gi'), '\n')
    .replace(TAG, '')
    .replace(/<![^>]*>|<\?[^>]*>/g, '');
  s = decodeEntities(s).replace(
    /\uE000(\d+)\uE001/g,
    (_, i: string) => `\n\n${decodeEntities(pre[Number(i)] ?? '')}\n\n`,
  );
  const text = s
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  // A page title is often the article's heading plus the site's name ("Heading — Site"): skip it when the body has it.
  const core = title?.split(/\s[—–|-]\s/)[0] ?? '';
  return title && !text.slice(0, 1000).includes(core) ? `${title}\n\n${text}` : text;
}
