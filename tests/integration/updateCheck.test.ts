// The update check against a local fake releases API: newer, same, older and pre-release tags, 404, 500, a rate limit,
// a refused connection, the cache (counted requests) and the disabled setting (no request at all).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkForUpdate } from '../../daemon/update/check.ts';
import { compareSemver, parseSemver } from '../../daemon/update/semver.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A releases API: `/repos/<owner>/<name>/releases/latest` answers replies[name]; every request is counted by path. */
async function fakeReleases(replies: Record<string, Reply>) {
  const hits: { path: string; ua: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', ua: req.headers['user-agent'] });
    const name = /^\/repos\/[^/]+\/([^/]+)\/releases\/latest$/.exec(req.url ?? '')?.[1] ?? '';
    const reply = replies[name] ?? { status: 404, body: { message: 'Not Found' } };
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body ?? {}));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

const release = (tag: string, extra: Record<string, unknown> = {}): Reply => ({
  status: 200,
  body: {
    tag_name: tag,
    html_url: `https://example.test/releases/${tag}`,
    published_at: '2025-01-02T03:04:05Z',
    body: 'notes',
    ...extra,
  },
});

let api: Awaited<ReturnType<typeof fakeReleases>>;
const dirs: string[] = [];
const settings = (repository: string, over: Record<string, unknown> = {}) => ({
  check: true,
  auto: false,
  repository: `titan-assistant/${repository}`,
  api_url: api.url,
  cache_ttl_min: 60,
  ...over,
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'titan-update-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  api = await fakeReleases({
    newer: release('v0.2.0'),
    same: release('v0.1.0'),
    older: release('0.0.9'),
    pre: release('v0.3.0-beta.1', { prerelease: true }),
    broken: { status: 500, body: { message: 'boom' } },
    limited: {
      status: 403,
      body: { message: 'API rate limit exceeded' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1900000000' },
    },
    badtag: release('nightly'),
    cached: release('v0.4.0'),
  });
});

afterAll(async () => {
  await api.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('semver', () => {
  it('orders releases and pre-releases as semver.org says', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
    ];
    const parsed = order.map((s) => parseSemver(s));
    for (let i = 1; i < parsed.length; i++) {
      expect(compareSemver(parsed[i - 1] as never, parsed[i] as never), `${order[i - 1]} < ${order[i]}`).toBeLessThan(
        0,
      );
    }
    expect(compareSemver(parseSemver('v1.2.3+build.5') as never, parseSemver('1.2.3') as never)).toBe(0);
    expect(parseSemver('1.2')).toBeNull();
    expect(parseSemver('01.2.3')).toBeNull();
  });
});

describe('checkForUpdate', () => {
  const check = (repo: string, version = '0.1.0', over: Record<string, unknown> = {}) =>
    checkForUpdate({ settings: settings(repo, over), version, dataDir: dataDir() });

  it('offers a newer release with its tag, URL and notes, and sends a User-Agent', async () => {
    const a = await check('newer');
    expect(a).toMatchObject({
      status: 'available',
      current: '0.1.0',
      latest: '0.2.0',
      url: 'https://example.test/releases/v0.2.0',
      notes: 'notes',
      cached: false,
    });
    expect(api.hits.find((h) => h.path.includes('/newer/'))?.ua).toBe('titan/0.1.0');
  });

  it('says up to date for the same and an older release', async () => {
    expect(await check('same')).toMatchObject({ status: 'current', latest: '0.1.0' });
    expect(await check('older')).toMatchObject({ status: 'current', latest: '0.0.9' });
  });

  it('offers a pre-release only to someone running a pre-release', async () => {
    expect((await check('pre')).status).toBe('current');
    expect(await check('pre', '0.3.0-alpha.2')).toMatchObject({ status: 'available', latest: '0.3.0-beta.1' });
    // The release a pre-release leads to ranks above it.
    expect((await check('newer', '0.2.0-rc.1')).status).toBe('available');
  });

  it('answers "could not check" for 404, 500, a rate limit, a tag that is no version and a refused connection', async () => {
    const missing = await check('nothing-here');
    expect(missing).toMatchObject({ status: 'unknown' });
    expect(missing.message).toMatch(
      /^could not check for updates: titan-assistant\/nothing-here has no published release/,
    );
    expect((await check('broken')).message).toBe('could not check for updates: the releases API answered HTTP 500');
    expect((await check('limited')).message).toMatch(/rate limit is used up; try again after 2030-03-17T/);
    expect((await check('badtag')).message).toMatch(/tag "nightly" is not a version/);
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const offline = await check('newer', '0.1.0', { api_url: `http://127.0.0.1:${port}` });
    expect(offline).toMatchObject({ status: 'unknown', current: '0.1.0' });
    expect(offline.message).toMatch(/^could not check for updates: 127\.0\.0\.1:\d+ is not reachable \(ECONNREFUSED\)/);
  });

  it('reuses an answer within the TTL — across restarts through the data dir file — and asks again after it or on refresh', async () => {
    const dir = dataDir();
    let now = Date.parse('2025-06-01T00:00:00Z');
    const opts = { settings: settings('cached'), version: '0.1.0', dataDir: dir, now: () => now };
    const count = () => api.hits.filter((h) => h.path.includes('/cached/')).length;
    const before = count();
    expect((await checkForUpdate(opts)).cached).toBe(false);
    now += 59 * 60_000;
    expect(await checkForUpdate(opts)).toMatchObject({ status: 'available', cached: true });
    expect(count()).toBe(before + 1);
    // Another data dir has no cache: it asks.
    await checkForUpdate({ ...opts, dataDir: dataDir() });
    expect(count()).toBe(before + 2);
    now += 2 * 60_000;
    expect((await checkForUpdate(opts)).cached).toBe(false);
    expect(count()).toBe(before + 3);
    expect((await checkForUpdate({ ...opts, refresh: true })).cached).toBe(false);
    expect(count()).toBe(before + 4);
  });

  it('makes no request at all when checks are off', async () => {
    const before = api.hits.length;
    expect(await check('newer', '0.1.0', { check: false })).toMatchObject({ status: 'disabled', current: '0.1.0' });
    expect(api.hits.length).toBe(before);
  });
});

describe('GET /api/update/check', () => {
  let d: TestDaemon;
  let token: string;
  beforeAll(async () => {
    d = await startDaemon({ update: settings('newer') });
    token = await d.login();
  });
  afterAll(() => d.stop());

  it('needs a token, answers the check, caches it, and refreshes on request', async () => {
    expect((await d.request('/api/update/check')).status).toBe(401);
    const count = () => api.hits.filter((h) => h.path.includes('/newer/')).length;
    const before = count();
    const first = await d.request('/api/update/check', { token });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'available', latest: '0.2.0', cached: false });
    expect(await (await d.request('/api/update/check', { token })).json()).toMatchObject({ cached: true });
    expect(count()).toBe(before + 1);
    await d.request('/api/update/check?refresh=true', { token });
    expect(count()).toBe(before + 2);
    expect((await d.request('/api/update/check?refresh=maybe', { token })).status).toBe(400);
  });

  it('answers 200 "unknown" when the API is down, and "disabled" without a request when turned off', async () => {
    const current = (await (await d.request('/api/settings', { token })).json()) as Record<string, unknown>;
    const put = (update: Record<string, unknown>) =>
      d.request('/api/settings', { method: 'PUT', token, json: { ...current, update } });
    expect((await put(settings('broken'))).status).toBe(200);
    const down = await d.request('/api/update/check', { token });
    expect(down.status).toBe(200);
    expect(await down.json()).toMatchObject({
      status: 'unknown',
      message: 'could not check for updates: the releases API answered HTTP 500',
    });
    expect((await put(settings('newer', { check: false }))).status).toBe(200);
    const before = api.hits.length;
    expect(await (await d.request('/api/update/check?refresh=true', { token })).json()).toMatchObject({
      status: 'disabled',
    });
    expect(api.hits.length).toBe(before);
  });
});
