// The chat UI in Chromium with a 100,000-message conversation on the embedded engines: first render (against the app
// shell alone and an empty conversation, measured in the same run), paging up to the first message through the API,
// scrolling top→bottom, the JS heap and DOM after; and the production bundle's size (gzip). Targets: first render
// < 1.5 s, heap < 300 MB. Size: UI_BENCH_MESSAGES (default 100,000). Needs web/dist (make web) and Chromium.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../tests/helpers/browser.ts';
import { seedConversation } from '../tests/helpers/chatSeed.ts';
import { startDaemon } from '../tests/helpers/daemon.ts';
import { machine } from './lib.ts';

const TOTAL = Number(process.env.UI_BENCH_MESSAGES ?? 100_000);
const RUNS = 5;
const DIST = join(import.meta.dirname, '..', 'web', 'dist');
const MB = 2 ** 20;

// The bundle: what the first page load fetches (index.html, its entry script and styles) and everything built.
const gz = (path: string) => gzipSync(readFileSync(path)).length;
const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const entry = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
const assets = readdirSync(join(DIST, 'assets')).filter((f) => /\.(js|css)$/.test(f));
const initialGz = gz(join(DIST, 'index.html')) + entry.reduce((n, f) => n + gz(join(DIST, f)), 0);
const totalGz = assets.reduce((n, f) => n + gz(join(DIST, 'assets', f)), 0);
const chatGz = assets.filter((f) => f.startsWith('Chat-')).reduce((n, f) => n + gz(join(DIST, 'assets', f)), 0);

const daemon = await startDaemon({ folders: { allowed: [], trash_days: 30, watch: false } });
const token = await daemon.login();
process.stderr.write(`seeding ${TOTAL} messages…\n`);
const huge = await seedConversation(daemon.titan.engines.sql, { messages: TOTAL });
const empty = (await (
  await daemon.request('/api/chat/conversations', { method: 'POST', token, json: { title: 'Empty' } })
).json()) as { id: string };

const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(120_000);
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(e.message));
await page.goto(daemon.url);
await page.evaluate((t) => localStorage.setItem('titan.token', t), token);
const cdp = await page.context().newCDPSession(page);
const heapMb = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / MB;
};
/** Waits for `n` animation frames in the page (what was changed has been painted). */
const frames = (p: Page, n = 2) =>
  p.evaluate(async (k) => {
    for (let i = 0; i < k; i++) await new Promise((r) => requestAnimationFrame(r));
  }, n);

/** A fresh page load of `hash` until `selector` is shown and painted; ms, median and worst of RUNS. */
async function firstRender(hash: string, selector: string): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto('about:blank');
    const started = performance.now();
    await page.goto(`${daemon.url}/${hash}`);
    await page.waitForSelector(selector);
    await frames(page, 1);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)] as number, max: times.at(-1) as number };
}

const shell = await firstRender('#/chat', '[data-chat-empty]');
const none = await firstRender(`#/chat?c=${empty.id}`, '[data-conversation-view][data-loaded="true"]');
const big = await firstRender(`#/chat?c=${huge.id}`, `[data-message="${huge.lastId}"]`);
const heapOpen = await heapMb();

// Up to the first message: the list asks for older pages (200 each) whenever its top is in view.
const rowCount = () => page.$eval('[data-conversation-view]', (v) => Number((v as HTMLElement).dataset.rowCount));
let started = performance.now();
let mostRows = 0;
for (;;) {
  const state = await page.$eval('[data-virtual-list]', (el) => {
    el.scrollTop = 0;
    const v = document.querySelector('[data-conversation-view]') as HTMLElement;
    return { older: v.dataset.hasOlder === 'true', rows: Number(v.dataset.rowCount) };
  });
  mostRows = Math.max(mostRows, await page.$$eval('[data-vkey]', (els) => els.length));
  if (!state.older) break;
  await page.waitForFunction((n) => {
    const v = document.querySelector('[data-conversation-view]') as HTMLElement;
    return Number(v.dataset.rowCount) > n || v.dataset.hasOlder === 'false';
  }, state.rows);
}
await page.waitForSelector(`[data-message="${huge.firstId}"]`);
const toTop = performance.now() - started;
const loaded = await rowCount();

// Top → bottom with everything loaded: 100 steps, each painted; then one jump from the top to the end.
const steps = await page.$eval('[data-virtual-list]', async (el) => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  el.scrollTop = 0;
  await frame();
  const t0 = performance.now();
  let worst = 0;
  for (let i = 1; i <= 100; i++) {
    const t = performance.now();
    el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / 100);
    await frame();
    worst = Math.max(worst, performance.now() - t);
  }
  return { total: performance.now() - t0, worst };
});
await page.$eval('[data-virtual-list]', (el) => {
  el.scrollTop = 0;
});
await frames(page);
started = performance.now();
await page.$eval('[data-virtual-list]', (el) => {
  el.scrollTop = el.scrollHeight;
});
await page.waitForSelector(`[data-message="${huge.lastId}"]`);
await frames(page);
const jump = performance.now() - started;
mostRows = Math.max(mostRows, await page.$$eval('[data-vkey]', (els) => els.length));
const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
const heapAll = await heapMb();

await browser.close();
await daemon.stop();

const ms = (x: number) => `${x.toFixed(0)} ms`;
const kb = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;
console.log(`\nChat UI, ${TOTAL.toLocaleString('en')} messages (embedded engines: PGlite) — ${machine()}`);
console.log('| measure | value | vs baseline | target |');
console.log('|---|---:|---:|---|');
const row = (name: string, value: string, vs = '', target = '') =>
  console.log(`| ${name} | ${value} | ${vs} | ${target} |`);
row('first render: app shell, no conversation (baseline)', ms(shell.median), '1.00×');
row('first render: empty conversation', ms(none.median), ratio(none.median, shell.median));
row(
  `first render: ${TOTAL} messages (median; worst ${ms(big.max)})`,
  ms(big.median),
  ratio(big.median, shell.median),
  big.max < 1500 ? '< 1.5 s ✓' : '< 1.5 s ✗',
);
row(
  'JS heap after first render (after GC)',
  `${heapOpen.toFixed(1)} MB`,
  '',
  heapOpen < 300 ? '< 300 MB ✓' : '< 300 MB ✗',
);
row(
  `page up to the first message (${loaded} rows, 200 per request)`,
  ms(toTop),
  `${((toTop / loaded) * 1000).toFixed(1)} µs/msg`,
);
row('scroll top→bottom, 100 painted steps', ms(steps.total), `worst step ${ms(steps.worst)}`);
row('jump top→bottom (one scroll, painted)', ms(jump));
row(
  'JS heap with every message loaded (after GC)',
  `${heapAll.toFixed(1)} MB`,
  '',
  heapAll < 300 ? '< 300 MB ✓' : '< 300 MB ✗',
);
row('rows in the DOM at most / DOM elements at the end', `${mostRows} / ${domNodes}`);
row('bundle: first load (index.html + entry JS + CSS), gzip', kb(initialGz), '1.00×');
row('bundle: chat screen chunk(s), gzip', kb(chatGz), ratio(chatGz, initialGz));
row(`bundle: all ${assets.length} JS/CSS assets, gzip`, kb(totalGz), ratio(totalGz, initialGz));
if (errors.length) console.log(`\npage errors: ${errors.join('; ')}`);
