// Proves the DNS-rebinding and cross-site guard: foreign Host headers, foreign Origins on writes and WebSocket upgrades are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { rawRequest, startDaemon, TEST_PASSWORD, type TestDaemon } from '../helpers/daemon.ts';
import { openWs } from '../helpers/ws.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

function errorCode(body: string): string | undefined {
  return (JSON.parse(body) as Partial<ErrorBody>).error?.code;
}

async function closeWs(ws: WebSocket | undefined): Promise<void> {
  if (!ws) return;
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.close();
  await closed;
}

describe('Host and Origin guard', () => {
  let d: TestDaemon;
  let port: number;
  let otherPort: number;
  let token: string;

  beforeAll(async () => {
    d = await startDaemon({ auth: { token_ttl_h: 1, login_attempts_per_minute: 1000 } });
    port = Number(new URL(d.url).port);
    otherPort = port === 65535 ? port - 1 : port + 1;
    token = await d.login();
  });
  afterAll(async () => {
    await d?.stop();
  });

  const get = (path: string, headers: Record<string, string>) => rawRequest(d.url, { path, headers });
  const login = (headers: Record<string, string>) =>
    rawRequest(d.url, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { host: d.host, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ password: TEST_PASSWORD }),
    });
  const putSettings = (headers: Record<string, string>) =>
    rawRequest(d.url, {
      method: 'PUT',
      path: '/api/settings',
      headers: { host: d.host, 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: '{}',
    });

  it('refuses foreign Host headers with 403 bad_host, even on the public /api/health', async () => {
    const hosts = [
      'evil.com',
      `evil.com:${port}`,
      `127.0.0.1:${otherPort}`,
      '127.0.0.1',
      `localhost.evil.com:${port}`,
      `127.0.0.1.evil.com:${port}`,
      `0.0.0.0:${port}`,
      '',
    ];
    for (const host of hosts) {
      const res = await get('/api/health', { host });
      expect(res.status, `Host "${host}"`).toBe(403);
      expect(errorCode(res.body), `Host "${host}"`).toBe('bad_host');
    }
  });

  it('refuses a foreign Host on protected routes before auth, and on non-API pages', async () => {
    const res = await get('/api/settings', { host: `evil.com:${port}`, authorization: `Bearer ${token}` });
    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toBe('bad_host');
    const docs = await get('/docs', { host: `evil.com:${port}` });
    expect(docs.status).toBe(403);
    expect(errorCode(docs.body)).toBe('bad_host');
  });

  it('answers to its own loopback names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const res = await get('/api/health', { host });
      expect(res.status, `Host "${host}"`).toBe(200);
      expect((JSON.parse(res.body) as { status: string }).status).toBe('ok');
    }
  });

  it('refuses state-changing requests from foreign Origins with 403 bad_origin', async () => {
    const origins = [
      'http://evil.com',
      'null',
      `http://127.0.0.1:${otherPort}`,
      'file://',
      `http://evil.com:${port}`,
      `ftp://127.0.0.1:${port}`,
      'not a url',
    ];
    for (const origin of origins) {
      const l = await login({ origin });
      expect(l.status, `login from ${origin}`).toBe(403);
      expect(errorCode(l.body), `login from ${origin}`).toBe('bad_origin');
      const p = await putSettings({ origin });
      expect(p.status, `PUT from ${origin}`).toBe(403);
      expect(errorCode(p.body), `PUT from ${origin}`).toBe('bad_origin');
    }
  });

  it('lets writes from its own Origin, or with no Origin, through to auth and validation', async () => {
    const variants: Record<string, string>[] = [
      { origin: `http://127.0.0.1:${port}` },
      { origin: `http://localhost:${port}` },
      {},
    ];
    for (const headers of variants) {
      const l = await login(headers);
      expect(l.status, JSON.stringify(headers)).toBe(200);
      expect(typeof (JSON.parse(l.body) as { token: string }).token).toBe('string');

      // Reaches validation: an empty object is not a settings object.
      const p = await putSettings(headers);
      expect(p.status, JSON.stringify(headers)).toBe(400);
      expect(errorCode(p.body)).toBe('invalid_settings');

      // Reaches auth: the same write with no token.
      const noToken = await rawRequest(d.url, {
        method: 'PUT',
        path: '/api/settings',
        headers: { host: d.host, 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      expect(noToken.status).toBe(401);
      expect(errorCode(noToken.body)).toBe('unauthorized');
    }
  });

  it('refuses a write marked Sec-Fetch-Site: cross-site, with or without an Origin', async () => {
    const bare = await login({ 'sec-fetch-site': 'cross-site' });
    expect(bare.status).toBe(403);
    expect(errorCode(bare.body)).toBe('bad_origin');
    const withOwnOrigin = await login({ 'sec-fetch-site': 'cross-site', origin: `http://127.0.0.1:${port}` });
    expect(withOwnOrigin.status).toBe(403);
    expect(errorCode(withOwnOrigin.body)).toBe('bad_origin');
    const sameOrigin = await login({ 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${port}` });
    expect(sameOrigin.status).toBe(200);
  });

  it('allows reads from a foreign Origin: the token protects them', async () => {
    const health = await get('/api/health', { host: d.host, origin: 'http://evil.com' });
    expect(health.status).toBe(200);
    const settings = await get('/api/settings', {
      host: d.host,
      origin: 'http://evil.com',
      authorization: `Bearer ${token}`,
    });
    expect(settings.status).toBe(200);
    const noToken = await get('/api/settings', { host: d.host, origin: 'http://evil.com' });
    expect(noToken.status).toBe(401);
  });

  it('refuses a WebSocket upgrade from a foreign Origin even with a valid token', async () => {
    const url = `${d.url.replace(/^http/, 'ws')}/api/logs/tail?token=${encodeURIComponent(token)}`;
    for (const origin of ['http://evil.com', 'null', `http://127.0.0.1:${otherPort}`]) {
      expect((await openWs(url, { origin })).status, origin).toBe(403);
    }
    expect((await openWs(url, { headers: { host: `evil.com:${port}` } })).status).toBe(403);

    const own = await openWs(url, { origin: `http://127.0.0.1:${port}` });
    expect(own.status).toBe(101);
    await closeWs(own.ws);
  });

  it('keeps serving after all the refusals', async () => {
    const res = await d.request('/api/health');
    expect(res.status).toBe(200);
  });
});
