// Looks for secret values in whatever Titan wrote or answered — literally, and as base64, URL or JSON encoding
// would show them — for the secret-leak test and the after-run scan in tests/leakScan.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Something that was scanned: a response, a file, a stream's contents. */
export interface ScanSource {
  name: string;
  content: string | Buffer;
}

export interface Finding {
  /** The secret's label (never the secret itself, so a report of a leak does not leak it again). */
  secret: string;
  source: string;
  /** How it appeared: literal, base64, url or json. */
  form: string;
  /** Where in the source, for a person to look. */
  offset: number;
}

/**
 * The forms a secret takes when written somewhere: itself, JSON-escaped, URL-encoded, and base64 (at each of the
 * three alignments it can have inside a longer base64 text, cut to the characters that do not depend on neighbours).
 */
export function secretForms(secret: string): { form: string; text: string }[] {
  const forms = [
    { form: 'literal', text: secret },
    { form: 'json', text: JSON.stringify(secret).slice(1, -1) },
    { form: 'url', text: encodeURIComponent(secret) },
  ];
  const bytes = Buffer.from(secret, 'utf8');
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    // Skip the characters touched by the padding bytes at the start and by the unknown bytes after the end.
    const start = Math.ceil((pad * 4) / 3);
    const end = Math.floor(((pad + bytes.length) * 4) / 3);
    const core = b64.slice(start, end);
    if (core.length >= 8) forms.push({ form: 'base64', text: core });
  }
  // Distinct forms only; a short secret's base64 core could match by chance, so it must be a real stretch of it.
  return forms.filter((f, i) => f.text.length >= 4 && forms.findIndex((g) => g.text === f.text) === i);
}

/** Every occurrence of every form of every secret in the sources. */
export function scanForSecrets(secrets: Record<string, string>, sources: ScanSource[]): Finding[] {
  const findings: Finding[] = [];
  for (const [label, secret] of Object.entries(secrets)) {
    for (const { form, text } of secretForms(secret)) {
      for (const source of sources) {
        const offset = source.content.indexOf(text);
        if (offset >= 0) findings.push({ secret: label, source: source.name, form, offset });
      }
    }
  }
  return findings;
}

/** Every file under `dir` (recursively), gzip files decompressed — rotated logs and backups included. */
export function filesUnder(dir: string): ScanSource[] {
  if (!existsSync(dir)) return [];
  const out: ScanSource[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(fileSource(path));
  }
  return out;
}

/** One file as a scan source; .gz (and .tar.gz, whose tar is plain bytes) decompressed. */
export function fileSource(path: string): ScanSource {
  const raw = readFileSync(path);
  const gz = raw[0] === 0x1f && raw[1] === 0x8b;
  return { name: path, content: gz ? gunzipSync(raw) : raw };
}
