// Plain text and Markdown: decoded (BOM, UTF-8, UTF-16, or a detected cp1251/koi8-r/cp866), kept as written.
import { decodeText } from './decode.ts';
import type { Extracted } from './types.ts';

/** A guessed encoding is worth a warning: the reader may want to check the text. */
export function encodingWarnings(encoding: string, guessed: boolean): string[] {
  return guessed ? [`encoding detected from the content: ${encoding}`] : [];
}

export function extractPlain(bytes: Uint8Array, kind: 'text' | 'markdown'): Extracted {
  const { text, encoding, guessed } = decodeText(bytes);
  return { kind, pages: [{ page: null, text: text.trim() }], encoding, warnings: encodingWarnings(encoding, guessed) };
}
