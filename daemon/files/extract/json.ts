// JSON exports: flattened to `key: value` lines, each object in an array its own paragraph, so the words a person
// would search for are not buried in brackets and quotes. Invalid JSON is kept as plain text with a warning.
import { decodeText } from './decode.ts';
import { encodingWarnings } from './text.ts';
import type { Extracted } from './types.ts';

const isScalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

function flatten(value: unknown, key: string, out: string[]): void {
  if (value === null || value === undefined) return;
  if (isScalar(value)) {
    const text = String(value).trim();
    if (text !== '') out.push(key ? `${key}: ${text}` : text);
    return;
  }
  if (Array.isArray(value)) {
    if (value.every(isScalar)) {
      const joined = value.map(String).join(', ');
      if (joined !== '') out.push(key ? `${key}: ${joined}` : joined);
      return;
    }
    for (const item of value) {
      out.push('');
      flatten(item, key, out);
    }
    out.push('');
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, k, out);
}

/** The readable text of a parsed JSON value. */
export function jsonToText(value: unknown): string {
  const out: string[] = [];
  flatten(value, '', out);
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function extractJson(bytes: Uint8Array): Extracted {
  const { text, encoding, guessed } = decodeText(bytes);
  const warnings = encodingWarnings(encoding, guessed);
  try {
    return { kind: 'json', pages: [{ page: null, text: jsonToText(JSON.parse(text)) }], encoding, warnings };
  } catch (err) {
    warnings.push(`not valid JSON (${(err as Error).message}): read as plain text`);
    return { kind: 'json', pages: [{ page: null, text: text.trim() }], encoding, warnings };
  }
}
