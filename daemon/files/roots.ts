// The folders Titan may touch: the configured list, or the user's Desktop and Downloads as the OS names them
// (XDG user-dirs on Linux — «Рабочий стол», «Загрузки» —, ~/Desktop on macOS, the Known Folders on Windows).
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { expandHome } from '../config/paths.ts';

export interface RootStatus {
  path: string;
  exists: boolean;
  /** Why it cannot be used, when it cannot. */
  problem?: string;
}

export function homeOf(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return env.USERPROFILE ?? env.HOME ?? homedir();
  return env.HOME ?? homedir();
}

/** `XDG_DESKTOP_DIR="$HOME/Рабочий стол"` lines of ~/.config/user-dirs.dirs, as absolute paths. */
export function parseUserDirs(text: string, home: string): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(XDG_[A-Z]+_DIR)\s*=\s*"(.*)"\s*$/.exec(line);
    if (!m) continue;
    const value = (m[2] as string).replace(/\\(.)/g, '$1');
    // The format allows only "$HOME/…" or an absolute path.
    const path = value.startsWith('$HOME') ? join(home, value.slice(5)) : value;
    if (isAbsolute(path)) dirs[m[1] as string] = resolve(path);
  }
  return dirs;
}

function linuxDefaults(home: string, env: NodeJS.ProcessEnv): string[] {
  let dirs: Record<string, string> = {};
  try {
    const config = env.XDG_CONFIG_HOME ?? join(home, '.config');
    dirs = parseUserDirs(readFileSync(join(config, 'user-dirs.dirs'), 'utf8'), home);
  } catch {
    // No user-dirs file (servers, minimal desktops): the English names are the XDG defaults.
  }
  // user-dirs sets a folder to $HOME itself to disable it; the whole home is never a default root.
  const pick = (key: string, fallback: string) => (dirs[key] && dirs[key] !== home ? dirs[key] : join(home, fallback));
  return [pick('XDG_DESKTOP_DIR', 'Desktop'), pick('XDG_DOWNLOAD_DIR', 'Downloads')];
}

/** The Known Folders from the registry (a moved or OneDrive Desktop included); defaults when reg.exe fails. */
function windowsDefaults(home: string, env: NodeJS.ProcessEnv): string[] {
  const known = { desktop: join(home, 'Desktop'), downloads: join(home, 'Downloads') };
  try {
    const out = execFileSync(
      'reg',
      ['query', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\User Shell Folders'],
      { encoding: 'utf8', windowsHide: true, timeout: 5000 },
    );
    const value = (name: string) => new RegExp(`^\\s*${name}\\s+REG_(?:EXPAND_)?SZ\\s+(.+?)\\s*$`, 'mi').exec(out)?.[1];
    const expand = (p: string) => p.replace(/%([^%]+)%/g, (_, k: string) => env[k] ?? env[k.toUpperCase()] ?? `%${k}%`);
    const desktop = value('Desktop');
    // Downloads has no friendly name in this key, only its Known Folder GUID.
    const downloads = value('\\{374DE290-123F-4565-9164-39C4925E467B\\}');
    if (desktop) known.desktop = expand(desktop);
    if (downloads) known.downloads = expand(downloads);
  } catch {
    // Not Windows, or reg.exe unavailable: the profile defaults.
  }
  return [known.desktop, known.downloads];
}

export function defaultRoots(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string[] {
  const home = homeOf(env, platform);
  if (platform === 'win32') return windowsDefaults(home, env);
  if (platform === 'darwin') return [join(home, 'Desktop'), join(home, 'Downloads')];
  return linuxDefaults(home, env);
}

/** The configured roots (with `~` expanded), or the OS defaults when the list is empty. */
export function allowedRoots(configured: string[], env: NodeJS.ProcessEnv = process.env, platform = process.platform) {
  const list = configured.length ? configured.map((p) => resolve(expandHome(p, env))) : defaultRoots(env, platform);
  return [...new Set(list)];
}

/** Whether each root can be used: reported in /api/health instead of failing the start. */
export function rootStatus(roots: string[]): RootStatus[] {
  return roots.map((path) => {
    try {
      const st = statSync(path);
      if (!st.isDirectory()) return { path, exists: true, problem: 'it is not a folder' };
      return { path, exists: true };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const problem = code === 'ENOENT' ? 'the folder does not exist' : `it cannot be read (${code})`;
      return { path, exists: false, problem };
    }
  });
}
