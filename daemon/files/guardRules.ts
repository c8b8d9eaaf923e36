// The guard's text rules: what a path string may look like before anything touches the disk. The Windows rules
// (devices, streams, UNC, trailing dots) run on every OS, so a name refused on one machine is refused on all.
//
// Decisions, so callers need not guess:
// - Nothing is expanded: `~`, `~user`, `$HOME`, `${HOME}`, `%VAR%` as the first name of a relative path are refused
//   (400) with a hint to write `Desktop/x` or an absolute path; later in a path they are literal names (`~$a.docx`).
// - Nothing is percent-decoded: HTTP decodes a query once; a literal `%2e%2e%2f` is one file name, never a `../`.
// - `..` is refused wherever it appears, even when it would stay inside a root: the kernel resolves `link/..`
//   differently from string normalisation, and no caller needs it. `.` and empty names are dropped.
// - Unicode is NFC-normalised; the guard then finds a name stored in NFD on disk. Direction controls, zero-width
//   characters and slash look-alikes are refused (they disguise names).
// - Quotes, `?`, `*`, `<`, `>`, `|` are legal names on POSIX and allowed there; on Windows they are refused.
//   Device names, `:` (streams) and a trailing dot or space are refused everywhere: they alias other things on Windows.
import { BadPathError } from './errors/badPathError.ts';
import { PathRefusedError } from './errors/pathRefusedError.ts';

export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;

export interface ParsedPath {
  /** `/` or `C:\` for an absolute path; null when the path is relative to the home folder. */
  base: string | null;
  /** The names in order, NFC-normalised, without empty or `.` names. */
  segments: string[];
}

/** C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F). */
const CONTROL = /\p{Cc}/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/;
const LOOKALIKE_SLASH = /[\u2044\u2215\u2216\u29f8\u29f9\uff0f\uff3c]/;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const WINDOWS_RESERVED = /[<>"|?*]/;
const TILDE = /^~[A-Za-z0-9._-]*$/;
const VARIABLE = /^(\$[A-Za-z_]\w*|\$\{[A-Za-z_]\w*\}|%[A-Za-z_][\w()]*%)$/;

/** A short printable form of what the caller sent, for messages and the audit log. */
export function describeInput(input: unknown): string {
  if (typeof input === 'string') {
    const shown = input.length > 120 ? `${input.slice(0, 120)}…` : input;
    return JSON.stringify(shown);
  }
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return `a ${typeof input}`;
}

const bad = (reason: ConstructorParameters<typeof BadPathError>[0], message: string) =>
  new BadPathError(reason, message);
const refused = (reason: ConstructorParameters<typeof PathRefusedError>[0], message: string) =>
  new PathRefusedError(reason, message);

/** Checks the whole string; throws BadPathError (malformed) or PathRefusedError (a rule) before any disk access. */
function checkWhole(input: unknown): string {
  if (typeof input !== 'string') throw bad('not_string', `a path must be a string, not ${describeInput(input)}`);
  if (input.length === 0) throw bad('empty', 'the path is empty');
  if (input.length > MAX_PATH_BYTES || Buffer.byteLength(input) > MAX_PATH_BYTES) {
    throw bad('too_long', `the path is longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (input.includes('\0')) throw bad('nul_byte', 'the path contains a NUL byte, which no file name can hold');
  if (CONTROL.test(input)) throw bad('control_char', `${describeInput(input)} contains a control character`);
  const text = input.normalize('NFC');
  if (BIDI.test(text)) {
    throw refused('bidi_control', 'the path contains a text-direction control character, which can disguise a name');
  }
  if (INVISIBLE.test(text)) {
    throw refused('invisible_char', 'the path contains an invisible (zero-width) character, which can disguise a name');
  }
  if (LOOKALIKE_SLASH.test(text)) {
    throw refused('lookalike_separator', `${describeInput(text)} contains a character that looks like a slash`);
  }
  return text;
}

/** Windows prefixes, refused on every OS: `\\?\`, `\\.\`, `\??\` (device namespace), `\\server\share` (UNC). */
function checkPrefixes(text: string): void {
  if (/^[\\/]{2}[?.](?:[\\/]|$)/.test(text) || text.startsWith('\\??\\')) {
    throw refused(
      'device_namespace',
      `${describeInput(text)} uses a Windows device-namespace prefix (\\\\?\\ or \\\\.\\)`,
    );
  }
  if (/^[\\/]{2}/.test(text)) {
    throw refused('unc', `${describeInput(text)} is a network (UNC) path; only local allowed folders can be used`);
  }
}

/** Splits off the absolute prefix: `/` on POSIX; `C:\` on Windows, where a drive letter is the only absolute form. */
function splitBase(text: string, platform: NodeJS.Platform): { base: string | null; rest: string } {
  if (platform !== 'win32') {
    if (/^[A-Za-z]:/.test(text)) {
      throw refused('drive_letter', `${describeInput(text)} starts with a Windows drive letter; this is not Windows`);
    }
    if (text.includes('\\')) {
      throw bad('backslash', `${describeInput(text)} contains a backslash; use / between folder names`);
    }
    return text.startsWith('/') ? { base: '/', rest: text } : { base: null, rest: text };
  }
  const slashed = text.replaceAll('\\', '/');
  const drive = /^([A-Za-z]):(\/|$)/.exec(slashed);
  if (drive) return { base: `${(drive[1] as string).toUpperCase()}:\\`, rest: slashed.slice(2) };
  if (/^[A-Za-z]:/.test(slashed) || slashed.startsWith('/')) {
    throw bad(
      'drive_relative',
      `${describeInput(text)} depends on the current drive; give C:\\… or a home-relative path`,
    );
  }
  return { base: null, rest: slashed };
}

/** The rules for one name; `first` is the first name of a home-relative path, where a shell would expand ~ and $X. */
function checkName(name: string, first: boolean, platform: NodeJS.Platform): void {
  const shown = describeInput(name);
  if (name === '..') {
    throw refused('traversal', 'the path contains "..": name the place directly, inside an allowed folder');
  }
  if (first && TILDE.test(name)) {
    throw bad('tilde', `"~" is not expanded here: write Desktop/… (relative to your home folder) or an absolute path`);
  }
  if (first && VARIABLE.test(name)) {
    throw bad('variable', `${shown} is not expanded here: write the folder's real name or an absolute path`);
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw bad('name_too_long', `the name ${describeInput(name.slice(0, 40))} is longer than ${MAX_NAME_BYTES} bytes`);
  }
  const stem = (name.split(/[.:]/)[0] as string).replace(/[ .]+$/, '');
  if (DEVICE.test(stem)) throw refused('device_name', `${shown} is a reserved device name on Windows`);
  if (name.includes(':')) {
    throw refused('ads', `${shown} contains ":", which names an alternate data stream on Windows`);
  }
  if (/[ .]$/.test(name)) {
    throw refused('trailing_dot_space', `${shown} ends with a space or a dot, which Windows silently drops`);
  }
  if (platform === 'win32' && WINDOWS_RESERVED.test(name)) {
    throw refused('reserved_char', `${shown} contains a character Windows does not allow in names (< > " | ? *)`);
  }
}

/** Parses and checks a path string; no expansion (~, $HOME, %VAR%) and no percent-decoding is ever done. */
export function parsePathText(input: unknown, platform: NodeJS.Platform): ParsedPath {
  const text = checkWhole(input);
  checkPrefixes(text);
  const { base, rest } = splitBase(text, platform);
  const names = rest.split('/');
  const segments: string[] = [];
  for (const name of names) {
    if (name === '' || name === '.') continue;
    checkName(name, base === null && segments.length === 0, platform);
    segments.push(name);
  }
  return { base, segments };
}
