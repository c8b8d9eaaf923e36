// Bytes to text: a BOM decides (UTF-8, UTF-16), then strict UTF-8, then a declared charset, then a guessed legacy one.
import { detectLegacyEncoding } from './legacyEncoding.ts';

export interface Decoded {
  text: string;
  /** WHATWG encoding name: `utf-8`, `utf-16le`, `utf-16be`, `windows-1251`, `koi8-r`, `ibm866`, `windows-1252`, … */
  encoding: string;
  /** True when the encoding was guessed from the content rather than marked by a BOM, UTF-8 validity or a declaration. */
  guessed: boolean;
}

/** UTF-16 without a BOM: one byte of each pair is nearly always 0x00 (Latin) or 0x04 (Cyrillic), the other is not. */
export function bomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let hiOdd = 0;
  let hiEven = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i + 1] === 0 || bytes[i + 1] === 4) hiOdd++;
    if (bytes[i] === 0 || bytes[i] === 4) hiEven++;
  }
  const pairs = n / 2;
  if (hiOdd > pairs * 0.9 && hiEven < pairs * 0.5) return 'utf-16le';
  if (hiEven > pairs * 0.9 && hiOdd < pairs * 0.5) return 'utf-16be';
  return null;
}

function knownLabel(label: string | undefined): string | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

/** Decodes file bytes to text with `\n` line ends; `declared` is a charset the file names itself (HTML meta). */
export function decodeText(bytes: Uint8Array, declared?: string): Decoded {
  const done = (text: string, encoding: string, guessed = false): Decoded => ({
    text: text.replace(/\r\n?/g, '\n').replaceAll('\u0000', ''),
    encoding,
    guessed,
  });
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return done(new TextDecoder('utf-8').decode(bytes.subarray(3)), 'utf-8');
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return done(new TextDecoder('utf-16le').decode(bytes.subarray(2)), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return done(new TextDecoder('utf-16be').decode(bytes.subarray(2)), 'utf-16be');
  const utf16 = bomlessUtf16(bytes);
  if (utf16) return done(new TextDecoder(utf16).decode(bytes), utf16, true);
  try {
    return done(new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'utf-8');
  } catch {
    // not UTF-8: fall through to a declared or guessed 8-bit encoding
  }
  const label = knownLabel(declared);
  if (label && label !== 'utf-8') return done(new TextDecoder(label).decode(bytes), label);
  const legacy = detectLegacyEncoding(bytes);
  return done(new TextDecoder(legacy).decode(bytes), legacy, true);
}
