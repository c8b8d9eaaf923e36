// Safe file operations on paths the guard has resolved: every refusal found at the moment of use and every change
// made is written to the audit trail with who asked, what, and the real path.
import { FileAccessError } from './errors/fileAccessError.ts';
import { rename } from './fsOpsMove.ts';
import { type DirEntry, type FileInfo, list, type OpenedFile, openForRead, readFile, stat } from './fsOpsRead.ts';
import { mkdir, type WriteData, type WriteOptions, writeFileAtomic } from './fsOpsWrite.ts';
import type { Guard, ResolvedPath } from './guard.ts';

export type { DirEntry, EntryKind, FileInfo, OpenedFile } from './fsOpsRead.ts';
export type { WriteData, WriteOptions } from './fsOpsWrite.ts';

export interface FileOps {
  /** Opens a checked regular file (no final symlink, handle = file checked); the caller closes `handle`. */
  openForRead(target: ResolvedPath): Promise<OpenedFile>;
  /** The whole file through a checked handle. */
  readFile(target: ResolvedPath): Promise<{ data: Buffer; size: number; mtimeMs: number }>;
  /** A checked folder's entries: folders first; pipes, sockets, devices and outside links as kind 'other'. */
  list(target: ResolvedPath): Promise<DirEntry[]>;
  stat(target: ResolvedPath): Promise<FileInfo>;
  /** Temp file (exclusive create) in the pinned folder, then rename (overwrite) or link (409 if it exists). */
  writeFileAtomic(target: ResolvedPath, data: WriteData, options?: WriteOptions): Promise<FileInfo & { bytes: number }>;
  /** Creates the folder and any missing parents (inside the root); 409 if it exists. */
  mkdir(target: ResolvedPath): Promise<FileInfo>;
  /** Moves `from` (resolve it with intent 'delete') to `to` (intent 'write'); 409 if `to` exists without overwrite. */
  rename(from: ResolvedPath, to: ResolvedPath, options?: WriteOptions): Promise<FileInfo>;
}

export function createFileOps(guard: Guard): FileOps {
  /** Runs one operation; audits refusals always and successes of the operations that change something. */
  async function audited<T>(
    action: string,
    target: ResolvedPath,
    run: () => Promise<T>,
    extra: { to?: string; changes?: boolean } = {},
  ): Promise<T> {
    const base = {
      who: target.who,
      action,
      path: target.path,
      root: target.root,
      ...(extra.to ? { to: extra.to } : {}),
    };
    try {
      const result = await run();
      if (extra.changes) {
        const bytes = (result as { bytes?: number }).bytes;
        guard.audit({ event: `file.${action}`, ok: true, ...base, ...(bytes === undefined ? {} : { bytes }) });
      }
      return result;
    } catch (err) {
      const known = err instanceof FileAccessError;
      guard.audit({
        event: `file.${action}`,
        ok: false,
        ...base,
        code: known ? err.code : 'error',
        reason: known ? err.reason : ((err as NodeJS.ErrnoException).code ?? 'error'),
        message: (err as Error).message,
      });
      throw err;
    }
  }

  return {
    openForRead: (target) => audited('open', target, () => openForRead(guard, target)),
    readFile: (target) => audited('read', target, () => readFile(guard, target)),
    list: (target) => audited('list', target, () => list(guard, target)),
    stat: (target) => audited('stat', target, () => stat(guard, target)),
    writeFileAtomic: (target, data, options) =>
      audited('write', target, () => writeFileAtomic(guard, target, data, options), { changes: true }),
    mkdir: (target) => audited('mkdir', target, () => mkdir(guard, target), { changes: true }),
    rename: (from, to, options) =>
      audited('rename', from, () => rename(guard, from, to, options), { to: to.path, changes: true }),
  };
}
