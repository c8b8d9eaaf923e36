// The trash: a deleted file or folder moves to <data>/trash/<id>/ with a note of where it came from, so it can be
// restored; items older than the configured age are emptied. Callers pass paths the guard has already checked.
import { cp, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ulid } from '../../bus/ulid.ts';
import { TrashItemNotFoundError } from './errors/trashItemNotFoundError.ts';

export interface TrashItem {
  id: string;
  /** Where it was, absolute. */
  original_path: string;
  name: string;
  kind: 'file' | 'dir';
  size: number;
  deleted_at: string;
}

const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Moves across file systems too: rename when it can, else copy then remove. */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(from, to, {
      recursive: true,
      errorOnExist: true,
      force: false,
      preserveTimestamps: true,
      verbatimSymlinks: true,
    });
    await rm(from, { recursive: true, force: true });
  }
}

async function sizeOf(path: string): Promise<number> {
  const st = await lstat(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(path)) total += await sizeOf(join(path, e));
  return total;
}

/** "a.pdf" → "a (1).pdf", "a (2).pdf", … : the first name not taken in its folder. */
export async function freeName(path: string): Promise<string> {
  const ext = extname(path);
  const stem = basename(path, ext);
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? path : join(dirname(path), `${stem} (${i})${ext}`);
    try {
      await lstat(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw err;
    }
  }
}

export class Trash {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'trash');
  }

  async put(path: string): Promise<TrashItem> {
    const st = await lstat(path);
    const id = ulid();
    const slot = join(this.dir, id);
    await mkdir(slot, { recursive: true, mode: 0o700 });
    const item: TrashItem = {
      id,
      original_path: path,
      name: basename(path),
      kind: st.isDirectory() ? 'dir' : 'file',
      size: await sizeOf(path),
      deleted_at: new Date().toISOString(),
    };
    // The note first: a crash after it leaves an empty slot that list() skips, never a file with no way back.
    await writeFile(join(slot, 'meta.json'), JSON.stringify(item), { mode: 0o600 });
    try {
      await move(path, join(slot, 'item'));
    } catch (err) {
      await rm(slot, { recursive: true, force: true });
      throw err;
    }
    return item;
  }

  async get(id: string): Promise<TrashItem> {
    if (!ID.test(id)) throw new TrashItemNotFoundError(id);
    try {
      const item = JSON.parse(await readFile(join(this.dir, id, 'meta.json'), 'utf8')) as TrashItem;
      await lstat(join(this.dir, id, 'item'));
      return item;
    } catch {
      throw new TrashItemNotFoundError(id);
    }
  }

  /** Newest first. */
  async list(): Promise<TrashItem[]> {
    let ids: string[];
    try {
      ids = await readdir(this.dir);
    } catch {
      return [];
    }
    const items: TrashItem[] = [];
    for (const id of ids.filter((d) => ID.test(d))) {
      try {
        items.push(await this.get(id));
      } catch {
        // An interrupted put: nothing to restore.
      }
    }
    return items.sort((a, b) => b.id.localeCompare(a.id));
  }

  /**
   * Moves an item back to `target` (its original path, checked again by the caller), or next to it with a " (1)"
   * suffix when that name is taken now. Returns where it went.
   */
  async restore(id: string, target: string): Promise<string> {
    await this.get(id);
    await mkdir(dirname(target), { recursive: true });
    const to = await freeName(target);
    await move(join(this.dir, id, 'item'), to);
    await rm(join(this.dir, id), { recursive: true, force: true });
    return to;
  }

  /** Removes items deleted more than `days` ago (all of them with days = 0 and `all`). Returns how many. */
  async empty(opts: { olderThanDays?: number; now?: number } = {}): Promise<number> {
    const now = opts.now ?? Date.now();
    let removed = 0;
    for (const item of await this.list()) {
      const age = (now - Date.parse(item.deleted_at)) / 86_400_000;
      if (opts.olderThanDays !== undefined && age < opts.olderThanDays) continue;
      await rm(join(this.dir, item.id), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}
