// The web UI shell in Chromium: first run (password, model step, folders), navigation, RU/EN switch persisted,
// theme, PWA manifest and service worker, and no request leaving the daemon.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startDaemon, TEST_PASSWORD, type TestDaemon } from '../helpers/daemon.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let daemon: TestDaemon;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const foreign: string[] = [];

beforeAll(async () => {
  daemon = await startDaemon();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => {
    if (!req.url().startsWith(daemon.url) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
});
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

describe('web UI shell', () => {
  it('walks a new user through the password, the model and the folders', async () => {
    await page.goto(daemon.url);
    await page.waitForSelector('[data-screen="login"]');
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.fill('input[name="repeat"]', 'something else entirely');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    await page.fill('input[name="repeat"]', TEST_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('select[name="provider"]');
    await page.selectOption('select[name="provider"]', 'openai-compatible');
    await page.fill('input[name="base_url"]', 'http://127.0.0.1:11434/v1');
    await page.fill('input[name="model"]', 'llama3.1');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-roots] li');
    const roots = await page.$$eval('[data-roots] li code', (els) => els.map((e) => e.textContent));
    expect(roots).toEqual([join(daemon.userHome, 'Desktop'), join(daemon.userHome, 'Downloads')]);
    await page.screenshot({ path: join(SHOTS, 'first-run-folders.png') });
    await page.click('button.btn-primary');
    await page.waitForSelector('nav [data-nav="chat"]');
    const token = await page.evaluate(() => localStorage.getItem('titan.token'));
    const settings = await (await daemon.request('/api/settings', { token: token ?? '' })).json();
    expect(settings.model).toMatchObject({
      provider: 'openai-compatible',
      base_url: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
    });
  });

  it('navigates between screens and switches to Russian, remembered after a reload', async () => {
    for (const screen of ['files', 'memory', 'console', 'settings', 'chat']) {
      await page.click(`nav [data-nav="${screen}"]`);
      await page.waitForSelector(`[data-screen="${screen}"]`, { state: 'attached' });
      expect(page.url()).toContain(`#/${screen}`);
    }
    await page.click('[data-lang-toggle]');
    expect(await page.textContent('nav [data-nav="files"]')).toBe('Файлы');
    await page.reload();
    await page.waitForSelector('nav [data-nav="files"]');
    expect(await page.textContent('nav [data-nav="files"]')).toBe('Файлы');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    await page.click('[data-lang-toggle]');
    expect(await page.textContent('nav [data-nav="files"]')).toBe('Files');
  });

  it('is an installable PWA: manifest with icons, a service worker that never caches the API', async () => {
    const manifest = await (await fetch(`${daemon.url}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ name: 'Titan', display: 'standalone', start_url: '/' });
    for (const icon of manifest.icons as { src: string; type: string }[]) {
      const res = await fetch(`${daemon.url}${icon.src}`);
      expect(res.status, icon.src).toBe(200);
    }
    const registered = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active?.scriptURL ?? null;
    });
    expect(registered).toBe(`${daemon.url}/sw.js`);
    const page2 = await browser.newPage();
    const res = await page2.goto(daemon.url);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page2.close();
  });

  it('works at a phone width and in the dark theme, with no errors and nothing fetched from elsewhere', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.click('nav button[title]');
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'shell-narrow-dark.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
