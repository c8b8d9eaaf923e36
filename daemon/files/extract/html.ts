// HTML pages (saved from a browser): decoded with their declared charset when not UTF-8, then turned into text.
import { decodeText } from './decode.ts';
import { declaredCharset, htmlToText } from './htmlText.ts';
import { encodingWarnings } from './text.ts';
import type { Extracted } from './types.ts';

export function extractHtml(bytes: Uint8Array): Extracted {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const { text, encoding, guessed } = decodeText(bytes, declaredCharset(head));
  return {
    kind: 'html',
    pages: [{ page: null, text: htmlToText(text) }],
    encoding,
    warnings: encodingWarnings(encoding, guessed),
  };
}
