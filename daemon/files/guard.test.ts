// The allow-list guard against a table of hostile and ordinary paths, on a real tree with links, a FIFO and a socket:
// each refusal has its reason and status, is audited and changes nothing; each allowed path is audited with its real path.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadPathError } from './errors/badPathError.ts';
import { FileAccessError } from './errors/fileAccessError.ts';
import { FileNotFoundError } from './errors/fileNotFoundError.ts';
import { PathRefusedError } from './errors/pathRefusedError.ts';
import { createGuard, type Intent } from './guard.ts';
import { createFixture, type Fixture, NFD_NAME } from './guardFixture.ts';
import { parsePathText } from './guardRules.ts';

interface Case {
  name: string;
  /** A string with `@home` and `@base` standing for the fixture's folders, or any non-string value. */
  input: unknown;
  intent?: Intent;
  expect: 'ok' | string;
  /** For 'ok': the expected real path, relative to the fixture's base. */
  at?: string;
}

const ok = (name: string, input: unknown, intent: Intent = 'read', at?: string): Case => ({
  name,
  input,
  intent,
  expect: 'ok',
  at,
});
const no = (name: string, input: unknown, reason: string, intent: Intent = 'read'): Case => ({
  name,
  input,
  intent,
  expect: reason,
});

const CASES: Case[] = [
  // Ordinary use: home-relative and absolute, folders and new names.
  ok('home-relative file', 'Desktop/a.txt', 'read', 'home/Desktop/a.txt'),
  ok('absolute file', '@home/Desktop/a.txt', 'read', 'home/Desktop/a.txt'),
  ok('second root', 'Downloads/d.txt', 'read', 'home/Downloads/d.txt'),
  ok('root itself, listed', 'Desktop', 'list', 'home/Desktop'),
  ok('root with a trailing slash', '@home/Downloads/', 'list', 'home/Downloads'),
  ok('sub-folder', 'Desktop/sub', 'list', 'home/Desktop/sub'),
  ok('dot and double-slash names dropped', './Desktop//sub/./b.txt', 'read', 'home/Desktop/sub/b.txt'),
  ok('new file', 'Desktop/new.txt', 'write', 'home/Desktop/new.txt'),
  ok('new file in new folders', 'Desktop/new/deeper/x.txt', 'write', 'home/Desktop/new/deeper/x.txt'),
  ok('existing file for write', 'Desktop/a.txt', 'write', 'home/Desktop/a.txt'),
  ok('delete a file', 'Desktop/sub/b.txt', 'delete', 'home/Desktop/sub/b.txt'),
  ok('name starting with two dots', 'Desktop/..foo', 'write', 'home/Desktop/..foo'),
  ok('hidden name', 'Desktop/.hidden', 'write', 'home/Desktop/.hidden'),
  ok('leading space is legal', 'Desktop/ leading.txt', 'write', 'home/Desktop/ leading.txt'),
  ok('Cyrillic names', 'Desktop/Документы/отчёт.pdf', 'write', 'home/Desktop/Документы/отчёт.pdf'),
  ok('255-byte name', `Desktop/${'x'.repeat(255)}`, 'write', `home/Desktop/${'x'.repeat(255)}`),
  ok('link inside to the other root', 'Desktop/link-inside/d.txt', 'read', 'home/Downloads/d.txt'),
  ok('link inside to a file inside', 'Desktop/link-inside-file', 'read', 'home/Desktop/sub/b.txt'),
  ok('quotes are legal names on POSIX', `Desktop/"quoted" name's.txt`, 'read', `home/Desktop/"quoted" name's.txt`),
  ok('new name with quotes', 'Desktop/it\'s "new".txt', 'write', 'home/Desktop/it\'s "new".txt'),
  ok('tilde inside a name is literal', 'Desktop/~$report.docx', 'write', 'home/Desktop/~$report.docx'),
  ok('a later "~" is a literal name', 'Desktop/~', 'write', 'home/Desktop/~'),
  ok('a later "$HOME" is a literal name', 'Desktop/$HOME', 'write', 'home/Desktop/$HOME'),
  ok('not a device name: CONSOLE.txt', 'Desktop/CONSOLE.txt', 'write', 'home/Desktop/CONSOLE.txt'),
  ok('not a device name: COM10', 'Desktop/COM10', 'write', 'home/Desktop/COM10'),
  ok('not a device name: NULL', 'Desktop/NULL', 'write', 'home/Desktop/NULL'),
  // Unicode: NFC for comparison, the on-disk spelling kept.
  ok('NFD input, NFC on disk', `Desktop/${'café.txt'.normalize('NFD')}`, 'read', 'home/Desktop/café.txt'),
  ok('NFC input, NFD on disk', `Desktop/${NFD_NAME.normalize('NFC')}`, 'read', `home/Desktop/${NFD_NAME}`),
  // Percent-encoding is never decoded: an encoded "../" is one literal name.
  ok(
    'single-encoded ../ is a literal name',
    'Desktop/%2e%2e%2fDesktop2%2fsecret.txt',
    'write',
    'home/Desktop/%2e%2e%2fDesktop2%2fsecret.txt',
  ),
  ok(
    'double-encoded ../ is a literal name',
    'Desktop/%252e%252e%252f..%252fx',
    'write',
    'home/Desktop/%252e%252e%252f..%252fx',
  ),
  ok('..%2f is a literal name', 'Desktop/..%2f..%2fDesktop2', 'write', 'home/Desktop/..%2f..%2fDesktop2'),
  ok(
    '%2e%2e as a folder name stays inside',
    'Desktop/%2e%2e/Desktop2/secret.txt',
    'write',
    'home/Desktop/%2e%2e/Desktop2/secret.txt',
  ),
  no('single-encoded ../ from home is outside', '%2e%2e%2fDesktop2%2fsecret.txt', 'outside_roots'),
  no('double-encoded ../ from home is outside', '%252e%252e%252fDesktop2', 'outside_roots'),
  no('double-encoded, decoded once', '%2e%2e/%2e%2e/Desktop2/secret.txt', 'outside_roots'),
  no('single-encoded, decoded once by HTTP', '../Desktop2/secret.txt', 'traversal'),
  // Traversal.
  no('.. at the start', '../etc/passwd', 'traversal'),
  no('.. alone', '..', 'traversal'),
  no('.. into a sibling', 'Desktop/../Desktop2/secret.txt', 'traversal'),
  no('.. out of home', 'Desktop/../../outside/secret.txt', 'traversal'),
  no('.. back to the root itself', 'Desktop/sub/..', 'traversal'),
  no('absolute with ..', '@home/Desktop/../Desktop2', 'traversal'),
  no('a/ x100 then ../ x101', `${'a/'.repeat(100)}${'../'.repeat(101)}`, 'traversal', 'write'),
  no('a/ x1000 then ../ x1001', `${'a/'.repeat(1000)}${'../'.repeat(1001)}`, 'too_long'),
  // Outside the roots: absolute, parents, prefix siblings, case variants.
  no('absolute outside', '@base/outside/secret.txt', 'outside_roots'),
  no('/etc/passwd', '/etc/passwd', 'outside_roots'),
  no('/dev/null', '/dev/null', 'outside_roots'),
  no('the file system root', '/', 'outside_roots', 'list'),
  no("the roots' parent (home)", '@home', 'outside_roots', 'list'),
  no('a file in home', 'notes.txt', 'outside_roots'),
  no('the temp base', '@base', 'outside_roots', 'list'),
  no('prefix sibling Desktop2', 'Desktop2/secret.txt', 'outside_roots'),
  no('prefix sibling Desktop2, absolute', '@home/Desktop2', 'outside_roots', 'list'),
  no('prefix sibling, new file', 'Desktop2/new.txt', 'outside_roots', 'write'),
  no('prefix sibling Downloads-old', 'Downloads-old/secret.txt', 'outside_roots'),
  no('prefix sibling Downloads (v2)_backup', 'Downloads (v2)_backup/secret.txt', 'outside_roots'),
  no('prefix sibling, absolute', '@home/Downloads (v2)_backup/secret.txt', 'outside_roots'),
  no('case variant desktop/ (Linux: another folder)', 'desktop/a.txt', 'outside_roots'),
  no('case variant DESKTOP', 'DESKTOP', 'outside_roots', 'list'),
  no('case variant of a name inside a root', 'Desktop/A.TXT', 'not_found'),
  // Symlinks that lead out, or nowhere.
  no('file link to outside', 'Desktop/link-file', 'symlink_escape'),
  no('file link to outside, for write', 'Desktop/link-file', 'symlink_escape', 'write'),
  no('folder link to outside', 'Desktop/link-dir', 'symlink_escape', 'list'),
  no('file through a folder link', 'Desktop/link-dir/secret.txt', 'symlink_escape'),
  no('link as the parent of a new file', 'Desktop/link-dir/new.txt', 'symlink_escape', 'write'),
  no('link as an ancestor of new folders', 'Desktop/link-dir/x/y/new.txt', 'symlink_escape', 'write'),
  no('chain of links through the other root', 'Desktop/chain-a', 'symlink_escape'),
  no('loop of links', 'Desktop/loop1', 'symlink_loop'),
  no('loop of links as a parent', 'Desktop/loop1/new.txt', 'symlink_loop', 'write'),
  no('dangling link, write', 'Desktop/dangling', 'dangling_symlink', 'write'),
  no('dangling link, read', 'Desktop/dangling', 'dangling_symlink'),
  // Not regular files.
  no('FIFO, read', 'Desktop/fifo', 'not_regular'),
  no('FIFO, write', 'Desktop/fifo', 'not_regular', 'write'),
  no('FIFO, delete', 'Desktop/fifo', 'not_regular', 'delete'),
  no('FIFO as a parent', 'Desktop/fifo/x', 'not_regular', 'write'),
  no('socket, read', 'Desktop/sock', 'not_regular'),
  no('socket, list', 'Desktop/sock', 'not_regular', 'list'),
  no('a file as a parent', 'Desktop/a.txt/x', 'not_a_directory', 'write'),
  // The roots themselves cannot be replaced or deleted.
  no('write over a root', 'Desktop', 'root_itself', 'write'),
  no('delete a root', '@home/Downloads', 'root_itself', 'delete'),
  // NUL bytes anywhere.
  no('NUL at the end', 'Desktop/a.txt\0', 'nul_byte'),
  no('NUL at the start', '\0Desktop/a.txt', 'nul_byte'),
  no('NUL before an extension', 'Desktop/a.txt\0.jpg', 'nul_byte'),
  no('NUL with traversal', 'Desktop\0/../../etc/passwd', 'nul_byte'),
  // Control characters.
  no('newline', 'Desktop/a\nb.txt', 'control_char', 'write'),
  no('tab', 'Desktop/a\tb', 'control_char', 'write'),
  no('escape sequence', 'Desktop/\x1b[31mred', 'control_char', 'write'),
  no('DEL', 'Desktop/a\x7f', 'control_char', 'write'),
  no('C1 control', 'Desktop/a\u0085b', 'control_char', 'write'),
  // Backslashes and mixed separators (not Windows here).
  no('backslash separators', 'Desktop\\a.txt', 'backslash'),
  no('mixed separators', 'Desktop/sub\\b.txt', 'backslash'),
  no('backslash traversal', '..\\..\\etc\\passwd', 'backslash'),
  // Windows forms, refused on every OS.
  no('drive letter', 'C:\\Windows\\System32\\config\\SAM', 'drive_letter'),
  no('drive letter, forward slashes', 'c:/Users/x', 'drive_letter'),
  no('bare drive', 'C:', 'drive_letter'),
  no('UNC with backslashes', '\\\\server\\share\\x', 'unc'),
  no('UNC with slashes', '//server/share/x', 'unc'),
  no('UNC admin share', '\\\\localhost\\c$\\', 'unc'),
  no('long-path prefix \\\\?\\', '\\\\?\\C:\\Windows', 'device_namespace'),
  no('device prefix \\\\.\\', '\\\\.\\PhysicalDrive0', 'device_namespace'),
  no('long-path prefix with slashes', '//?/C:/x', 'device_namespace'),
  no('NT object prefix \\??\\', '\\??\\C:\\x', 'device_namespace'),
  no('device CON', 'Desktop/CON', 'device_name', 'write'),
  no('device con.txt', 'Desktop/con.txt', 'device_name', 'write'),
  no('device NUL', 'Desktop/NUL', 'device_name', 'write'),
  no('device nul.tar.gz', 'Desktop/nul.tar.gz', 'device_name', 'write'),
  no('device COM1', 'Desktop/COM1', 'device_name', 'write'),
  no('device LPT1.log', 'Desktop/LPT1.log', 'device_name', 'write'),
  no('device AUX as a folder', 'Desktop/AUX/x.txt', 'device_name', 'write'),
  no('device COM¹', 'Desktop/COM¹', 'device_name', 'write'),
  no('device with a trailing space', 'Desktop/PRN ', 'device_name', 'write'),
  no('alternate data stream', 'Desktop/a.txt:stream', 'ads'),
  no('alternate data stream $DATA', 'Desktop/a.txt::$DATA', 'ads'),
  no('colon in a name', 'Desktop/a:b', 'ads', 'write'),
  no('trailing space', 'Desktop/a.txt ', 'trailing_dot_space'),
  no('trailing dot', 'Desktop/a.txt.', 'trailing_dot_space'),
  no('trailing space on a folder', 'Desktop /a.txt', 'trailing_dot_space'),
  no('only dots', 'Desktop/...', 'trailing_dot_space', 'write'),
  // Disguised names.
  no('RTL override', 'Desktop/invoice\u202Efdp.exe', 'bidi_control', 'write'),
  no('bidi isolate', 'Desktop/a\u2067b.txt', 'bidi_control', 'write'),
  no('RLM mark', 'Desktop/a\u200Fb', 'bidi_control', 'write'),
  no('zero-width space', 'Desktop/a\u200Bb.txt', 'invisible_char', 'write'),
  no('BOM', '\uFEFFDesktop/a.txt', 'invisible_char'),
  no('zero-width joiner', 'Desktop\u200D/a.txt', 'invisible_char'),
  no('division slash', 'Desktop/..\u2215Desktop2', 'lookalike_separator', 'write'),
  no('fullwidth solidus', 'Desktop/a\uFF0Fb', 'lookalike_separator', 'write'),
  // No expansion of ~ or variables.
  no('~ alone', '~', 'tilde', 'list'),
  no('~/Desktop', '~/Desktop/a.txt', 'tilde'),
  no('~user', '~root/.ssh/id_rsa', 'tilde'),
  no('$HOME', '$HOME/Desktop/a.txt', 'variable'),
  no('braced $HOME', '$' + '{HOME}/Desktop/a.txt', 'variable'),
  no('%USERPROFILE%', '%USERPROFILE%/Desktop/a.txt', 'variable'),
  // Not a path at all.
  no('empty', '', 'empty'),
  no('null', null, 'not_string'),
  no('undefined', undefined, 'not_string'),
  no('number', 42, 'not_string'),
  no('object', {}, 'not_string'),
  no('array', [], 'not_string'),
  no('array of a path', ['Desktop/a.txt'], 'not_string'),
  no('boolean', true, 'not_string'),
  // Lengths.
  no('name over 255 bytes', `Desktop/${'x'.repeat(256)}`, 'name_too_long', 'write'),
  no('name over 255 bytes in UTF-8', `Desktop/${'я'.repeat(128)}`, 'name_too_long', 'write'),
  no('path over 4096 bytes', `Desktop/${'a/'.repeat(2100)}`, 'too_long', 'write'),
  // Missing things.
  no('missing file', 'Desktop/missing.txt', 'not_found'),
  no('missing folder', 'Desktop/nope/', 'not_found', 'list'),
  no('delete a missing file', 'Downloads/ghost', 'not_found', 'delete'),
];

const STATUS: Record<string, number> = { BadPathError: 400, PathRefusedError: 403, FileNotFoundError: 404 };

describe('allow-list guard', () => {
  let f: Fixture;
  const fill = (input: unknown) =>
    typeof input === 'string' ? input.replaceAll('@home', f.home).replaceAll('@base', f.base) : input;

  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('has a table of at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('$name → $expect', async (c) => {
    const before = f.snapshot();
    const input = fill(c.input);
    const intent = c.intent ?? 'read';
    const settled = await f.guard.resolve(input, intent, { who: 'test' }).then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: null, error }),
    );
    const record = f.records.at(-1);
    if (c.expect === 'ok') {
      expect(settled.error).toBeNull();
      const resolved = settled.value;
      if (c.at) expect(resolved?.path).toBe(join(f.base, c.at));
      expect(record).toMatchObject({ ok: true, who: 'test', action: intent, path: resolved?.path });
    } else {
      const error = settled.error as FileAccessError;
      expect(error).toBeInstanceOf(FileAccessError);
      expect(error.reason).toBe(c.expect);
      expect(error.status).toBe(STATUS[error.name]);
      expect(error.message.length).toBeGreaterThan(10);
      expect(record).toMatchObject({ ok: false, who: 'test', action: intent, reason: c.expect, code: error.code });
    }
    expect(f.snapshot()).toBe(before);
  });

  it('names the root and the path relative to it', async () => {
    const r = await f.guard.resolve('Desktop/sub/b.txt', 'read');
    expect(r).toMatchObject({ root: f.desktop, relative: 'sub/b.txt', name: 'b.txt', kind: 'file', who: 'unknown' });
    expect(r.identity?.ino).toBeTypeOf('bigint');
    const n = await f.guard.resolve('Desktop/new/x.txt', 'write');
    expect(n).toMatchObject({ kind: 'missing', existing: f.desktop, identity: null, relative: 'new/x.txt' });
    const l = await f.guard.resolve('Desktop/link-inside/d.txt', 'read');
    expect(l).toMatchObject({ root: f.downloads, relative: 'd.txt' });
  });

  it('uses the error classes by kind of refusal', async () => {
    await expect(f.guard.resolve(42, 'read')).rejects.toBeInstanceOf(BadPathError);
    await expect(f.guard.resolve('/etc', 'list')).rejects.toBeInstanceOf(PathRefusedError);
    await expect(f.guard.resolve('Desktop/none', 'read')).rejects.toBeInstanceOf(FileNotFoundError);
  });

  it('refuses everything when a root was swapped for a link after start-up', async () => {
    const { mkdirSync, renameSync, symlinkSync } = await import('node:fs');
    const roots = join(f.base, 'swap');
    mkdirSync(join(roots, 'root'), { recursive: true });
    const guard = createGuard({ roots: [join(roots, 'root')], home: roots });
    renameSync(join(roots, 'root'), join(roots, 'moved'));
    symlinkSync(f.outside, join(roots, 'root'));
    await expect(guard.resolve('root/secret.txt', 'read')).rejects.toMatchObject({ reason: 'symlink_escape' });
  });

  it('refuses relative roots and home', () => {
    expect(() => createGuard({ roots: ['Desktop'], home: tmpdir() })).toThrow(/absolute/);
    expect(() => createGuard({ roots: [], home: 'home' })).toThrow(/absolute/);
  });
});

describe('path text rules per platform', () => {
  const WIN32: [string, string, string[] | string][] = [
    ['drive-absolute path', 'C:\\Users\\me\\Desktop\\a.txt', ['Users', 'me', 'Desktop', 'a.txt']],
    ['drive with slashes', 'c:/Users/me', ['Users', 'me']],
    ['home-relative with backslashes', 'Desktop\\a.txt', ['Desktop', 'a.txt']],
    ['drive-relative', 'C:relative\\x', 'drive_relative'],
    ['current-drive rooted', '\\Windows\\x', 'drive_relative'],
    ['double quote', 'Desktop\\a"b.txt', 'reserved_char'],
    ['question mark', 'Desktop\\a?.txt', 'reserved_char'],
    ['pipe', 'Desktop\\a|b', 'reserved_char'],
    ['device', 'Desktop\\CON', 'device_name'],
    ['UNC', '\\\\server\\share', 'unc'],
    ['long-path prefix', '\\\\?\\C:\\x', 'device_namespace'],
    ['stream', 'C:\\Users\\a.txt:s', 'ads'],
    ['traversal', 'Desktop\\..\\x', 'traversal'],
  ];

  it.each(WIN32)('win32: %s', (_name, input, expected) => {
    if (Array.isArray(expected)) {
      expect(parsePathText(input, 'win32').segments).toEqual(expected);
    } else {
      expect(() => parsePathText(input, 'win32')).toThrow(expect.objectContaining({ reason: expected }));
    }
  });

  it('linux keeps quotes, ? and * as legal name characters', () => {
    expect(parsePathText('Desktop/a"b?*.txt', 'linux').segments).toEqual(['Desktop', 'a"b?*.txt']);
    expect(parsePathText('/abs/x', 'linux')).toEqual({ base: '/', segments: ['abs', 'x'] });
  });
});
