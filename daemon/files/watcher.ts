// Watches the allowed folders and reports file changes as fs.v1-shaped events: created, changed, deleted, moved.
// Partial downloads are ignored, bursts are debounced, and a delete followed at once by a create of the same name
// (or the only create in that moment) is reported as one move so the file's chunks are re-pointed, not re-embedded.
import { basename } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { isPartialOrHidden } from './walk.ts';

export type FileEvent =
  | { type: 'file.created' | 'file.changed'; path: string }
  | { type: 'file.deleted'; path: string; dir: boolean }
  | { type: 'file.moved'; from: string; to: string };

export interface WatcherOptions {
  /** Quiet time before a created/changed file is reported. Default: 300 ms. */
  debounceMs?: number;
  /** How long a delete waits for a matching create to become a move. Default: 500 ms. */
  moveWindowMs?: number;
  /** How long a file's size must hold still before it counts as written. Default: 400 ms. */
  stableMs?: number;
  onError?: (err: unknown) => void;
}

export interface FolderWatcher {
  /** Resolves once the initial scan is done and changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchFolders(
  roots: string[],
  emit: (event: FileEvent) => void,
  opts: WatcherOptions = {},
): FolderWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  const moveWindowMs = opts.moveWindowMs ?? 500;
  const rootSet = new Set(roots);
  const pending = new Map<string, { timer: NodeJS.Timeout; type: 'file.created' | 'file.changed' }>();
  const unlinks = new Map<string, NodeJS.Timeout>();

  const watcher: FSWatcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: false,
    depth: 32,
    ignored: (path: string) => !rootSet.has(path) && isPartialOrHidden(basename(path)),
    awaitWriteFinish: { stabilityThreshold: opts.stableMs ?? 400, pollInterval: 100 },
  });

  const settle = (path: string, type: 'file.created' | 'file.changed') => {
    const prev = pending.get(path);
    if (prev) clearTimeout(prev.timer);
    // A change right after a create is still a create.
    const kind = prev?.type === 'file.created' ? 'file.created' : type;
    const timer = setTimeout(() => {
      pending.delete(path);
      emit({ type: kind, path });
    }, debounceMs);
    pending.set(path, { timer, type: kind });
  };

  const matchingUnlink = (path: string): string | null => {
    const name = basename(path);
    const same = [...unlinks.keys()].find((p) => basename(p) === name);
    if (same) return same;
    return unlinks.size === 1 ? ([...unlinks.keys()][0] as string) : null;
  };

  watcher.on('add', (path: string) => {
    const from = matchingUnlink(path);
    if (from) {
      clearTimeout(unlinks.get(from));
      unlinks.delete(from);
      emit({ type: 'file.moved', from, to: path });
      return;
    }
    settle(path, 'file.created');
  });
  watcher.on('change', (path: string) => settle(path, 'file.changed'));
  watcher.on('unlink', (path: string) => {
    const p = pending.get(path);
    if (p) {
      clearTimeout(p.timer);
      pending.delete(path);
      // Created and gone within the debounce: nothing ever happened as far as the index knows.
      if (p.type === 'file.created') return;
    }
    const timer = setTimeout(() => {
      unlinks.delete(path);
      emit({ type: 'file.deleted', path, dir: false });
    }, moveWindowMs);
    unlinks.set(path, timer);
  });
  watcher.on('unlinkDir', (path: string) => {
    if (!rootSet.has(path)) emit({ type: 'file.deleted', path, dir: true });
  });
  watcher.on('error', (err: unknown) => opts.onError?.(err));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      for (const p of pending.values()) clearTimeout(p.timer);
      for (const t of unlinks.values()) clearTimeout(t);
      pending.clear();
      unlinks.clear();
      await watcher.close();
    },
  };
}
