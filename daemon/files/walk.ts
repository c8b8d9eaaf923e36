// Walks the allowed folders for files worth indexing: regular files only, no symlinks followed, hidden files and
// partial downloads skipped, a depth limit so a deep tree cannot run away.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files still being written by a browser or an editor: indexing them now would index half a file. */
const PARTIAL = /\.(crdownload|part|partial|download|tmp|temp|swp|opdownload)$|^~\$|^\.~lock\./i;

export function isPartialOrHidden(name: string): boolean {
  return name.startsWith('.') || PARTIAL.test(name);
}

export async function* walkFiles(root: string, maxDepth = 32): AsyncGenerator<string> {
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (stack.length) {
    const { dir, depth } = stack.pop() as { dir: string; depth: number };
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // Gone or unreadable since it was listed: the next rescan sees it again.
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const e of entries) {
      if (isPartialOrHidden(e.name)) continue;
      const path = join(dir, e.name);
      if (e.isDirectory() && depth < maxDepth) stack.push({ dir: path, depth: depth + 1 });
      else if (e.isFile()) yield path;
    }
  }
}
