// The Chat screen in Chromium against a real daemon and the scripted model: login, a streamed Markdown answer
// (sanitised, highlighted, copyable), stop, edit and resend, a PDF dropped on the chat and asked about (live context),
// a write approved and one denied, and a 100,000-message conversation opened, searched, scrolled to its first message
// and back with the DOM staying small.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { FIXTURES, fixturePath } from '../fixtures/files/fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { type SeededConversation, seedConversation } from '../helpers/chatSeed.ts';
import { startDaemon, TEST_PASSWORD, type TestDaemon } from '../helpers/daemon.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const HUGE = 100_000;
let model: FakeModelServer;
let daemon: TestDaemon;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const foreign: string[] = [];

beforeAll(async () => {
  model = await start({ structured: () => ({ text: 'not json' }) });
  daemon = await startDaemon({
    model: {
      provider: 'openai-compatible',
      base_url: model.url,
      api_key: 'test-key',
      model: 'fake-chat',
      temperature: 0.3,
      max_tokens: 512,
    },
    folders: { allowed: [], trash_days: 30, watch: false },
  });
  await daemon.login();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.url });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => {
    if (!req.url().startsWith(daemon.url) && !/^(data|blob):/.test(req.url())) foreign.push(req.url());
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await model?.stop();
});

const rendered = () => page.$$eval('[data-vkey]', (els) => els.length);
const last = (role: string, inner?: string) => {
  const row = page.locator(`[data-message][data-role="${role}"]`).last();
  return inner ? row.locator(inner) : row;
};
const openId = () =>
  page.evaluate(() => document.querySelector('[data-conversation-view]')?.getAttribute('data-conversation-view'));
async function newConversation(): Promise<void> {
  const before = await openId();
  await page.click('[data-new-conversation]');
  await page.waitForFunction((b) => {
    const view = document.querySelector('[data-conversation-view][data-loaded="true"]');
    return view && view.getAttribute('data-conversation-view') !== b;
  }, before);
}
/** Whether the row is inside the message list's visible area (not just in the DOM). */
const inView = (selector: string) =>
  page.$eval(selector, (el) => {
    const list = (el.closest('[data-virtual-list]') as HTMLElement).getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.bottom > list.top && r.top < list.bottom;
  });
async function say(text: string): Promise<void> {
  await page.fill('textarea[name="message"]', text);
  await page.press('textarea[name="message"]', 'Enter');
}
const answered = () => page.waitForSelector('[data-send]', { state: 'visible' });

describe('chat UI', () => {
  it('logs in, streams a Markdown answer, sanitised and highlighted, with a copy button', async () => {
    await page.goto(daemon.url);
    await page.waitForSelector('[data-screen="login"]');
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-screen="chat"] [data-chat-empty]');
    await newConversation();
    const answer = [
      '## Plan',
      'Here is **the plan**:',
      '- read the file',
      '- answer',
      '<img src="x" onerror="window.__xss = 1"><script>window.__xss = 2</script>',
      '```ts',
      'const answer: number = 42;',
      '```',
    ].join('\n');
    model.script({ reply: { text: answer, chunkDelayMs: 25 } });
    await say('Make a plan');
    await page.waitForSelector('[data-streaming] [data-markdown]');
    await page.waitForSelector('[data-stop]');
    const partial = await page.textContent('[data-streaming] [data-markdown]');
    await answered();
    const md = last('assistant', '[data-markdown]');
    expect((await md.textContent())?.length).toBeGreaterThan(partial?.length ?? 0);
    expect(await md.locator('h2').textContent()).toBe('Plan');
    expect(await md.locator('strong').textContent()).toBe('the plan');
    expect(await md.locator('li').count()).toBe(2);
    expect(await md.locator('pre code.hljs.language-ts .hljs-keyword').first().textContent()).toBe('const');
    expect(await md.locator('script, [onerror]').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await md.locator('[data-copy]').click();
    await page.waitForFunction(() => document.querySelector('[data-copy]')?.textContent === 'Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('const answer: number = 42;');
    expect(await last('user').textContent()).toContain('Make a plan');
    await page.screenshot({ path: join(SHOTS, 'chat.png') });
  });

  it('stops an answer mid-stream and keeps what was written', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    model.script({ reply: { text: long, chunkDelayMs: 40 } });
    await say('Tell me a long story');
    await page.waitForFunction(() => (document.querySelector('[data-streaming]')?.textContent ?? '').includes('word3'));
    await page.click('[data-stop]');
    await last('assistant', '[data-status="partial"]').waitFor();
    const kept = (await last('assistant', '[data-markdown]').textContent()) ?? '';
    expect(kept.startsWith('word0 word1')).toBe(true);
    expect(kept.length).toBeLessThan(long.length);
  });

  it('edits the last message and sends it again', async () => {
    model.script({ reply: { text: 'About cats.' } }, { reply: { text: 'About dogs.' } });
    await say('Tell me about cats');
    await answered();
    await last('assistant', 'text=About cats.').waitFor();
    await last('user', '[data-edit]').click();
    expect(await page.inputValue('textarea[name="message"]')).toBe('Tell me about cats');
    await page.fill('textarea[name="message"]', 'Tell me about dogs');
    await page.click('[data-send]');
    await answered();
    await last('assistant', 'text=About dogs.').waitFor();
    expect(await last('user').textContent()).toContain('Tell me about dogs');
  });

  it('takes a PDF dropped onto the chat, then answers about it with the file in the live context', async () => {
    await newConversation();
    const bytes = readFileSync(fixturePath('contractRu')).toString('base64');
    const drop = await page.evaluateHandle(
      ({ b64, name }) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], name, { type: 'application/pdf' }));
        return dt;
      },
      { b64: bytes, name: FIXTURES.contractRu },
    );
    await page.dispatchEvent('[data-dropzone]', 'dragover', { dataTransfer: drop });
    await page.dispatchEvent('[data-dropzone]', 'drop', { dataTransfer: drop });
    await page.waitForSelector(`[data-upload="${FIXTURES.contractRu}"]`);
    await page.waitForSelector('[data-upload-state="ready"]', { timeout: 30_000 });
    const path = join(daemon.userHome, 'Downloads', 'Titan', FIXTURES.contractRu);
    expect(existsSync(path)).toBe(true);
    model.script(
      { reply: { toolCalls: [{ name: 'search_files', arguments: { query: 'договор PDF' } }] } },
      { reply: { text: `Вот договор: \`${path}\`` } },
    );
    await say('покажи договор PDF');
    // Retrieval over the new file's chunks runs before the model is asked: on a loaded machine it takes seconds.
    await page.waitForSelector('[data-streaming] [data-tool-call="search_files"]', { timeout: 30_000 });
    await answered();
    expect(await page.locator('[data-uploads]').count()).toBe(0);
    expect(await last('user').textContent()).toContain(FIXTURES.contractRu);
    expect(await last('assistant', '[data-markdown]').textContent()).toContain(path);
    expect(await page.locator('[data-message][data-role="tool"]').count()).toBe(1);
    const link = page.locator('[data-context-panel] [data-context-item="file"] [data-context-link]').first();
    expect(await link.textContent()).toContain(path);
    expect(await link.getAttribute('href')).toContain(encodeURIComponent(path));
    expect(await page.locator('[data-context-panel] [data-score]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'chat-attachment-context.png') });
  });

  it('writes a file only after Approve, and not after Deny', async () => {
    const desk = join(daemon.userHome, 'Desktop');
    const ask = async (file: string, decision: 'approve' | 'deny') => {
      model.script(
        { reply: { toolCalls: [{ name: 'write_file', arguments: { path: `Desktop/${file}`, content: 'milk' } }] } },
        { reply: { text: decision === 'approve' ? 'Saved.' : 'I did not save it.' } },
      );
      await say(`Save my list as ${file}`);
      await page
        .waitForSelector('[data-tool-call="write_file"][data-state="waiting"] [data-approve]')
        .catch(async (err) => {
          await page.screenshot({ path: join(SHOTS, 'chat-approval-failed.png') });
          throw err;
        });
      expect(existsSync(join(desk, file))).toBe(false);
      if (decision === 'approve') await page.screenshot({ path: join(SHOTS, 'chat-approval.png') });
      await page.click(`[data-tool-call="write_file"] [data-${decision}]`);
      await answered();
    };
    await newConversation();
    await ask('list.txt', 'approve');
    expect(readFileSync(join(desk, 'list.txt'), 'utf8')).toBe('milk');
    await ask('denied.txt', 'deny');
    expect(existsSync(join(desk, 'denied.txt'))).toBe(false);
    expect((await last('assistant', '[data-markdown]').textContent())?.trim()).toBe('I did not save it.');
  });

  it('fits a phone, in Russian and the dark theme', async () => {
    const id = await openId();
    await page.click('[data-lang-toggle]');
    await page.click('nav button[title]');
    await page.setViewportSize({ width: 390, height: 800 });
    if (await page.isVisible('[data-context-panel]')) await page.click('[data-context-panel] button');
    expect(await page.textContent('[data-send]')).toBe('Отправить');
    expect(await page.isVisible('[data-chat-sidebar]')).toBe(false);
    expect(await page.textContent('[data-conversation-title]')).toContain('сообщений');
    await page.screenshot({ path: join(SHOTS, 'chat-narrow-dark-ru.png') });
    await page.click('[data-conversation-view] a[href="#/chat"]');
    await page.waitForSelector(`[data-chat-sidebar] [data-conversation="${id}"]`);
    await page.click(`[data-conversation="${id}"]`);
    await page.waitForSelector(`[data-conversation-view="${id}"][data-loaded="true"]`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('nav button[title]');
    await page.click('[data-lang-toggle]');
    expect(await page.textContent('[data-send]')).toBe('Send');
  });

  describe('a conversation of 100,000 messages', () => {
    let seeded: SeededConversation;
    beforeAll(async () => {
      seeded = await seedConversation(daemon.titan.engines.sql, { messages: HUGE, markerAt: 30_000 });
    }, 180_000);

    it('opens at its newest message with a bounded DOM', async () => {
      await page.goto(`${daemon.url}/#/chat?c=${seeded.id}`);
      const started = Date.now();
      await page.reload();
      await page.waitForSelector(`[data-message="${seeded.lastId}"]`);
      expect(Date.now() - started).toBeLessThan(5000);
      await page.waitForTimeout(300);
      expect(await inView(`[data-message="${seeded.lastId}"]`)).toBe(true);
      expect(await page.isVisible('[data-to-latest]')).toBe(false);
      expect(await rendered()).toBeLessThan(80);
      expect(await page.isVisible(`[data-conversation="${seeded.id}"]`)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'chat-100k.png') });
    });

    it('finds a message by search and jumps to it, the stretch in between loading on demand', async () => {
      await page.fill('input[name="chat-search"]', seeded.marker);
      await page.click(`[data-hit="${seeded.markerId}"]`);
      await page.waitForSelector(`[data-message="${seeded.markerId}"].bg-yellow-100`);
      await page.waitForTimeout(300);
      expect(await inView(`[data-message="${seeded.markerId}"]`)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'chat-search-jump.png') });
      expect(await page.textContent('[data-search-results] mark')).toBe(seeded.marker);
      await page.waitForSelector('[data-gap]', { state: 'attached' });
      const rows = Number(await page.getAttribute('[data-conversation-view]', 'data-row-count'));
      await page.click('[data-gap] button');
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-conversation-view]')?.getAttribute('data-row-count')) > n,
        rows,
      );
      expect(await rendered()).toBeLessThan(80);
      await page.fill('input[name="chat-search"]', '');
    });

    it('scrolls to the first message and back with the DOM staying small', async () => {
      await page.goto(`${daemon.url}/#/chat`);
      await page.goto(`${daemon.url}/#/chat?c=${seeded.id}`);
      await page.waitForSelector(`[data-message="${seeded.lastId}"]`);
      let most = 0;
      for (let i = 0; i < 2000; i++) {
        const state = await page.$eval('[data-virtual-list]', (el) => {
          el.scrollTop = 0;
          const view = document.querySelector('[data-conversation-view]') as HTMLElement;
          return { older: view.dataset.hasOlder, rows: Number(view.dataset.rowCount) };
        });
        most = Math.max(most, await rendered());
        if (state.older === 'false') break;
        await page.waitForFunction(
          (n) =>
            Number((document.querySelector('[data-conversation-view]') as HTMLElement).dataset.rowCount) > n ||
            (document.querySelector('[data-conversation-view]') as HTMLElement).dataset.hasOlder === 'false',
          state.rows,
        );
      }
      await page.$eval('[data-virtual-list]', (el) => {
        el.scrollTop = 0;
      });
      await page.waitForSelector(`[data-message="${seeded.firstId}"]`);
      expect(await inView(`[data-message="${seeded.firstId}"]`)).toBe(true);
      expect(await page.getAttribute('[data-conversation-view]', 'data-row-count')).toBe(String(HUGE));
      await page.$eval('[data-virtual-list]', (el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForSelector(`[data-message="${seeded.lastId}"]`);
      await page.waitForTimeout(300);
      expect(await inView(`[data-message="${seeded.lastId}"]`)).toBe(true);
      most = Math.max(most, await rendered());
      expect(most).toBeLessThan(80);
      expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(3000);
      const cdp = await page.context().newCDPSession(page);
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      expect(usedSize).toBeLessThan(300 * 2 ** 20);
    }, 600_000);
  });

  it('raised no page errors and fetched nothing from elsewhere', () => {
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
