// Writing through the guard: a temp file created exclusively in the pinned target folder, then renamed (overwrite) or
// hard-linked (never overwrite) into place after the folder is re-checked; folders created one level at a time.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { copyFile, type FileHandle, link, lstat, mkdir as mkdirFs, open, rename, unlink } from 'node:fs/promises';
import nodePath from 'node:path';
import { BadPathError } from './errors/badPathError.ts';
import { FileExistsError } from './errors/fileExistsError.ts';
import { FileNotFoundError } from './errors/fileNotFoundError.ts';
import type { FileInfo } from './fsOpsRead.ts';
import { NOFOLLOW, type PinnedDir, pinDir } from './fsOpsVerify.ts';
import type { Guard, ResolvedPath } from './guard.ts';

export type WriteData = string | Uint8Array | AsyncIterable<Uint8Array | string>;

export interface WriteOptions {
  /** Replace an existing file (atomically, by rename). Default false: an existing file is never touched (409). */
  overwrite?: boolean;
}

const quoted = (path: string) => JSON.stringify(path);
const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** What a write or mkdir made, from a stat taken through the pinned folder. */
export function infoOf(target: ResolvedPath, kind: 'file' | 'dir', st: Stats): FileInfo {
  const { path, root, relative, name } = target;
  return { path, root, relative, name, kind, size: st.size, mtime: st.mtime.toISOString() };
}

/** A name for a temp file beside the target: hidden, short (the target's name may already be 255 bytes). */
export const tempName = () => `.titan-${randomBytes(6).toString('hex')}.tmp`;

async function writeAll(fh: FileHandle, data: WriteData): Promise<number> {
  const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  let bytes = 0;
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let offset = 0; offset < buf.byteLength; ) {
      const { bytesWritten } = await fh.write(buf, offset);
      offset += bytesWritten;
    }
    bytes += buf.byteLength;
  }
  return bytes;
}

/** Puts `from` at `to` inside folders already pinned: rename when overwriting, else a link that fails if `to` exists. */
export async function place(from: string, to: string, overwrite: boolean, shown: string): Promise<void> {
  if (overwrite) {
    await rename(from, to).catch((err) => {
      if (errno(err) !== 'EISDIR') throw err;
      throw new BadPathError('is_a_directory', `${shown} is a folder; a file cannot replace it`, { cause: err });
    });
    return;
  }
  try {
    await link(from, to);
    return;
  } catch (err) {
    if (errno(err) === 'EEXIST') throw new FileExistsError(`${shown} already exists`, { cause: err });
    if (!LINK_UNSUPPORTED.has(errno(err) ?? '')) throw err;
  }
  // File systems without hard links (FAT, some network mounts): an exclusive copy still never overwrites.
  await copyFile(from, to, constants.COPYFILE_EXCL).catch((err) => {
    if (errno(err) === 'EEXIST') throw new FileExistsError(`${shown} already exists`, { cause: err });
    throw err;
  });
}

/** The folder a new name goes into: it must exist already (mkdir first) and be the real parent. */
export function parentOf(target: ResolvedPath): string {
  const parent = nodePath.dirname(target.path);
  if (target.kind === 'missing' && target.existing !== parent) {
    throw new FileNotFoundError(`the folder ${quoted(parent)} does not exist; create it first`);
  }
  return parent;
}

export async function writeFileAtomic(
  guard: Guard,
  target: ResolvedPath,
  data: WriteData,
  options: WriteOptions = {},
): Promise<FileInfo & { bytes: number }> {
  const overwrite = options.overwrite ?? false;
  if (target.kind === 'dir') throw new BadPathError('is_a_directory', `${quoted(target.path)} is a folder`);
  if (target.kind === 'file' && !overwrite) throw new FileExistsError(`${quoted(target.path)} already exists`);
  const dir = await pinDir(guard, parentOf(target));
  const tmp = tempName();
  let created = false;
  let bytes = 0;
  try {
    const mode = target.kind === 'file' ? (await lstat(target.path)).mode & 0o7777 : 0o666;
    const fh = await open(dir.ref(tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
    created = true;
    try {
      bytes = await writeAll(fh, data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await dir.check();
    await place(dir.ref(tmp), dir.ref(target.name), overwrite, quoted(target.path));
    if (overwrite) created = false;
    await dir.sync();
    return { ...infoOf(target, 'file', await lstat(dir.ref(target.name))), bytes };
  } finally {
    if (created) await unlink(dir.ref(tmp)).catch(() => {});
    await dir.close();
  }
}

/** Creates the missing folders of `target` one level at a time, each inside its pinned, re-checked parent. */
export async function mkdir(guard: Guard, target: ResolvedPath): Promise<FileInfo> {
  if (target.kind !== 'missing') throw new FileExistsError(`${quoted(target.path)} already exists`);
  const names = nodePath.relative(target.existing, target.path).split(nodePath.sep);
  let current = target.existing;
  for (const [i, name] of names.entries()) {
    const dir: PinnedDir = await pinDir(guard, current);
    try {
      await mkdirFs(dir.ref(name)).catch(async (err) => {
        if (errno(err) !== 'EEXIST') throw err;
        if (i === names.length - 1) throw new FileExistsError(`${quoted(target.path)} already exists`);
        // Created by someone else meanwhile: fine if it is a real folder, which pinDir checks on the next level.
      });
    } finally {
      await dir.close();
    }
    current = nodePath.join(current, name);
  }
  return infoOf(target, 'dir', await lstat(target.path));
}
