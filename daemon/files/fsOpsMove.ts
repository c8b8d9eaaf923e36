// Moving or renaming a checked file or folder to a checked place: both folders pinned and re-checked, the source
// proven to be what the guard checked, no silent overwrite; files cross file systems by copy, folders do not.
import { constants } from 'node:fs';
import { copyFile, lstat, rename as renameFs, unlink } from 'node:fs/promises';
import nodePath from 'node:path';
import { BadPathError } from './errors/badPathError.ts';
import { FileExistsError } from './errors/fileExistsError.ts';
import { FileNotFoundError } from './errors/fileNotFoundError.ts';
import { PathRefusedError } from './errors/pathRefusedError.ts';
import type { FileInfo } from './fsOpsRead.ts';
import { changedError, pinDir } from './fsOpsVerify.ts';
import { infoOf, parentOf, place, tempName, type WriteOptions } from './fsOpsWrite.ts';
import type { Guard, ResolvedPath } from './guard.ts';

const quoted = (path: string) => JSON.stringify(path);
const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

function checkMove(from: ResolvedPath, to: ResolvedPath, overwrite: boolean): void {
  if (from.kind === 'missing' || from.identity === null) {
    throw new FileNotFoundError(`${quoted(from.path)} does not exist`);
  }
  if (from.relative === '' || to.relative === '') {
    throw new PathRefusedError('root_itself', 'an allowed folder itself cannot be moved or replaced');
  }
  const rel = nodePath.relative(from.path, to.path);
  if (rel === '' || (rel !== '..' && !rel.startsWith(`..${nodePath.sep}`) && !nodePath.isAbsolute(rel))) {
    throw new BadPathError('into_itself', `${quoted(to.path)} is ${quoted(from.path)} itself or inside it`);
  }
  if (to.kind !== 'missing' && !overwrite) throw new FileExistsError(`${quoted(to.path)} already exists`);
  if (to.kind === 'dir' && from.kind === 'file') {
    throw new BadPathError('is_a_directory', `${quoted(to.path)} is a folder; a file cannot replace it`);
  }
}

/** Moves `from` (resolved with intent 'delete') to `to` (resolved with intent 'write'). */
export async function rename(
  guard: Guard,
  from: ResolvedPath,
  to: ResolvedPath,
  options: WriteOptions = {},
): Promise<FileInfo> {
  const overwrite = options.overwrite ?? false;
  checkMove(from, to, overwrite);
  const src = await pinDir(guard, nodePath.dirname(from.path));
  try {
    const dst = await pinDir(guard, parentOf(to));
    try {
      const source = src.ref(from.name);
      const now = await lstat(source, { bigint: true }).catch(() => null);
      // Kind too: a freed inode number is soon reused, by a link put in the file's place for one.
      const same = now !== null && now.dev === from.identity?.dev && now.ino === from.identity.ino;
      if (!same || (from.kind === 'file' ? !now.isFile() : !now.isDirectory())) throw changedError(from.path);
      await src.check();
      await dst.check();
      const target = dst.ref(to.name);
      const shown = quoted(to.path);
      try {
        if (from.kind === 'file') {
          await place(source, target, overwrite, shown);
          if (!overwrite) await unlink(source);
        } else {
          // No rename-without-replace in Node: a folder appearing at `to` in this instant can be replaced (if empty).
          if (!overwrite && (await lstat(target).catch(() => null)))
            throw new FileExistsError(`${shown} already exists`);
          await renameFs(source, target);
        }
      } catch (err) {
        const code = errno(err);
        if (code === 'EXDEV' && from.kind === 'file') {
          // Another file system: copy beside the target, put it in place, then drop the source.
          const tmp = dst.ref(tempName());
          await copyFile(source, tmp, constants.COPYFILE_EXCL);
          try {
            await dst.check();
            await place(tmp, target, overwrite, shown);
          } finally {
            await unlink(tmp).catch(() => {});
          }
          await unlink(source);
        } else if (code === 'EXDEV') {
          throw new BadPathError('cross_device', 'a folder cannot be moved to another drive; copy it instead');
        } else if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          throw new FileExistsError(`${shown} is a folder that is not empty`, { cause: err });
        } else if (code === 'ENOTDIR' || code === 'EISDIR') {
          throw new BadPathError(code === 'EISDIR' ? 'is_a_directory' : 'not_a_directory', `${shown}: ${code}`);
        } else {
          throw err;
        }
      }
      await dst.sync();
      await src.sync();
      return infoOf(to, from.kind === 'dir' ? 'dir' : 'file', await lstat(target));
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}
