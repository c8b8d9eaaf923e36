// Text extraction for file ingestion: picks the reader by extension and by the file's magic bytes (which win when
// they disagree), so a PDF named .txt is still read as a PDF and a web page named .pdf is a clear typed error.
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { extractCsv } from './csv.ts';
import { extractDocx } from './docx.ts';
import { ExtractError } from './extractError.ts';
import { extractHtml } from './html.ts';
import { extractJson } from './json.ts';
import { extractPdf } from './pdf.ts';
import { describeContent, isEncryptedOoxml, sniff } from './sniff.ts';
import { extractPlain } from './text.ts';
import { DEFAULT_MAX_BYTES, type Extracted, type ExtractKind, type ExtractOptions } from './types.ts';

export { type Chunk, type ChunkOptions, chunkDocument, contextualText } from './chunk.ts';
export { ExtractError, type ExtractErrorCode } from './extractError.ts';
export type { Extracted, ExtractedPage, ExtractKind, ExtractOptions } from './types.ts';

/** The kind each extension promises; anything else is read as text if its bytes are text, else `unsupported`. */
const BY_EXTENSION: Record<string, ExtractKind> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.txt': 'text',
  '.text': 'text',
  '.log': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
};

/** Extensions known to hold text; all else needs its bytes to look like text. */
const TEXT_KINDS = new Set<ExtractKind>(['text', 'markdown', 'csv', 'json', 'html']);

function unsupported(name: string, bytes: Uint8Array): Extracted {
  const ext = extname(name).toLowerCase() || '(no extension)';
  return { kind: 'unsupported', pages: [], warnings: [`no text to extract from ${ext}: ${describeContent(bytes)}`] };
}

function mismatch(name: string, promised: string, bytes: Uint8Array): ExtractError {
  const content = sniff(bytes);
  if (content === 'empty') return new ExtractError('corrupt_file', name, `the file is empty, not ${promised}`);
  return new ExtractError('type_mismatch', name, `not ${promised}: its content is ${describeContent(bytes)}`);
}

/** Extracts the text of a file already read (for callers that read through the path guard). */
export async function extractBytes(bytes: Uint8Array, name: string, opts: ExtractOptions = {}): Promise<Extracted> {
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  opts.signal?.throwIfAborted();
  if (bytes.length > max) {
    throw new ExtractError('too_large', name, `${bytes.length} bytes is over the ${max}-byte extraction limit`);
  }
  const ext = extname(name).toLowerCase();
  const promised = BY_EXTENSION[ext];
  const content = sniff(bytes);
  if (content === 'pdf') {
    const doc = await extractPdf(bytes, name, opts.signal);
    if (promised && promised !== 'pdf') doc.warnings.unshift(`named ${ext} but the content is a PDF`);
    return doc;
  }
  if (promised === 'pdf') throw mismatch(name, 'a PDF', bytes);
  if (promised === 'docx') {
    if (content === 'zip') return extractDocx(bytes, name);
    if (content === 'ole2' && isEncryptedOoxml(bytes)) {
      throw new ExtractError(
        'encrypted',
        name,
        'the document is password-protected: open it with its password to read it',
      );
    }
    if (content === 'ole2') {
      throw new ExtractError(
        'unsupported_type',
        name,
        'a Word 97–2003 file with a .docx name: save it as .docx to read it',
      );
    }
    throw mismatch(name, 'a DOCX (Word) document', bytes);
  }
  if (content !== 'text' && content !== 'empty') {
    if (promised && TEXT_KINDS.has(promised)) throw mismatch(name, `a text file (${ext})`, bytes);
    return unsupported(name, bytes);
  }
  switch (promised) {
    case 'html':
      return extractHtml(bytes);
    case 'csv':
      return extractCsv(bytes);
    case 'json':
      return extractJson(bytes);
    case 'markdown':
      return extractPlain(bytes, 'markdown');
    default:
      return extractPlain(bytes, 'text');
  }
}

/** Reads a file (refusing one over `maxBytes` before reading it) and extracts its text. */
export async function extractText(path: string, opts: ExtractOptions = {}): Promise<Extracted> {
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  opts.signal?.throwIfAborted();
  const { size } = await stat(path);
  if (size > max) throw new ExtractError('too_large', path, `${size} bytes is over the ${max}-byte extraction limit`);
  const bytes = await readFile(path, opts.signal ? { signal: opts.signal } : {});
  return extractBytes(bytes, path, opts);
}
