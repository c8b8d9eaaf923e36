// Proves the auth contract over real HTTP: first-run setup, login, throttling, and that every forged or stale token is refused.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, TEST_PASSWORD, type TestDaemon } from '../helpers/daemon.ts';
import { openWs } from '../helpers/ws.ts';

interface ErrorBody {
  error: { code: string; message: string };
}
interface TokenBody {
  token: string;
  expires_at: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);

/** The secret the daemon signs with, read from its data dir like an attacker with disk access would. */
function realSecret(d: TestDaemon): Uint8Array {
  return new Uint8Array(Buffer.from(readFileSync(join(d.home, 'jwt.key'), 'utf8').trim(), 'base64'));
}

function signToken(secret: Uint8Array, claims: { exp: number; iat?: number; sub?: string }): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('titan')
    .setSubject(claims.sub ?? 'owner')
    .setIssuedAt(claims.iat ?? nowS())
    .setExpirationTime(claims.exp)
    .sign(secret);
}

describe('first run: setup and login', () => {
  let d: TestDaemon;

  beforeAll(async () => {
    d = await startDaemon({ auth: { token_ttl_h: 2, login_attempts_per_minute: 1000 } });
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('reports setup_required and refuses login before the password is set', async () => {
    const status = await d.request('/api/auth/status');
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ setup_required: true });

    const res = await d.request('/api/auth/login', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('setup_required');
    expect(body.error.message).toContain('POST /api/auth/setup');
  });

  it('setup returns a token and its expiry, and the token opens protected routes', async () => {
    const before = Date.now();
    const res = await d.request('/api/auth/setup', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(['expires_at', 'token']);
    expect(body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // token_ttl_h is 2: the expiry is two hours from now, give or take a minute.
    const expires = Date.parse(body.expires_at);
    expect(expires).toBeGreaterThan(before + 2 * 3600_000 - 60_000);
    expect(expires).toBeLessThan(before + 2 * 3600_000 + 60_000);

    const settings = await d.request('/api/settings', { token: body.token });
    expect(settings.status).toBe(200);
    const status = await d.request('/api/auth/status');
    expect(await status.json()).toEqual({ setup_required: false });
  });

  it('refuses a second setup with 409 already_set_up', async () => {
    const res = await d.request('/api/auth/setup', { method: 'POST', json: { password: 'another password 123' } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe('already_set_up');
    // The first password still works; the second never took.
    const login = await d.request('/api/auth/login', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const again = await d.request('/api/auth/login', { method: 'POST', json: { password: 'another password 123' } });
    expect(again.status).toBe(401);
  });

  it('login with the right password returns {token, expires_at}', async () => {
    const res = await d.request('/api/auth/login', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(['expires_at', 'token']);
    expect(Number.isNaN(Date.parse(body.expires_at))).toBe(false);
    expect((await d.request('/api/logs', { token: body.token })).status).toBe(200);
  });

  it('a wrong password gets 401 and leaves auth.login.failed in the audit log', async () => {
    const res = await d.request('/api/auth/login', { method: 'POST', json: { password: 'not the password' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'wrong password' } });

    const token = await d.login();
    const audit = await d.request('/api/logs/audit?q=auth.login.failed', { token });
    expect(audit.status).toBe(200);
    const { lines } = (await audit.json()) as { lines: { event?: string; client?: string; msg?: string }[] };
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]?.event).toBe('auth.login.failed');
    expect(lines[0]?.client).toBe('127.0.0.1');
    // The attempted password is never written down.
    const raw = readFileSync(join(d.home, 'logs', 'audit.log'), 'utf8');
    expect(raw).not.toContain('not the password');
    expect(raw).not.toContain(TEST_PASSWORD);
  });
});

describe('protected routes refuse every bad token', () => {
  let d: TestDaemon;
  let token: string;
  const routes = ['/api/settings', '/api/logs', '/api/logs/audit'];

  beforeAll(async () => {
    d = await startDaemon({ auth: { token_ttl_h: 1, login_attempts_per_minute: 1000 } });
    token = await d.login();
  });
  afterAll(async () => {
    await d?.stop();
  });

  async function expect401(path: string, authorization: string | undefined, message: RegExp): Promise<void> {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const res = await d.request(path, { headers });
    expect(res.status, `${path} with ${authorization ?? 'no token'}`).toBe(401);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(message);
  }

  it('a valid token gets 200 on each', async () => {
    for (const path of routes) expect((await d.request(path, { token })).status, path).toBe(200);
  });

  it('no token → 401', async () => {
    for (const path of routes) await expect401(path, undefined, /log in first/);
  });

  it('malformed Authorization headers → 401', async () => {
    for (const path of routes) {
      for (const header of ['Bearer', 'Basic x', 'Bearer a b', `Bearer  ${token}`, token]) {
        await expect401(path, header, /Bearer <token>/);
      }
    }
  });

  it('a token signed with a different secret → 401', async () => {
    const forged = await signToken(new Uint8Array(randomBytes(32)), { exp: nowS() + 3600 });
    for (const path of routes) await expect401(path, `Bearer ${forged}`, /not valid/);
  });

  it('an expired token signed with the real secret → 401 saying it expired', async () => {
    const expired = await signToken(realSecret(d), { iat: nowS() - 7200, exp: nowS() - 3600 });
    for (const path of routes) await expect401(path, `Bearer ${expired}`, /expired/);
  });

  it('the real secret with a foreign subject → 401', async () => {
    const other = await signToken(realSecret(d), { exp: nowS() + 3600, sub: 'someone-else' });
    for (const path of routes) await expect401(path, `Bearer ${other}`, /not valid/);
  });

  it('an alg:none token → 401', async () => {
    const header = b64url({ alg: 'none', typ: 'JWT' });
    const payload = b64url({ iss: 'titan', sub: 'owner', iat: nowS(), exp: nowS() + 3600 });
    for (const path of routes) await expect401(path, `Bearer ${header}.${payload}.`, /not valid/);
  });

  it('a valid token with a tampered payload → 401', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number };
    const tampered = b64url({ ...claims, exp: claims.exp + 365 * 24 * 3600 });
    expect(tampered).not.toBe(payload);
    for (const path of routes) await expect401(path, `Bearer ${header}.${tampered}.${signature}`, /not valid/);
  });

  it('writes are protected too: PUT /api/settings with no token → 401 before any validation', async () => {
    const res = await d.request('/api/settings', { method: 'PUT', json: { not: 'settings' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe('unauthorized');
  });

  it('public routes answer with no token', async () => {
    const health = await d.request('/api/health');
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');

    const status = await d.request('/api/auth/status');
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ setup_required: false });

    const setup = await d.request('/api/auth/setup', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(setup.status).toBe(409);
    expect(((await setup.json()) as ErrorBody).error.code).toBe('already_set_up');

    const login = await d.request('/api/auth/login', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(typeof ((await login.json()) as TokenBody).token).toBe('string');

    const spec = await d.request('/openapi.json');
    expect(spec.status).toBe(200);
    expect(((await spec.json()) as { openapi: string }).openapi).toBe('3.0.3');

    const docs = await d.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('swagger-ui');
  });

  it('a WebSocket upgrade to /api/logs/tail needs a token', async () => {
    const base = d.url.replace(/^http/, 'ws');
    expect((await openWs(`${base}/api/logs/tail`)).status).toBe(401);
    expect((await openWs(`${base}/api/logs/tail?token=not.a.token`)).status).toBe(401);
    const expired = await signToken(realSecret(d), { iat: nowS() - 7200, exp: nowS() - 3600 });
    expect((await openWs(`${base}/api/logs/tail?token=${expired}`)).status).toBe(401);

    const ok = await openWs(`${base}/api/logs/tail?token=${encodeURIComponent(token)}`);
    expect(ok.status).toBe(101);
    const closed = new Promise((resolve) => ok.ws?.once('close', resolve));
    ok.ws?.close();
    await closed;
  });

  it('a query token is only honoured on WebSocket upgrades, not on plain requests', async () => {
    const res = await d.request(`/api/logs?token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(401);
  });
});

describe('login throttling', () => {
  let d: TestDaemon;

  beforeAll(async () => {
    d = await startDaemon({ auth: { token_ttl_h: 1, login_attempts_per_minute: 3 } });
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('the 4th attempt within a minute gets 429 with Retry-After, even with the right password', async () => {
    const setup = await d.request('/api/auth/setup', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(setup.status).toBe(200);
    const { token } = (await setup.json()) as TokenBody;
    for (let i = 0; i < 2; i++) {
      const res = await d.request('/api/auth/login', { method: 'POST', json: { password: `wrong password ${i}` } });
      expect(res.status).toBe(401);
    }
    const fourth = await d.request('/api/auth/login', { method: 'POST', json: { password: TEST_PASSWORD } });
    expect(fourth.status).toBe(429);
    const retryAfter = Number(fourth.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await fourth.json()) as ErrorBody;
    expect(body.error.code).toBe('too_many_attempts');
    expect(body.error.message).toContain(`${retryAfter} s`);

    // Throttling is audited, and the token issued before it still works.
    const audit = await d.request('/api/logs/audit?q=auth.login.throttled', { token });
    expect(audit.status).toBe(200);
    const { lines } = (await audit.json()) as { lines: { event?: string }[] };
    expect(lines.map((l) => l.event)).toContain('auth.login.throttled');
  });
});
