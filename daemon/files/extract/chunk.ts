// Chunking extracted pages for search: sections by heading, then paragraphs, then sentences (lines, words) for what
// is still too long; each chunk keeps its page and heading and opens with the tail of the chunk before it.
//
// Chunk text is left exactly as in the document — no title or heading prefix — so snippets and highlights quote the
// file faithfully and overlap stays a plain substring. The context lives in `heading`; `contextualText` adds it (and
// the document's title) for whoever embeds or indexes a chunk, where short chunks gain most from it.
import { headingOf } from './headings.ts';
import type { ExtractedPage } from './types.ts';

export interface ChunkOptions {
  /** Longest chunk, in characters (overlap included). Default 1200; at least 100. */
  targetChars?: number;
  /** Characters of the previous chunk's end repeated at the start of the next one in the same section. Default 200;
   * at most half of `targetChars`. Not carried across a heading: a new section starts clean. */
  overlapChars?: number;
}

export interface Chunk {
  text: string;
  /** The page the chunk's text comes from (chunks never span pages); null for unpaged formats. */
  page: number | null;
  /** The nearest heading above the chunk's text, without Markdown marks. */
  heading?: string;
  /** Position in the document, from 0. */
  index: number;
}

type PartKind = 'overlap' | 'heading' | 'body';
interface Part {
  kind: PartKind;
  text: string;
  joiner: string;
  page: number | null;
}
interface Block {
  kind: 'heading' | 'body';
  text: string;
  page: number | null;
}

/** Separators tried in turn on a paragraph that does not fit: sentence ends, line breaks, any whitespace. */
const SPLITTERS = [/(?<=[.!?…;])\s+(?=[«"„([]?[\p{Lu}\d])/gu, /\n+/g, /\s+/g];

/** Pages into heading and paragraph blocks. */
function blocksOf(pages: readonly ExtractedPage[]): Block[] {
  const blocks: Block[] = [];
  for (const { page, text } of pages) {
    const lines = text.split('\n');
    let para: string[] = [];
    const flush = () => {
      if (para.length > 0) blocks.push({ kind: 'body', text: para.join('\n'), page });
      para = [];
    };
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const next = line === '' ? '' : (lines.slice(i + 1).find((l) => l.trim() !== '') ?? '');
      if (line !== '' && !headingOf(line, next)) {
        para.push(line);
        return;
      }
      flush();
      if (line !== '') blocks.push({ kind: 'heading', text: line, page });
    });
    flush();
  }
  return blocks;
}

/** Pieces of `text` split at `re`, each with the whitespace that preceded it. */
function splitAt(text: string, re: RegExp): { text: string; joiner: string }[] {
  const out: { text: string; joiner: string }[] = [];
  let last = 0;
  let joiner = '';
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), joiner });
    joiner = m[0];
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), joiner });
  return out;
}

/** Units of at most `max` characters, split as gently as possible (sentences before lines before words). */
function splitToFit(text: string, max: number, level = 0): { text: string; joiner: string }[] {
  if (text.length <= max) return [{ text, joiner: '' }];
  const re = SPLITTERS[level];
  if (!re) {
    const out: { text: string; joiner: string }[] = [];
    for (let i = 0; i < text.length; i += max) out.push({ text: text.slice(i, i + max), joiner: '' });
    return out;
  }
  const pieces = splitAt(text, re);
  if (pieces.length <= 1) return splitToFit(text, max, level + 1);
  return pieces.flatMap((p) =>
    splitToFit(p.text, max, level + 1).map((u, i) => (i === 0 ? { ...u, joiner: p.joiner } : u)),
  );
}

/** The end of `text`, at most `max` characters and at most half of it, starting at a sentence, line or word boundary. */
function tailOf(text: string, max: number): string {
  const limit = Math.min(max, Math.floor(text.length / 2));
  if (limit <= 0) return '';
  let tail = text.slice(-limit);
  const boundary = /[.!?…]\s+|\n+/.exec(tail);
  if (boundary && boundary.index < (tail.length * 2) / 3) tail = tail.slice(boundary.index + boundary[0].length);
  else if (/\S/.test(text[text.length - limit - 1] ?? ' ')) tail = tail.slice(tail.search(/\s/) + 1 || tail.length);
  return tail.trim();
}

export function chunkDocument(pages: readonly ExtractedPage[], opts: ChunkOptions = {}): Chunk[] {
  const target = Math.max(100, Math.floor(opts.targetChars ?? 1200));
  const overlap = Math.max(0, Math.min(Math.floor(opts.overlapChars ?? 200), Math.floor(target / 2)));
  /** A section with less body than this joins the next one rather than standing alone. */
  const minBody = Math.floor(target / 4);
  const budget = target - overlap;
  const chunks: Chunk[] = [];
  let parts: Part[] = [];
  let heading: string | undefined;
  let chunkHeading: string | undefined;

  const textOf = (ps: Part[]) => ps.map((p, i) => (i === 0 ? p.text : p.joiner + p.text)).join('');
  const has = (kind: PartKind) => parts.some((p) => p.kind === kind);
  const bodyLength = () => parts.reduce((n, p) => n + (p.kind === 'body' ? p.text.length : 0), 0);
  const fits = (text: string, joiner: string) =>
    textOf(parts).length + (parts.length > 0 ? joiner.length : 0) + text.length <= target;
  const add = (kind: PartKind, text: string, joiner: string, page: number | null) => {
    if (!parts.some((p) => p.kind !== 'overlap')) chunkHeading = heading;
    parts.push({ kind, text, joiner, page });
  };
  /** Ends the current chunk; headings at its end move to the next one, else the next one opens with the overlap. */
  const cut = (carry: boolean) => {
    const moved: Part[] = [];
    while (parts.at(-1)?.kind === 'heading' && has('body')) moved.unshift(parts.pop() as Part);
    if (parts.some((p) => p.kind !== 'overlap')) {
      const text = textOf(parts);
      const page = (parts.find((p) => p.kind === 'body') ?? parts.find((p) => p.kind !== 'overlap'))?.page ?? null;
      chunks.push({ text, page, ...(chunkHeading ? { heading: chunkHeading } : {}), index: chunks.length });
      parts = [];
      const tail = carry && moved.length === 0 ? tailOf(text, overlap) : '';
      if (tail) parts.push({ kind: 'overlap', text: tail, joiner: '', page });
    }
    for (const h of moved) add('heading', h.text, '\n\n', h.page);
  };
  const dropOverlap = () => {
    parts = parts.filter((p) => p.kind !== 'overlap');
  };
  const currentPage = () => parts.find((p) => p.kind === 'body')?.page;

  for (const block of blocksOf(pages)) {
    if (block.kind === 'heading') {
      if (bodyLength() >= minBody) cut(false);
      if (!has('body')) dropOverlap();
      heading = (headingOf(block.text)?.text ?? block.text).trim();
      add('heading', block.text, '\n\n', block.page);
      continue;
    }
    const page = currentPage();
    if (page !== undefined && page !== block.page) cut(true);
    if (fits(block.text, '\n\n')) {
      add('body', block.text, '\n\n', block.page);
      continue;
    }
    const units = block.text.length <= budget ? [{ text: block.text, joiner: '' }] : splitToFit(block.text, budget);
    units.forEach((u, i) => {
      const joiner = i === 0 ? '\n\n' : u.joiner;
      if (!fits(u.text, joiner) && has('body')) cut(true);
      if (!fits(u.text, joiner)) dropOverlap();
      add('body', u.text, parts.length === 0 ? '' : joiner, block.page);
    });
  }
  cut(false);
  return chunks;
}

/** A chunk with its context in front — `title › heading` — for embedding and full-text indexing. */
export function contextualText(chunk: Chunk, title?: string): string {
  const heading = chunk.heading && !chunk.text.slice(0, 300).includes(chunk.heading) ? chunk.heading : undefined;
  const context = [title, heading].filter((s): s is string => !!s && s.trim() !== '').join(' › ');
  return context ? `${context}\n\n${chunk.text}` : chunk.text;
}
