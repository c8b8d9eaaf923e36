// The Settings screen's extra panels in Chromium against a real daemon: "Check for update" against a local releases
// server (an update available with its link, up to date, and a server that is gone: could not check), and Run Local on
// a machine without Docker (the embedded engines in use, what Docker would add, the buttons off), in English and
// Russian.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signedInPage } from '../helpers/browser.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const I18N = join(import.meta.dirname, '..', '..', 'web', 'src', 'i18n');
const REPO = 'titan-assistant/titan';
let daemon: TestDaemon;
let browser: Browser;
let page: Page;
let releases: Server;
let releasesUrl: string;
let token: string;
/** What the releases server answers as the latest release's tag. */
let latestTag = 'v99.1.0';
const asked: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  releases = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url !== `/repos/${REPO}/releases/latest`) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        tag_name: latestTag,
        html_url: `https://example.org/releases/${latestTag}`,
        published_at: '2026-11-01T10:00:00Z',
        body: 'Faster search.',
        prerelease: false,
        draft: false,
      }),
    );
  });
  await new Promise<void>((resolve) => releases.listen(0, '127.0.0.1', resolve));
  releasesUrl = `http://127.0.0.1:${(releases.address() as AddressInfo).port}`;
  daemon = await startDaemon({
    model: { provider: 'none' },
    update: { check: true, auto: false, repository: REPO, api_url: releasesUrl, cache_ttl_min: 0 },
  });
  token = await daemon.login();
  browser = await launchBrowser();
  page = await signedInPage(browser, `${daemon.url}/#/settings`, token, errors, '[data-update-button]');
  page.setDefaultTimeout(15_000);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await new Promise((r) => releases?.close(r));
});

const check = async (status: string) => {
  await page.click('[data-update-button]');
  await page.waitForSelector(`[data-update-check="${status}"] [data-update-status="${status}"]`);
};

describe('settings extras: update check and Run Local', () => {
  it('shows an available update with the running and latest version and a link to the release', async () => {
    await check('available');
    expect(asked).toContain(`/repos/${REPO}/releases/latest`);
    expect(await page.textContent('[data-update-latest]')).toBe('99.1.0');
    const current = (await page.textContent('[data-update-current]')) ?? '';
    expect(current).toMatch(/^\d+\.\d+\.\d+/);
    expect(await page.getAttribute('[data-update-link]', 'href')).toBe('https://example.org/releases/v99.1.0');
    expect(await page.textContent('[data-update-status]')).toContain('99.1.0');
    await page.$eval('[data-update-check]', (el) => el.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'settings-update.png') });
  });

  it('says it is up to date when the latest release is older', async () => {
    latestTag = 'v0.0.1';
    await check('current');
    expect(await page.textContent('[data-update-status]')).toContain('up to date');
  });

  it('says why it could not check when the releases server is gone', async () => {
    const gone = `http://127.0.0.1:${(releases.address() as AddressInfo).port}`;
    await new Promise((r) => releases.close(r));
    releases.closeAllConnections();
    expect(gone).toBe(releasesUrl);
    await check('unknown');
    expect(await page.textContent('[data-update-status]')).toContain('not reachable');
  });

  it('shows Run Local: without Docker the embedded engines in use and what Docker would add, the buttons off', async () => {
    // These machines have no Docker engine; where one answers, the panel shows its version and the buttons work.
    const local = (await (await daemon.request('/api/services/local', { token })).json()) as {
      docker: { available: boolean; version: string | null };
    };
    if (local.docker.available) {
      await page.waitForSelector('[data-run-local="docker"] [data-docker-version]');
      expect(await page.textContent('[data-docker-version]')).toContain(local.docker.version ?? '');
      return;
    }
    const panel = await page.waitForSelector('[data-run-local="no-docker"] [data-no-docker]');
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('embedded engines');
    expect(text).toContain('Neo4j');
    expect(await page.isDisabled('[data-run-local-up]')).toBe(true);
    expect(await page.isDisabled('[data-run-local-down]')).toBe(true);
    const res = await daemon.request('/api/services/local/up', { method: 'POST', json: {}, token });
    expect(res.status).toBe(409);
    await page.$eval('[data-run-local]', (el) => el.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'settings-runlocal.png') });
  });

  it('is in Russian with no English string of its own', async () => {
    const en = JSON.parse(readFileSync(join(I18N, 'en', 'system.json'), 'utf8')) as Record<string, string>;
    const english = Object.values(en)
      .map(
        (s) =>
          s
            .split(/\{\w+\}/)
            .sort((a, b) => b.length - a.length)[0]
            ?.trim() ?? '',
      )
      .filter((s) => s.length >= 4);
    await page.evaluate(() => localStorage.setItem('titan.lang', 'ru'));
    await page.reload();
    await check('unknown');
    const text = (await page.textContent('[data-update-check]')) ?? '';
    expect(text).toContain('Не удалось проверить обновления');
    // The reason after the colon is the daemon's own sentence; the panel's words are all Russian.
    const panel = text.split('Не удалось проверить обновления')[0] ?? '';
    expect(english.filter((s) => panel.includes(s))).toEqual([]);
    await page.waitForSelector('[data-run-local]:not([data-run-local="loading"])');
    // Run Local's text but the daemon's reason (after "Причина:").
    const local = await page.$eval('[data-run-local]', (el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const p of copy.querySelectorAll('p')) if (p.textContent?.startsWith('Причина:')) p.remove();
      return copy.textContent ?? '';
    });
    expect(local).toMatch(/встроенные движки|Docker .* работает/);
    expect(english.filter((s) => local.includes(s))).toEqual([]);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.$eval('[data-settings-extras]', (el) => el.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'settings-extras-ru-narrow.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => localStorage.setItem('titan.lang', 'en'));
    expect(errors).toEqual([]);
  });
});
