// Finds plugin folders (one folder per plugin with a plugin.json) in the plugin directories, fingerprints each one so a
// changed manifest or file is noticed, and watches the directories so changes are picked up while the daemon runs.
import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** `<data dir>/plugins` first, then the configured ones; `~/` is the user's home, relative paths the working directory. */
export function pluginDirs(dataDir: string, configured: string[], env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const dirs = [join(dataDir, 'plugins'), ...configured.map((d) => resolve(d.replace(/^~(?=$|[/\\])/, home)))];
  return [...new Set(dirs)];
}

export interface Candidate {
  folder: string;
  dir: string;
}

/** Every sub-folder of the plugin directories (missing directories are skipped), in directory order. */
export async function findCandidates(dirs: string[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const base of dirs) {
    const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !e.name.startsWith('.')) out.push({ folder: e.name, dir: join(base, e.name) });
    }
  }
  return out;
}

const FINGERPRINT_MAX_FILES = 2000;

/** Paths, sizes and modification times of a plugin's files: changes when its manifest or code does. */
export async function fingerprint(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > 6 || parts.length >= FINGERPRINT_MAX_FILES) return;
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, e.name);
      if (e.isDirectory()) await walk(path, depth + 1);
      else {
        const s = await stat(path).catch(() => null);
        if (s) parts.push(`${relative(dir, path)}:${s.size}:${s.mtimeMs}`);
      }
    }
  };
  await walk(dir, 0);
  return parts.join('|');
}

/** Calls `onChange` once per burst of changes under any of the directories (those that exist). */
export function watchDirs(dirs: string[], onChange: () => void, debounceMs = 300): { close(): void } {
  let timer: NodeJS.Timeout | null = null;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const d of dirs) {
    try {
      const w = watch(d, { recursive: true, persistent: false }, fire);
      w.on('error', () => {});
      watchers.push(w);
    } catch {
      // A directory that does not exist (yet): POST /api/plugins/reload picks it up.
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
