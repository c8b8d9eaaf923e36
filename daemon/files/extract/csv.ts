// CSV and TSV: parsed (quotes, embedded commas and line breaks), the delimiter sniffed from the first line, and each
// record written as one `a | b | c` line so a row stays readable wherever a chunk cuts.
import { decodeText } from './decode.ts';
import { encodingWarnings } from './text.ts';
import type { Extracted } from './types.ts';

/** The delimiter that occurs most often outside quotes in the first line: `,`, `;` (spreadsheets in RU locales) or tab. */
export function sniffDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')).replace(/"[^"]*"/g, '');
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = first.split(d).length - 1;
    if (n > most) {
      most = n;
      best = d;
    }
  }
  return best;
}

/** RFC 4180 records: `""` is a quote inside a quoted field; a quoted field may span lines. */
export function parseCsv(text: string, delimiter = sniffDelimiter(text)): { rows: string[][]; unclosedQuote: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { rows, unclosedQuote: quoted };
}

export function extractCsv(bytes: Uint8Array): Extracted {
  const { text, encoding, guessed } = decodeText(bytes);
  const { rows, unclosedQuote } = parseCsv(text);
  const lines = rows
    .map((r) => r.map((cell) => cell.replace(/\s+/g, ' ').trim()))
    .filter((r) => r.some((cell) => cell !== ''))
    .map((r) => r.join(' | '));
  const warnings = encodingWarnings(encoding, guessed);
  if (unclosedQuote) warnings.push('a quoted field is never closed: the rest of the file was read as one field');
  return { kind: 'csv', pages: [{ page: null, text: lines.join('\n') }], encoding, warnings };
}
