// Starts a real Titan daemon in-process on a free port with its own temp data dir, and talks to it like a client would.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTitan, type Titan } from '../../daemon/app.ts';
import { type Listening, listen } from '../../daemon/http/server.ts';

export interface TestDaemon {
  titan: Titan;
  url: string;
  host: string;
  home: string;
  /** The user's home folder the daemon sees (HOME), with Desktop and Downloads: the default allowed folders. */
  userHome: string;
  /** fetch (which always sends the daemon's own Host); `token` adds the Authorization header. */
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** Sets the app password (first run) and returns a token. */
  login(password?: string): Promise<string>;
  stop(): Promise<void>;
}

/** A request with headers fetch will not let us forge (Host), for DNS-rebinding tests. */
export function rawRequest(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        setHost: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** `settings` is written as the user's settings.json before start; keys left out keep config.json's defaults. */
export async function startDaemon(
  settings: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<TestDaemon> {
  const home = mkdtempSync(join(tmpdir(), 'titan-test-'));
  writeFileSync(join(home, 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
  // A home of its own, so the default allowed folders are never the real user's Desktop and Downloads.
  const userHome = env.HOME ?? join(home, 'user');
  mkdirSync(join(userHome, 'Desktop'), { recursive: true });
  mkdirSync(join(userHome, 'Downloads'), { recursive: true });
  const titan = await createTitan({
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(userHome, '.config'),
      HOME: userHome,
      TITAN_HOME: home,
      TITAN_PORT: '0',
      ...env,
    },
  });
  let listening: Listening;
  try {
    listening = await listen(titan, 1000);
  } catch (err) {
    await titan.close();
    throw err;
  }
  const host = `127.0.0.1:${listening.port}`;
  let token: string | undefined;
  const request: TestDaemon['request'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    return fetch(`${listening.url}${path}`, { ...init, headers, body });
  };
  return {
    titan,
    url: listening.url,
    host,
    home,
    userHome,
    request,
    async login(password = TEST_PASSWORD) {
      if (token) return token;
      const setup = await request('/api/auth/setup', { method: 'POST', json: { password } });
      const res =
        setup.status === 409 ? await request('/api/auth/login', { method: 'POST', json: { password } }) : setup;
      if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      token = ((await res.json()) as { token: string }).token;
      return token;
    },
    async stop() {
      await listening.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
