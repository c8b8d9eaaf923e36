// What a file's first bytes say it is, whatever its name: PDF, ZIP (DOCX), OLE2 (legacy Office), an image, text.
import { bomlessUtf16 } from './decode.ts';

export type Sniffed = 'pdf' | 'zip' | 'ole2' | 'image' | 'text' | 'binary' | 'empty';

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Text in any encoding: no NULs (outside UTF-16) and almost no control characters. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]) || bomlessUtf16(bytes)) return true;
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === 0) return false;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) || b === 0x7f) control++;
  }
  return control <= n * 0.01;
}

export function sniff(bytes: Uint8Array): Sniffed {
  if (bytes.length === 0) return 'empty';
  // The PDF header may follow some junk, but must come within the first 1024 bytes.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole2';
  if (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) ||
    startsWith(bytes, [0xff, 0xd8, 0xff]) ||
    startsWith(bytes, ascii('GIF8')) ||
    (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8))
  ) {
    return 'image';
  }
  return looksLikeText(bytes) ? 'text' : 'binary';
}

/** A word for what the bytes are, for error messages: "an HTML page", "a ZIP archive", … */
export function describeContent(bytes: Uint8Array): string {
  const kind = sniff(bytes);
  if (kind === 'text') {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
    return head.startsWith('<!doctype html') || head.startsWith('<html') ? 'an HTML page' : 'plain text';
  }
  return {
    pdf: 'a PDF',
    zip: 'a ZIP archive',
    ole2: 'a legacy Office (97–2003) file',
    image: 'an image',
    binary: 'unrecognised binary data',
    empty: 'empty',
  }[kind];
}

/** An OLE2 container holding an encrypted OOXML package: what Word writes for a password-protected .docx. */
export function isEncryptedOoxml(bytes: Uint8Array): boolean {
  const marker = Buffer.from('EncryptedPackage', 'utf16le');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(marker);
}
