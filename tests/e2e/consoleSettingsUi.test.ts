// The Console and Settings screens in Chromium against a real daemon: the live log tail (a line appears as it is
// written; level filter and search), the audit trail (a failed sign-in and a file operation), the dead-letter queue
// (a dead-lettered event listed, requeued to its group, another discarded), and the generated settings form (a change
// saved, restart keys named, a bad value answered with the schema's message by its field and nothing saved, a secret
// shown masked and kept).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const SECRET = 'sk-e2e-secret-value-1234';
let daemon: TestDaemon;
let browser: Browser;
let page: Page;
let token: string;
const errors: string[] = [];

beforeAll(async () => {
  daemon = await startDaemon({
    model: { provider: 'none', api_key: SECRET },
    bus: { streams: [{ name: 'system.v1', maxlen: 1000, rate_limit: 1000, retry_limit: 1 }] },
  });
  token = await daemon.login();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(daemon.url);
  await page.evaluate((t) => {
    localStorage.setItem('titan.token', t);
    localStorage.setItem('titan.lang', 'en');
  }, token);
});
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

const open = async (hash: string) => {
  await page.goto(`${daemon.url}/${hash}`);
  await page.reload();
};
/** The live view's tail is (re)connected: its filters apply to what arrives next. */
const live = (stream: 'app' | 'audit') =>
  page.waitForSelector(`[data-log-view="${stream}"] [data-tail-state="live"]`, { timeout: 10_000 });
const lineWith = (stream: string, text: string) => `[data-log-list="${stream}"] [data-log-line]:has-text("${text}")`;
const shownLines = (stream: string) =>
  page.$$eval(`[data-log-list="${stream}"] [data-log-line]`, (els) =>
    els.map((e) => ({ level: e.getAttribute('data-level'), text: e.textContent ?? '' })),
  );

describe('console', () => {
  const m = `e2e${Date.now().toString(36)}`;

  it('shows a new log line live, and filters by level and by search', async () => {
    await open('#/console');
    await live('app');
    daemon.titan.logs.app.warn({ marker: m }, `live line ${m}`);
    await page.waitForSelector(lineWith('app', `live line ${m}`));

    await page.selectOption('[data-level-filter]', 'error');
    await live('app');
    daemon.titan.logs.app.info(`${m}-lvl quiet`);
    daemon.titan.logs.app.error(`${m}-lvl loud`);
    await page.waitForSelector(lineWith('app', `${m}-lvl loud`));
    const errorsOnly = await shownLines('app');
    expect(errorsOnly.every((l) => l.level === 'error' || l.level === 'fatal')).toBe(true);
    expect(errorsOnly.some((l) => l.text.includes(`${m}-lvl quiet`))).toBe(false);

    await page.selectOption('[data-level-filter]', '');
    await page.fill('[data-log-view="app"] [data-search]', `${m}-lvl`);
    await page.press('[data-log-view="app"] [data-search]', 'Enter');
    await live('app');
    await page.waitForSelector(lineWith('app', `${m}-lvl quiet`)); // from history, now that every level shows
    daemon.titan.logs.app.info(`unrelated ${m}`);
    daemon.titan.logs.app.info(`${m}-lvl fresh`);
    await page.waitForSelector(lineWith('app', `${m}-lvl fresh`));
    const found = await shownLines('app');
    expect(found.map((l) => l.text.match(/-lvl (\w+)/)?.[1]).sort()).toEqual(['fresh', 'loud', 'quiet']);
    await page.screenshot({ path: join(SHOTS, 'console.png') });
  });

  it('lists auth and file events in the audit trail as they happen', async () => {
    await page.click('[data-tab="audit"]');
    await live('audit');
    const bad = await daemon.request('/api/auth/login', { method: 'POST', json: { password: 'not the password' } });
    expect(bad.status).toBe(401);
    await page.waitForSelector('[data-log-list="audit"] [data-event="auth.login.failed"]');
    const listed = await daemon.request(`/api/files?path=${encodeURIComponent(join(daemon.userHome, 'Desktop'))}`, {
      token,
    });
    expect(listed.status).toBe(200);
    await page.waitForSelector('[data-log-list="audit"] [data-event="file.allowed"]');

    await page.click('[data-kind="files"]');
    await live('audit');
    await page.waitForSelector('[data-log-list="audit"] [data-event="file.allowed"]');
    const events = await page.$$eval('[data-log-list="audit"] [data-event]', (els) =>
      els.map((e) => e.getAttribute('data-event') ?? ''),
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.startsWith('file.'))).toBe(true);
  });

  it('lists a dead letter with its error, requeues it to its group and discards another', async () => {
    let fail = true;
    const handled: string[] = [];
    const sub = await daemon.titan.bus.subscribe('system.v1', 'e2e-dlq', (e) => {
      if (fail) throw new Error('the e2e consumer is down');
      handled.push(e.event_id);
    });
    const eventId = await daemon.titan.bus.publish('system.v1', 'e2e.ping', { n: 1 });
    await waitUntil(async () => (await daemon.titan.bus.dlqLength()) === 1, 'the dead letter');

    await page.click('[data-tab="dlq"]');
    await page.waitForSelector('[data-dead-letter] [data-dlq-error]:has-text("the e2e consumer is down")');
    expect(await page.textContent('[data-dead-letter]')).toContain('e2e-dlq');
    await page.screenshot({ path: join(SHOTS, 'console-dlq.png') });

    fail = false;
    await page.click('[data-dead-letter] [data-requeue]');
    await page.waitForSelector('[data-dlq-notice]');
    expect(await page.$$('[data-dead-letter]')).toHaveLength(0);
    await waitUntil(() => handled.includes(eventId), 'the requeued event handled by its group');

    fail = true;
    await daemon.titan.bus.publish('system.v1', 'e2e.ping', { n: 2 });
    await waitUntil(async () => (await daemon.titan.bus.dlqLength()) === 1, 'a second dead letter');
    await page.click('[data-dlq-refresh]');
    await page.waitForSelector('[data-dead-letter]');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-dead-letter] [data-discard]');
    await page.waitForSelector('[data-dead-letter]', { state: 'detached' });
    expect(await daemon.titan.bus.dlqLength()).toBe(0);
    await daemon.titan.bus.unsubscribe(sub);
  });
});

describe('settings', () => {
  const stored = () => daemon.titan.settings.get();

  it('builds a field for every key, saves a change and names the keys that need a restart', async () => {
    await open('#/settings');
    await page.waitForSelector('input[name="limits.upload_mb"]');
    for (const name of ['server.port', 'folders.watch', 'model.provider', 'log_level', 'bus.grpc.enabled']) {
      expect(await page.$(`[name="${name}"]`), name).not.toBeNull();
    }
    expect(await page.$$('[data-list="bus.streams"] [data-field^="bus.streams.0."]')).not.toHaveLength(0);
    expect(await page.$('[data-shape="services.redis"]')).not.toBeNull();

    const secret = await page.$('input[name="model.api_key"]');
    expect(await secret?.getAttribute('type')).toBe('password');
    expect(await secret?.inputValue()).toBe('********');

    await page.fill('input[name="limits.upload_mb"]', '300');
    await page.fill('input[name="telemetry.otlp_endpoint"]', 'http://127.0.0.1:4318/v1/traces');
    await page.click('[data-save]');
    await page.waitForSelector('[data-saved]');
    expect(await page.$('[data-restart="telemetry"]')).not.toBeNull();
    expect(stored().limits.upload_mb).toBe(300);
    expect(stored().telemetry.otlp_endpoint).toBe('http://127.0.0.1:4318/v1/traces');
    expect(stored().model.api_key).toBe(SECRET);
    expect(await page.inputValue('input[name="model.api_key"]')).toBe('********');

    // A nullable key: an empty box is null.
    await page.fill('input[name="telemetry.otlp_endpoint"]', '');
    await page.click('[data-save]');
    await page.waitForSelector('[data-saved]');
    await waitUntil(() => stored().telemetry.otlp_endpoint === null, 'the endpoint cleared');
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'settings.png') });
    await page.selectOption('[data-shape="services.redis"]', '1');
    await page.waitForSelector('[data-list="services.redis.sentinel.nodes"]');
    await page.$eval('[data-section="services"]', (e) => e.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'settings-services.png') });
    await page.click('[data-reset]');
    await page.waitForSelector('[data-list="services.redis.sentinel.nodes"]', { state: 'detached' });
  });

  it("shows the schema's message next to a bad field and saves nothing", async () => {
    const before = JSON.stringify(stored());
    await page.fill('input[name="limits.upload_mb"]', '0');
    const items = (await page.$$('[data-list="folders.allowed"] input')).length;
    await page.click('[data-add="folders.allowed"]');
    await page.click('[data-save]');
    const message = await page.waitForSelector('[data-field="limits.upload_mb"] [data-error="limits.upload_mb"]');
    expect(await message.textContent()).toContain('expected the upload size limit in MB: a whole number from 1 to');
    const listMessage = await page.textContent(`[data-error="folders.allowed.${items}"]`);
    expect(listMessage).toContain('expected a non-empty folder path');
    expect(await page.$('[data-invalid]')).not.toBeNull();
    expect(JSON.stringify(stored())).toBe(before);
    const res = await daemon.request('/api/settings', { token });
    expect(((await res.json()) as { limits: { upload_mb: number } }).limits.upload_mb).toBe(300);
    await page.screenshot({ path: join(SHOTS, 'settings-invalid.png') });

    // Editing the field clears its message; fixing both saves.
    await page.fill('input[name="limits.upload_mb"]', '250');
    expect(await page.$('[data-error="limits.upload_mb"]')).toBeNull();
    await page.click(`[data-remove="folders.allowed.${items}"]`);
    await page.click('[data-save]');
    await page.waitForSelector('[data-saved]');
    expect(stored().limits.upload_mb).toBe(250);
    expect(stored().model.api_key).toBe(SECRET);
  });

  it('is translated and has a dark theme, and nothing failed in the page', async () => {
    await page.click('nav button[title]');
    await page.screenshot({ path: join(SHOTS, 'settings-dark.png') });
    await page.click('nav button[title]');
    await page.click('[data-lang-toggle]');
    expect(await page.textContent('[data-section="limits"] h2')).toContain('Ограничения');
    await page.click('[data-lang-toggle]');
    expect(await page.textContent('[data-section="limits"] h2')).toContain('Limits');
    expect(errors).toEqual([]);
  });
});
