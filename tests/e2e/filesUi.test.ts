// The Files screen in Chromium against a real daemon: browse the allowed folders, upload with a progress bar (the
// network throttled so progress is visible), the upload indexed, download, delete to the trash and restore, reindex.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signedInPage } from '../helpers/browser.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let daemon: TestDaemon;
let browser: Browser;
let page: Page;
let token: string;
let desk: string;
const errors: string[] = [];

const api = async <T>(path: string, init: RequestInit & { json?: unknown } = {}) =>
  (await (await daemon.request(path, { ...init, token })).json()) as T;
const row = (name: string) => `[data-entry="${name}"]`;

beforeAll(async () => {
  daemon = await startDaemon();
  token = await daemon.login();
  desk = join(daemon.userHome, 'Desktop');
  writeFileSync(join(desk, 'notes.txt'), 'Shopping list: oat milk, rye bread, green apples for the weekend.');
  writeFileSync(join(desk, 'plan.md'), '# Plan\n\nFinish the quarterly report and send it to Northwind by Friday.');
  mkdirSync(join(desk, 'Projects'));
  writeFileSync(join(desk, 'Projects', 'readme.txt'), 'The projects folder holds drafts of the garden design.');
  browser = await launchBrowser();
  page = await signedInPage(browser, daemon.url, token, errors, 'nav [data-nav="files"]');
});
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

describe('Files screen', () => {
  it('lists the allowed folders and browses into them and back', async () => {
    await page.goto(`${daemon.url}/#/files`);
    await page.waitForSelector('[data-roots] [data-root]');
    const roots = await page.$$eval('[data-root]', (els) => els.map((e) => e.getAttribute('data-root')));
    expect(roots).toEqual([desk, join(daemon.userHome, 'Downloads')]);
    await page.click(`[data-root="${desk}"]`);
    await page.waitForSelector(row('notes.txt'));
    const names = await page.$$eval('[data-entry]', (els) => els.map((e) => e.getAttribute('data-entry')));
    expect(names[0]).toBe('Projects'); // folders first
    expect(names).toEqual(expect.arrayContaining(['notes.txt', 'plan.md']));
    await page.click(`${row('Projects')} [data-open]`);
    await page.waitForSelector(row('readme.txt'));
    expect(page.url()).toContain(encodeURIComponent(join(desk, 'Projects')));
    expect(await page.$$eval('[data-crumb]', (els) => els.map((e) => e.textContent))).toEqual([
      'All folders',
      desk,
      'Projects',
    ]);
    await page.click('[data-up]');
    await page.waitForSelector(row('notes.txt'));
    // The start-up scan indexes the text files: each shows its status in the listing.
    await page.waitForSelector(`${row('notes.txt')} [data-ingest="indexed"]`, { timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'files.png') });
  });

  it('uploads with a progress bar, and the upload appears with its index status', async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 512 * 1024, // 512 KB/s: a 1 MB upload takes about two seconds
    });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenProgress: string[] }).seenProgress = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-upload-progress]'))
          seen.push(el.getAttribute('data-upload-progress') ?? '');
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const line = 'Meeting notes: the garden design review moves to Thursday afternoon.\n';
    const body = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
    await page.setInputFiles('[data-upload-input]', { name: 'meeting.txt', mimeType: 'text/plain', buffer: body });
    await page.waitForSelector('[data-upload-item="meeting.txt"][data-state="sending"]');
    await page.waitForFunction(() => {
      const p = Number(document.querySelector('[data-upload-progress]')?.getAttribute('data-upload-progress'));
      return p > 0.2 && p < 1;
    });
    await page.screenshot({ path: join(SHOTS, 'files-upload.png') });
    await page.waitForSelector('[data-upload-item="meeting.txt"][data-state="done"]', { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
    const seen = await page.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress);
    expect(seen.map(Number).some((p) => p > 0 && p < 1)).toBe(true);
    expect(readFileSync(join(desk, 'meeting.txt')).equals(body)).toBe(true);
    await page.waitForSelector(`${row('meeting.txt')} [data-ingest="indexed"]`, { timeout: 60_000 });
  });

  it('downloads a file with its name and bytes', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`${row('plan.md')} [data-download]`),
    ]);
    expect(download.suggestedFilename()).toBe('plan.md');
    const saved = await download.path();
    expect(readFileSync(saved, 'utf8')).toBe(readFileSync(join(desk, 'plan.md'), 'utf8'));
  });

  it('deletes a file to the trash and restores it from there', async () => {
    await page.click(`${row('notes.txt')} [data-delete]`);
    await page.waitForSelector(row('notes.txt'), { state: 'detached' });
    await page.waitForSelector('[data-notice]');
    expect(existsSync(join(desk, 'notes.txt'))).toBe(false);
    await page.click('[data-trash-toggle]');
    await page.waitForSelector('[data-trash-item="notes.txt"]');
    await page.screenshot({ path: join(SHOTS, 'files-trash.png') });
    await page.click('[data-trash-item="notes.txt"] [data-restore]');
    await page.waitForSelector(row('notes.txt'));
    await page.waitForSelector('[data-trash-item="notes.txt"]', { state: 'detached' });
    expect(readFileSync(join(desk, 'notes.txt'), 'utf8')).toContain('oat milk');
    // Undo right after a delete puts it back too.
    await page.click(`${row('plan.md')} [data-delete]`);
    await page.waitForSelector(row('plan.md'), { state: 'detached' });
    await page.click('[data-undo]');
    await page.waitForSelector(row('plan.md'));
    expect(existsSync(join(desk, 'plan.md'))).toBe(true);
    await page.click('[data-trash-toggle]');
  });

  it('reindexes one file and the whole folder', async () => {
    const before = (await api<{ jobs: { id: string }[] }>('/api/files/jobs')).jobs.length;
    await page.click(`${row('plan.md')} [data-reindex]`);
    await page.waitForSelector('[data-job="done"]', { timeout: 30_000 });
    let jobs = (await api<{ jobs: { kind: string; total: number; state: string }[] }>('/api/files/jobs')).jobs;
    expect(jobs.length).toBe(before + 1);
    expect(jobs[0]).toMatchObject({ kind: 'ingest', total: 1, state: 'done' });
    await page.click('[data-reindex-folder]');
    await page.waitForFunction(() => document.querySelector('[data-job]')?.textContent?.includes('3'), null, {
      timeout: 30_000,
    });
    await page.waitForSelector('[data-job="done"]', { timeout: 30_000 });
    jobs = (await api<{ jobs: { kind: string; total: number; state: string }[] }>('/api/files/jobs')).jobs;
    expect(jobs[0]).toMatchObject({ kind: 'ingest', total: 3, state: 'done' });
    expect(await page.$$eval('[data-entry][data-kind="file"] [data-ingest="indexed"]', (els) => els.length)).toBe(3);
  });

  it('speaks Russian, and nothing broke in the page', async () => {
    await page.click('[data-lang-toggle]');
    expect(await page.textContent('[data-screen="files"] h1')).toBe('Файлы');
    expect(await page.textContent(`${row('plan.md')} [data-download]`)).toBe('Скачать');
    await page.screenshot({ path: join(SHOTS, 'files-ru.png') });
    await page.click('[data-lang-toggle]');
    expect(errors).toEqual([]);
  });
});
