// PDF text per page through unpdf (PDF.js): lines rebuilt from text items, paragraphs from vertical gaps, running
// headers and footers dropped; a PDF with no text at all (a scan) is reported with `noTextLayer`, a locked or broken
// one as a typed error.
import { getDocumentProxy } from 'unpdf';
import { ExtractError } from './extractError.ts';
import type { Extracted } from './types.ts';

/** The parts of PDF.js's TextItem this module reads. */
interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  y: number;
}

/** Text items to lines: a new line on `hasEOL` or when the baseline moves by more than half the font size. */
function toLines(items: TextItem[]): Line[] {
  const lines: Line[] = [];
  let cur: Line | null = null;
  let endX = 0;
  for (const item of items) {
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    const size = Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0) || item.height || 10;
    if (cur && Math.abs(cur.y - y) > size / 2 && item.str !== '') {
      lines.push(cur);
      cur = null;
    }
    if (!cur) cur = { text: '', y };
    // Separate runs on one line with a visible gap and no space of their own: keep the words apart.
    const gap = x - endX > size * 0.2;
    if (gap && cur.text !== '' && !/\s$/.test(cur.text) && !/^\s/.test(item.str)) cur.text += ' ';
    cur.text += item.str;
    endX = x + item.width;
    if (item.hasEOL) {
      lines.push(cur);
      cur = null;
    }
  }
  if (cur) lines.push(cur);
  return lines.map((l) => ({ text: l.text.replace(/\s+/g, ' ').trim(), y: l.y })).filter((l) => l.text !== '');
}

/** Lines to text: a gap clearly wider than the usual line spacing becomes a blank line (a paragraph break). */
function toText(lines: Line[]): string {
  const gaps = lines
    .slice(1)
    .map((l, i) => Math.abs((lines[i] as Line).y - l.y))
    .filter((g) => g > 0);
  const usual = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
  return lines
    .map((l, i) => {
      const prev = lines[i - 1];
      const wide = prev && usual > 0 && Math.abs(prev.y - l.y) > usual * 1.4;
      return (wide ? '\n' : '') + l.text;
    })
    .join('\n');
}

/** Running headers and footers («страница 2 из 3», a repeated title): lines at the top or bottom of most pages that
 * are the same once digits are ignored. Dropped so they do not cut into every page's text. */
function dropRunningLines(pages: Line[][]): Line[][] {
  if (pages.length < 2) return pages;
  const key = (l: Line) => l.text.replace(/\d+/g, '#').toLowerCase();
  const edges = (lines: Line[]) => new Set([...lines.slice(0, 2), ...lines.slice(-2)].map(key));
  const seen = new Map<string, number>();
  for (const lines of pages) for (const k of edges(lines)) seen.set(k, (seen.get(k) ?? 0) + 1);
  const running = new Set([...seen].filter(([, n]) => n >= Math.max(2, pages.length / 2)).map(([k]) => k));
  if (running.size === 0) return pages;
  return pages.map((lines) => lines.filter((l, i) => !((i < 2 || i >= lines.length - 2) && running.has(key(l)))));
}

function openError(file: string, err: unknown): ExtractError {
  const name = (err as Error)?.name ?? '';
  const detail = (err as Error)?.message ?? String(err);
  if (name === 'PasswordException') {
    return new ExtractError('encrypted', file, 'the PDF is password-protected: open it with its password to read it', {
      cause: err,
    });
  }
  return new ExtractError('corrupt_file', file, `the PDF is damaged or incomplete (${detail})`, { cause: err });
}

export async function extractPdf(bytes: Uint8Array, file: string, signal?: AbortSignal): Promise<Extracted> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: PDF.js may take ownership of (detach) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (err) {
    throw openError(file, err);
  }
  try {
    const lines: Line[][] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      signal?.throwIfAborted();
      const content = await (await pdf.getPage(n)).getTextContent();
      lines.push(toLines(content.items.flatMap((item) => ('str' in item ? [item] : []))));
    }
    const pages = dropRunningLines(lines).map((l, i) => ({ page: i + 1, text: toText(l) }));
    const blank = pages.filter((p) => p.text === '').map((p) => p.page);
    const noTextLayer = pages.length > 0 && blank.length === pages.length;
    const warnings: string[] = [];
    if (noTextLayer) warnings.push('the PDF has no text layer (a scan?): there is no text to read without OCR');
    else if (blank.length > 0) warnings.push(`page(s) ${blank.join(', ')} have no text layer (scanned?)`);
    return { kind: 'pdf', pages, noTextLayer, warnings };
  } catch (err) {
    if (signal?.aborted || err instanceof ExtractError) throw err;
    throw openError(file, err);
  } finally {
    await pdf.loadingTask.destroy();
  }
}
