// read_file: a file's text (PDF, DOCX, HTML, CSV, JSON, plain text) read through the guard and the extractors, cut to
// `max_chars` from `offset`, with the total length and the pages shown so the model can read on.
import * as v from 'valibot';
import { type Extracted, extractBytes } from '../../files/extract/index.ts';
import { DEFAULT_MAX_BYTES } from '../../files/extract/types.ts';
import { pathArg } from './args.ts';
import { defineTool, toolError } from './define.ts';

/**
 * Characters of text per call, counted as the JSON the model receives (quotes and newlines escaped): the agent loop
 * cuts any tool result over 20,000 JSON characters, so a read stays under that with room for its notes.
 */
export const DEFAULT_READ_CHARS = 16_000;
export const MAX_READ_CHARS = 18_000;

const schema = v.strictObject({
  path: pathArg('The file to read: absolute, or relative to the home folder, e.g. "Desktop/contract.pdf".'),
  max_chars: v.optional(
    v.pipe(
      v.number('expected a number'),
      v.integer('expected a whole number'),
      v.minValue(100, 'expected at least 100'),
      v.maxValue(MAX_READ_CHARS, `expected at most ${MAX_READ_CHARS}`),
      v.description(`The most characters of text to return; default ${DEFAULT_READ_CHARS}.`),
    ),
    DEFAULT_READ_CHARS,
  ),
  offset: v.optional(
    v.pipe(
      v.number('expected a number'),
      v.integer('expected a whole number'),
      v.minValue(0, 'expected 0 or more'),
      v.description('Where to start, in characters of the extracted text: to read on after a cut-off result.'),
    ),
    0,
  ),
});

interface Composed {
  text: string;
  /** Where each numbered page starts in `text`. */
  starts: { page: number; at: number }[];
}

/** Pages joined; numbered pages get a "[page N]" line so answers can cite them. */
function compose(doc: Extracted): Composed {
  const numbered = doc.pages.some((p) => p.page !== null);
  let text = '';
  const starts: Composed['starts'] = [];
  for (const p of doc.pages) {
    if (text) text += '\n\n';
    if (numbered && p.page !== null) {
      starts.push({ page: p.page, at: text.length });
      text += `[page ${p.page}]\n`;
    }
    text += p.text;
  }
  return { text, starts };
}

/** The pages that [from, to) touches, as "3" or "3–5". */
function pagesIn(starts: Composed['starts'], from: number, to: number): string | null {
  const touched = starts.filter((s, i) => s.at < to && (starts[i + 1]?.at ?? Number.POSITIVE_INFINITY) > from);
  if (touched.length === 0) return null;
  const first = touched[0]?.page;
  const last = touched[touched.length - 1]?.page;
  return first === last ? `${first}` : `${first}–${last}`;
}

/** Where a slice from `from` ends so that its JSON form is at most `max` characters and no surrogate pair is split. */
function sliceEnd(text: string, from: number, max: number): number {
  let to = Math.min(text.length, from + max);
  for (let excess = JSON.stringify(text.slice(from, to)).length - 2 - max; excess > 0 && to > from; ) {
    to -= Math.ceil(excess / 2);
    excess = JSON.stringify(text.slice(from, to)).length - 2 - max;
  }
  if (to < text.length && to > from && /[\uD800-\uDBFF]/.test(text.charAt(to - 1))) to--;
  return to;
}

export const readFile = defineTool({
  name: 'read_file',
  description:
    "Reads the text of a file in the user's allowed folders — PDF, Word (.docx), HTML, CSV, JSON, Markdown or plain text. Long texts are cut at max_chars; the result then says how long the whole text is and the offset to read on from. Pages of a PDF are marked [page N].",
  schema,
  risk: 'read',
  async run({ path, max_chars, offset }, { files, who, signal }) {
    const target = await files.resolve(path, 'read', who);
    if (target.kind === 'file') {
      const { size } = await files.ops.stat(target);
      if (size > DEFAULT_MAX_BYTES) {
        return toolError('too_large', `${target.path} is ${size} bytes, over the ${DEFAULT_MAX_BYTES}-byte read limit`);
      }
    }
    const { data, size } = await files.ops.readFile(target);
    const doc = await extractBytes(data, target.name, { signal });
    if (doc.kind === 'unsupported') {
      return toolError('unsupported_type', doc.warnings[0] ?? `${target.name}: no text to extract`, {
        path: target.path,
      });
    }
    const { text, starts } = compose(doc);
    const from = Math.min(offset, text.length);
    const to = sliceEnd(text, from, max_chars);
    const truncated = from > 0 || to < text.length;
    const pages = starts.length || null;
    const shown = pagesIn(starts, from, to);
    const notes: string[] = [];
    if (doc.noTextLayer) notes.push('this PDF is a scan with no text layer: there is no text to read');
    if (truncated) {
      const where = shown && pages ? ` (${shown.includes('–') ? 'pages' : 'page'} ${shown} of ${pages})` : '';
      const next = to < text.length ? `; call read_file again with offset ${to} to read on` : '';
      notes.push(`showing characters ${from}–${to} of ${text.length}${where}${next}`);
    }
    return {
      path: target.path,
      kind: doc.kind,
      size,
      pages,
      chars: text.length,
      offset: from,
      truncated,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ...(doc.warnings.length ? { warnings: doc.warnings } : {}),
      // Last: if anything cuts the result, the notes above survive.
      text: text.slice(from, to),
    };
  },
});
