// Re-checks at the moment of use that close the gap between the guard's check and the operation: the handle opened
// is the thing checked, and a folder written into is pinned by a handle and still the same real folder in a root.
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readlink, realpath } from 'node:fs/promises';
import nodePath from 'node:path';
import { FileNotFoundError } from './errors/fileNotFoundError.ts';
import { PathRefusedError } from './errors/pathRefusedError.ts';
import type { Guard, Identity, ResolvedPath } from './guard.ts';

export const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;
/** Linux names every open handle under /proc/self/fd: its real location can be read, and paths can go through it. */
const PROC_FD = process.platform === 'linux';

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;
const sameIdentity = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;
const quoted = (path: string) => JSON.stringify(path);

export const changedError = (path: string, how = 'was changed or replaced between the check and its use') =>
  new PathRefusedError('changed', `${quoted(path)} ${how}`);

/** Where an open handle really is (Linux), or null where the OS cannot say. */
async function handleLocation(fh: FileHandle): Promise<string | null> {
  if (!PROC_FD) return null;
  return readlink(`/proc/self/fd/${fh.fd}`).catch(() => null);
}

/** The handle's location is `path` and inside a root; without /proc, realpath and lstat must still agree with it. */
async function assertLocation(guard: Guard, fh: FileHandle, path: string, identity: Identity): Promise<void> {
  const where = await handleLocation(fh);
  if (where === null) {
    const real = await realpath(path).catch(() => null);
    const now = await lstat(path, { bigint: true }).catch(() => null);
    if (real !== path || now === null || !sameIdentity(now, identity)) throw changedError(path);
  } else if (where !== path) {
    throw changedError(path, 'was moved or replaced between the check and its use');
  }
  if (guard.rootOf(path) === null) {
    throw new PathRefusedError('symlink_escape', `${quoted(path)} is no longer inside an allowed folder`);
  }
}

/** Opens without following a final symlink and without blocking on a FIFO swapped in; maps the refusals. */
async function openNoFollow(path: string, flags: number): Promise<FileHandle> {
  try {
    return await open(path, flags | NOFOLLOW | NONBLOCK);
  } catch (err) {
    const code = errno(err);
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw changedError(path, 'was replaced by a symbolic link between the check and its use');
    }
    if (code === 'ENOENT') throw new FileNotFoundError(`${quoted(path)} no longer exists`, { cause: err });
    if (code === 'ENOTDIR' || code === 'EISDIR') throw changedError(path);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new PathRefusedError('no_access', `${quoted(path)} cannot be opened: permission denied`, { cause: err });
    }
    throw err;
  }
}

/** Opens the checked target (a regular file or a folder) and proves the handle is what the guard checked. */
export async function openChecked(guard: Guard, target: ResolvedPath, kind: 'file' | 'dir'): Promise<FileHandle> {
  const identity = target.identity;
  if (identity === null) throw new FileNotFoundError(`${quoted(target.path)} does not exist`);
  const fh = await openNoFollow(target.path, constants.O_RDONLY | (kind === 'dir' ? DIRECTORY : 0));
  try {
    const st = await fh.stat({ bigint: true });
    if (!st.isFile() && !st.isDirectory()) {
      throw new PathRefusedError('not_regular', `${quoted(target.path)} is not a regular file or folder`);
    }
    if ((kind === 'file') !== st.isFile() || !sameIdentity(st, identity)) throw changedError(target.path);
    await assertLocation(guard, fh, target.path, identity);
    return fh;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** A folder held open while names are created in it: `ref(name)` goes through the handle where the OS allows. */
export interface PinnedDir {
  readonly path: string;
  ref(name: string): string;
  /** The folder is still at `path`, real and inside a root: called again right before the final rename. */
  check(): Promise<void>;
  /** Flushes the folder's entries (a rename into it survives a crash); best effort. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function pinDir(guard: Guard, dir: string): Promise<PinnedDir> {
  const st = await lstat(dir, { bigint: true }).catch((err) => {
    if (errno(err) === 'ENOENT') throw new FileNotFoundError(`the folder ${quoted(dir)} does not exist`);
    throw err;
  });
  if (!st.isDirectory()) throw changedError(dir);
  const identity = { dev: st.dev, ino: st.ino };
  // Windows cannot open a folder as a file: there the checks are realpath and identity only.
  const fh = process.platform === 'win32' ? null : await openNoFollow(dir, constants.O_RDONLY | DIRECTORY);
  const check = async () => {
    if (fh === null) {
      const real = await realpath(dir).catch(() => null);
      const now = await lstat(dir, { bigint: true }).catch(() => null);
      if (real !== dir || now === null || !sameIdentity(now, identity)) throw changedError(dir);
      if (guard.rootOf(dir) === null) throw new PathRefusedError('symlink_escape', `${quoted(dir)} left the roots`);
      return;
    }
    const held = await fh.stat({ bigint: true });
    if (!sameIdentity(held, identity)) throw changedError(dir);
    await assertLocation(guard, fh, dir, identity);
  };
  try {
    await check();
  } catch (err) {
    await fh?.close();
    throw err;
  }
  const base = fh !== null && PROC_FD ? `/proc/self/fd/${fh.fd}` : dir;
  return {
    path: dir,
    ref: (name) => nodePath.join(base, name),
    check,
    sync: async () => {
      await fh?.sync().catch(() => {});
    },
    close: async () => {
      await fh?.close();
    },
  };
}
