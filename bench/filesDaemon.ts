// A real Titan daemon for the files benchmark: createTitan + listen on a data dir and user home the bench keeps, so
// a second start (watcher on) finds the first one's index — which tests/helpers/daemon.ts cannot (it deletes both).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTitan, type Titan } from '../daemon/app.ts';
import { listen } from '../daemon/http/server.ts';

export interface FilesBenchDaemon {
  titan: Titan;
  url: string;
  /** GET or POST with the token; the JSON answer, or an error naming the status. */
  call<T = Record<string, unknown>>(path: string, method?: 'GET' | 'POST'): Promise<T>;
  /** Resolves when no ingest job is running (e.g. the start-up rescan). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const PASSWORD = 'files-benchmark-password';

export async function startFilesDaemon(
  home: string,
  userHome: string,
  settings: Record<string, unknown>,
): Promise<FilesBenchDaemon> {
  writeFileSync(join(home, 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
  const titan = await createTitan({
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(userHome, '.config'),
      HOME: userHome,
      TITAN_HOME: home,
      TITAN_PORT: '0',
    },
  });
  const listening = await listen(titan, 1000);
  const auth = async (path: string) =>
    fetch(`${listening.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
  let res = await auth('/api/auth/setup');
  if (res.status === 409) res = await auth('/api/auth/login');
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const call = async <T>(path: string, method: 'GET' | 'POST' = 'GET'): Promise<T> => {
    const r = await fetch(`${listening.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  return {
    titan,
    url: listening.url,
    call,
    async idle() {
      for (;;) {
        const { jobs } = await call<{ jobs: { state: string }[] }>('/api/files/jobs');
        if (!jobs.some((j) => j.state === 'running')) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => listening.stop(),
  };
}
