// /docs in a real Chromium: the Swagger UI renders from local assets (no CDN) and lists the API's routes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

let daemon: TestDaemon;
let browser: Browser;

beforeAll(async () => {
  daemon = await startDaemon();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

it('renders the API routes at /docs using only the daemon itself', async () => {
  const page = await browser.newPage();
  const foreign: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(daemon.url) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${daemon.url}/docs`);
  await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 });
  const paths = await page.$$eval('.opblock-summary-path', (els) =>
    els.map((e) => e.getAttribute('data-path') ?? e.textContent),
  );
  expect(paths).toEqual(
    expect.arrayContaining(['/api/health', '/api/auth/setup', '/api/auth/login', '/api/settings', '/api/logs']),
  );
  expect(await page.textContent('.title')).toContain('Titan');
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);

  const dir = join(import.meta.dirname, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'docs.png'), fullPage: false });
  await page.close();
});
