// Reading through the guard: open a checked file (no final symlink, the handle proven to be the file checked), read
// it whole, list a folder through a pinned handle (pipes, sockets and devices labelled, never opened), stat.
import type { Stats } from 'node:fs';
import { type FileHandle, lstat, readdir, realpath, stat as statPath } from 'node:fs/promises';
import nodePath from 'node:path';
import { BadPathError } from './errors/badPathError.ts';
import { FileNotFoundError } from './errors/fileNotFoundError.ts';
import { changedError, openChecked } from './fsOpsVerify.ts';
import type { Guard, ResolvedPath } from './guard.ts';

export type EntryKind = 'file' | 'dir' | 'other';

/** lstat calls in flight while a folder is listed. */
const LIST_BATCH = 64;

export interface FileInfo {
  path: string;
  root: string;
  relative: string;
  name: string;
  kind: EntryKind;
  size: number;
  /** ISO time of the last change of content. */
  mtime: string;
}

export interface DirEntry {
  name: string;
  /** The real path of the entry itself (for a link: the link's own path in this folder). */
  path: string;
  kind: EntryKind;
  size: number;
  mtime: string;
  /** Present for a symbolic link: its target's kind is shown only when the target is inside an allowed folder. */
  link?: true;
  /** Why kind is 'other': a pipe, socket or device, or a link that leads outside or to nothing. */
  note?: 'fifo' | 'socket' | 'device' | 'link_outside' | 'broken_link';
}

export interface OpenedFile {
  /** Open for reading; the caller closes it (or streams it with autoClose). */
  handle: FileHandle;
  path: string;
  size: number;
  mtimeMs: number;
}

const quoted = (path: string) => JSON.stringify(path);

function kindOf(st: Stats): { kind: EntryKind; note?: DirEntry['note'] } {
  if (st.isFile()) return { kind: 'file' };
  if (st.isDirectory()) return { kind: 'dir' };
  if (st.isFIFO()) return { kind: 'other', note: 'fifo' };
  if (st.isSocket()) return { kind: 'other', note: 'socket' };
  return { kind: 'other', note: 'device' };
}

function needKind(target: ResolvedPath, kind: 'file' | 'dir'): void {
  if (target.kind === 'missing') throw new FileNotFoundError(`${quoted(target.path)} does not exist`);
  if (kind === 'file' && target.kind === 'dir') {
    throw new BadPathError('is_a_directory', `${quoted(target.path)} is a folder, not a file`);
  }
  if (kind === 'dir' && target.kind === 'file') {
    throw new BadPathError('not_a_directory', `${quoted(target.path)} is a file, not a folder`);
  }
}

export async function openForRead(guard: Guard, target: ResolvedPath): Promise<OpenedFile> {
  needKind(target, 'file');
  const handle = await openChecked(guard, target, 'file');
  const st = await handle.stat();
  return { handle, path: target.path, size: st.size, mtimeMs: st.mtimeMs };
}

/** The whole file, read from the checked handle. */
export async function readFile(guard: Guard, target: ResolvedPath) {
  const opened = await openForRead(guard, target);
  try {
    const data = await opened.handle.readFile();
    return { data, size: opened.size, mtimeMs: opened.mtimeMs };
  } finally {
    await opened.handle.close();
  }
}

/** A symlink entry: shown as its target when the target is inside an allowed folder, else as 'other'. */
async function linkEntry(guard: Guard, path: string, own: Stats): Promise<Omit<DirEntry, 'name' | 'path'>> {
  const base = { size: own.size, mtime: own.mtime.toISOString(), link: true as const };
  const real = await realpath(path).catch(() => null);
  if (real === null) return { ...base, kind: 'other', note: 'broken_link' };
  if (guard.rootOf(real) === null) return { ...base, kind: 'other', note: 'link_outside' };
  const st = await statPath(real).catch(() => null);
  if (st === null) return { ...base, kind: 'other', note: 'broken_link' };
  return { ...base, ...kindOf(st), size: st.size, mtime: st.mtime.toISOString() };
}

/** The folder's entries, folders first then by name; read through the checked handle where the OS allows. */
export async function list(guard: Guard, target: ResolvedPath): Promise<DirEntry[]> {
  needKind(target, 'dir');
  const handle = await openChecked(guard, target, 'dir');
  try {
    const via = process.platform === 'linux' ? `/proc/self/fd/${handle.fd}` : target.path;
    const names = await readdir(via);
    const entry = async (name: string): Promise<DirEntry | null> => {
      const st = await lstat(nodePath.join(via, name)).catch(() => null);
      if (st === null) return null; // gone meanwhile
      const path = nodePath.join(target.path, name);
      const info = st.isSymbolicLink()
        ? await linkEntry(guard, path, st)
        : { ...kindOf(st), size: st.size, mtime: st.mtime.toISOString() };
      return { name, path, ...info };
    };
    // A batch of lstats at a time: one after another, a busy event loop (e.g. PGlite running a query) delayed each of
    // them, and a 200-entry folder took seconds to list under load (bench/load.bench.ts).
    const entries: DirEntry[] = [];
    for (let i = 0; i < names.length; i += LIST_BATCH) {
      for (const e of await Promise.all(names.slice(i, i + LIST_BATCH).map(entry))) if (e) entries.push(e);
    }
    if (via === target.path) {
      // No handle path: the folder must still be where it was checked once the names are read.
      const now = await realpath(target.path).catch(() => null);
      if (now !== target.path) throw changedError(target.path);
    }
    const rank = (e: DirEntry) => (e.kind === 'dir' ? 0 : 1);
    return entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  } finally {
    await handle.close();
  }
}

/** Size, time and kind of a checked file or folder, re-verified to be the thing the guard checked. */
export async function stat(guard: Guard, target: ResolvedPath): Promise<FileInfo> {
  if (target.kind === 'missing') throw new FileNotFoundError(`${quoted(target.path)} does not exist`);
  const handle = await openChecked(guard, target, target.kind);
  try {
    const st = await handle.stat();
    const { kind } = kindOf(st);
    const { path, root, relative, name } = target;
    return { path, root, relative, name, kind, size: st.size, mtime: st.mtime.toISOString() };
  } finally {
    await handle.close();
  }
}
