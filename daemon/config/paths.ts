// Where Titan keeps the user's data: settings, database, logs, keys. TITAN_HOME overrides the OS default.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.TITAN_HOME) return resolve(env.TITAN_HOME);
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Titan');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Titan');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'titan');
}

/** Expands a leading `~` so settings can say "~/Desktop" on every OS. */
export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  if (p === '~') return env.HOME ?? homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return join(env.HOME ?? homedir(), p.slice(2));
  return p;
}
