// What bench/largeHistory.bench.ts measures on a running daemon (its own process): start-up to a healthy
// /api/health, request latencies one at a time over keep-alive, and the chat UI's first render of a conversation in
// Chromium with the JS heap after it (the approach of bench/ui.bench.ts).
import { request } from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import { launchBrowser } from '../tests/helpers/browser.ts';
import { runTitan, type TitanProcess } from '../tests/helpers/titanProcess.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const NODE = [process.execPath, '--disable-warning=ExperimentalWarning', `${ROOT}daemon/main.ts`];
const PASSWORD = 'large-history-benchmark';

export interface Started {
  p: TitanProcess;
  url: string;
  /** Spawn to the first 200 from /api/health with status ok. */
  ms: number;
  stop(): Promise<void>;
}

export async function startTimed(env: NodeJS.ProcessEnv): Promise<Started> {
  const started = performance.now();
  const p = runTitan(NODE, env);
  const url = await p.url;
  for (;;) {
    const res = await fetch(`${url}/api/health`).catch(() => null);
    const body = res ? ((await res.json()) as { status: string }) : null;
    if (res?.status === 200 && body?.status === 'ok') break;
    if (performance.now() - started > 600_000) throw new Error(`not healthy after 10 minutes:\n${p.err()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  return {
    p,
    url,
    ms,
    async stop() {
      p.child.kill('SIGTERM');
      const code = await p.exited;
      if (code !== 0) throw new Error(`exited ${code} on SIGTERM:\n${p.err()}`);
    },
  };
}

/** The password set on first use, then a login: the token. */
export async function signIn(url: string): Promise<string> {
  const auth = (path: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
  let res = await auth('/api/auth/setup');
  if (res.status === 409) res = await auth('/api/auth/login');
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** GET with the token, the body parsed; throws on any status but 200. */
export function getter(base: string, token: string) {
  return (path: string) =>
    new Promise<unknown>((resolve, reject) => {
      const req = request(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${path}: ${res.statusCode} ${body}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
}

export interface Latency {
  n: number;
  p50: number;
  p95: number;
}

export function latency(ms: readonly number[]): Latency {
  const h = createHistogram();
  for (const x of ms) h.record(Math.max(1, Math.round(x * 1000)));
  return { n: ms.length, p50: h.percentile(50) / 1000, p95: h.percentile(95) / 1000 };
}

/** Each path once, one at a time, after `warmup` untimed ones. */
export async function timeEach(
  get: (path: string) => Promise<unknown>,
  paths: readonly string[],
  warmup = 10,
): Promise<Latency> {
  for (const p of paths.slice(0, warmup)) await get(p);
  const ms: number[] = [];
  for (const p of paths) {
    const t = performance.now();
    await get(p);
    ms.push(performance.now() - t);
  }
  return latency(ms);
}

/** The UI's paging: the newest page, then older ones through next_cursor; ms per page. */
export async function pageBack(
  get: (path: string) => Promise<unknown>,
  conversation: string,
  pages: number,
): Promise<Latency> {
  const ms: number[] = [];
  let before: string | null = null;
  for (let i = 0; i < pages; i++) {
    const t = performance.now();
    const page = (await get(
      `/api/chat/conversations/${conversation}/messages?limit=200${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    )) as { next_cursor: string | null };
    ms.push(performance.now() - t);
    before = page.next_cursor;
    if (!before) break;
  }
  return latency(ms);
}

export interface UiResult {
  /** ms, median and worst of the runs. */
  median: number;
  max: number;
  heapMb: number;
  errors: string[];
}

/** A fresh page load of the conversation until its last message is shown and painted; the JS heap after (GC'd). */
export async function uiFirstRender(url: string, token: string, id: string, lastId: string, runs = 5) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.evaluate((t) => localStorage.setItem('titan.token', t), token);
    const render = async (hash: string, selector: string) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        await page.goto('about:blank');
        const started = performance.now();
        await page.goto(`${url}/${hash}`);
        await page.waitForSelector(selector);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(runs / 2)] as number, max: times.at(-1) as number };
    };
    const shell = await render('#/chat', '[data-chat-empty]');
    const big = await render(`#/chat?c=${id}`, `[data-message="${lastId}"]`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 2 ** 20;
    return {
      shell: { ...shell, heapMb: 0, errors: [] } as UiResult,
      big: { ...big, heapMb: heap, errors } as UiResult,
    };
  } finally {
    await browser.close();
  }
}
