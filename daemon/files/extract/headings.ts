// Which lines are section headings: Markdown `#` lines (DOCX and HTML headings arrive as these too), ALL-CAPS lines,
// "Статья 3" / "Article 3" lines, and numbered lines such as «1. ПРЕДМЕТ ДОГОВОРА» or "2. Rent" followed by clause 2.1.
export interface Heading {
  /** The heading as shown, without Markdown marks: «1. ПРЕДМЕТ ДОГОВОРА». */
  text: string;
  /** 1 for top level; deeper for `##` or «2.1». */
  level: number;
}

const MAX_HEADING = 100;
const MARKDOWN = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const NUMBERED = /^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$/;
const ARTICLE =
  /^(?:статья|раздел|глава|часть|приложение|article|section|chapter|clause|schedule|appendix)\s+[\dIVXLC]+\b/i;

const letters = (s: string) => s.match(/\p{L}/gu) ?? [];

/** Two or more letters, all capitals: «ПРЕДМЕТ ДОГОВОРА», "TERMS AND CONDITIONS". */
function allCaps(s: string): boolean {
  const ls = letters(s);
  return ls.length >= 3 && ls.every((c) => c === c.toUpperCase() && c !== c.toLowerCase());
}

/** Short, starts with a capital, no sentence end: could be a title ("Rent and deposit"). */
function titleLike(s: string): boolean {
  const first = letters(s)[0];
  return (
    s.length <= 80 &&
    s.split(/\s+/).length <= 10 &&
    !!first &&
    first === first.toUpperCase() &&
    !/[.,;:!?]$/.test(s) &&
    !s.includes(' | ')
  );
}

/** The heading a line is, if any; `next` is the following non-blank line (numbered headings announce their clauses). */
export function headingOf(line: string, next = ''): Heading | null {
  const s = line.trim();
  if (s === '' || s.length > MAX_HEADING) return null;
  const md = MARKDOWN.exec(s);
  if (md) return { text: (md[2] as string).trim(), level: (md[1] as string).length };
  if (s.includes(' | ') || /[,;]$/.test(s)) return null;
  const num = NUMBERED.exec(s);
  if (num) {
    const number = num[1] as string;
    const rest = num[2] as string;
    const level = number.split('.').length;
    const opensClauses = next.trim().startsWith(`${number}.1`);
    if (allCaps(rest) || (titleLike(rest) && opensClauses)) return { text: s, level };
    return null;
  }
  if (ARTICLE.test(s) && titleLike(s.replace(/[.:]$/, ''))) return { text: s, level: 1 };
  const mostlyLetters = letters(s).length >= s.replace(/\s/g, '').length * 0.6;
  if (allCaps(s) && mostlyLetters && s.split(/\s+/).length <= 12 && !/^[-*•]/.test(s)) return { text: s, level: 1 };
  return null;
}
