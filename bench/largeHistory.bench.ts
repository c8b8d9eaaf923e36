// Large histories: one data dir with 100,000 messages (an 80,000-message conversation and ordinary ones of 10–90) and
// many memories, the daemon as its own process on it. Measures start-up to a healthy /api/health against an empty
// data dir (baseline, same run), memory search (GET /api/memory/query), chat search as typed (GET /api/chat/search),
// opening the big conversation (its newest page of 200) and paging back, and the chat UI's first render of it in
// Chromium with the JS heap — on PGlite (data dir cached in bench/.cache/, bench/largeHistoryData.ts) and on the
// test Postgres (a fresh database, dropped after). PGlite builds its HNSW index at ~45 vectors/s, so its memories
// default to 20,000 (8 minutes); Postgres gets 100,000. Sizes: LARGE_MESSAGES, LARGE_LITE_MEMORIES, LARGE_PG_MEMORIES
// (0 skips Postgres). Needs web/dist (make web) and Chromium.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import { homeEnv, tempHome } from '../tests/helpers/titanProcess.ts';
import { searchWords, typedPrefixes } from './chatSearchData.ts';
import { bigConversation, fill, type LargeHistorySizes, largeHistory } from './largeHistoryData.ts';
import {
  getter,
  type Latency,
  pageBack,
  signIn,
  startTimed,
  timeEach,
  type UiResult,
  uiFirstRender,
} from './largeHistoryProbe.ts';
import { machine, services } from './lib.ts';
import { fixtureQueries, generateMemories, targetedQueries } from './memoryData.ts';

const MESSAGES = Number(process.env.LARGE_MESSAGES ?? 100_000);
const BIG = Math.round(MESSAGES * 0.8);
const LITE_MEMORIES = Number(process.env.LARGE_LITE_MEMORIES ?? 20_000);
const PG_MEMORIES = Number(process.env.LARGE_PG_MEMORIES ?? 100_000);
const STARTS = 3;

interface Measured {
  label: string;
  build: Record<string, number>;
  startEmpty: number[];
  startLarge: number[];
  status: Latency;
  memory: Latency;
  chat: Latency;
  open: Latency;
  older: Latency;
  ui: { shell: UiResult; big: UiResult };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** A temp home whose data dir holds `settings`; `seed` fills the data dir before the first start. */
function homeWith(settings: object, seed?: string): { home: string; env: NodeJS.ProcessEnv } {
  const home = tempHome('titan-large-');
  const env = homeEnv(home);
  const dir = env.TITAN_HOME as string;
  if (seed) cpSync(seed, dir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ ...settings, folders: { allowed: [], trash_days: 30, watch: false } }),
  );
  return { home, env };
}

async function starts(env: NodeJS.ProcessEnv, n: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = await startTimed(env);
    ms.push(d.ms);
    await d.stop();
  }
  return ms;
}

async function measure(
  label: string,
  settings: object,
  emptySettings: object,
  sizes: LargeHistorySizes,
  seed: string | undefined,
  big: { id: string; last: string },
  build: Record<string, number>,
): Promise<Measured> {
  process.stderr.write(`${label}: start-up…\n`);
  const empty = homeWith(emptySettings);
  await starts(empty.env, 1); // creates the database
  const startEmpty = await starts(empty.env, STARTS);
  const large = homeWith(settings, seed);
  const startLarge = await starts(large.env, STARTS);

  const d = await startTimed(large.env);
  try {
    const token = await signIn(d.url);
    const get = getter(d.url, token);
    process.stderr.write(`${label}: requests…\n`);
    const status = await timeEach(get, Array(300).fill('/api/auth/status'));
    const memories = generateMemories(sizes.memories);
    const questions = [...targetedQueries(memories, 200).map((t) => t.q), ...fixtureQueries()];
    const memory = await timeEach(
      get,
      questions.map((q) => `/api/memory/query?q=${encodeURIComponent(q)}&k=10`),
    );
    const prefixes = searchWords().flatMap((w) => typedPrefixes(w));
    const chat = await timeEach(
      get,
      prefixes.map((q) => `/api/chat/search?q=${encodeURIComponent(q)}&limit=20`),
    );
    const open = await timeEach(get, Array(50).fill(`/api/chat/conversations/${big.id}/messages?limit=200`), 5);
    const older = await pageBack(get, big.id, 100);
    process.stderr.write(`${label}: Chromium…\n`);
    const ui = await uiFirstRender(d.url, token, big.id, big.last);
    return { label, build, startEmpty, startLarge, status, memory, chat, open, older, ui };
  } finally {
    await d.stop();
    rmSync(empty.home, { recursive: true, force: true });
    rmSync(large.home, { recursive: true, force: true });
  }
}

const results: Measured[] = [];
{
  const sizes = { messages: MESSAGES, big: BIG, memories: LITE_MEMORIES };
  const t = performance.now();
  const lite = await largeHistory(sizes);
  const build = { ...lite.steps, total: (performance.now() - t) / 1000 };
  results.push(
    await measure(
      `PGlite: ${MESSAGES.toLocaleString('en')} messages, ${LITE_MEMORIES.toLocaleString('en')} memories`,
      {},
      {},
      sizes,
      lite.home,
      { id: lite.bigId, last: lite.bigLastId },
      build,
    ),
  );
}
if (PG_MEMORIES > 0) {
  // Fresh databases of their own on the test Postgres (as tests/helpers/memoryDb.ts does), dropped afterwards.
  const sizes = { messages: MESSAGES, big: BIG, memories: PG_MEMORIES };
  const admin = openPostgresSql(services().postgres.url, { max: 1 });
  const stamp = Date.now().toString(36);
  const names = [`titan_large_${stamp}`, `titan_large_empty_${stamp}`];
  const urlOf = (name: string) => {
    const u = new URL(services().postgres.url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  try {
    for (const n of names) await admin.exec(`CREATE DATABASE ${n}`);
    const sql = openPostgresSql(urlOf(names[0] as string), { max: 4 });
    const t = performance.now();
    const steps = await fill(sql, sizes);
    const big = await bigConversation(sql);
    await sql.close();
    results.push(
      await measure(
        `Postgres 17: ${MESSAGES.toLocaleString('en')} messages, ${PG_MEMORIES.toLocaleString('en')} memories`,
        { services: { postgres: { url: urlOf(names[0] as string) } } },
        { services: { postgres: { url: urlOf(names[1] as string) } } },
        sizes,
        undefined,
        big,
        { ...steps, total: (performance.now() - t) / 1000 },
      ),
    );
  } finally {
    for (const n of names) await admin.exec(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
    await admin.close();
  }
}

const f = (x: number, d = 1) => x.toFixed(d);
const lat = (l: Latency) => `${f(l.p50)} / ${f(l.p95)}`;
const ratio = (l: Latency, r: Measured) => `${f(l.p95 / r.status.p95, 0)}× status`;
console.log(
  `\nLarge histories — ${machine()}; load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; daemon = node daemon/main.ts, its own process; latencies one request at a time over keep-alive`,
);
console.log(`| measure | ${results.map((r) => r.label).join(' | ')} | target / reference |`);
console.log(`|---|${results.map(() => '---:|').join('')}---|`);
const row = (name: string, cell: (r: Measured) => string, target = '') =>
  console.log(`| ${name} | ${results.map(cell).join(' | ')} | ${target} |`);
row(
  'build the data (s): rows / GIN / HNSW / total',
  (r) => {
    const s = (k: string) => Object.entries(r.build).find(([n]) => n.includes(k))?.[1] ?? 0;
    const rows = s('one conversation') + s('ordinary') + s('memories +');
    return r.build.migrate === undefined
      ? `cached (${f(r.build.total ?? 0)})`
      : `${f(rows)} / ${f(s('GIN'))} / ${f(s('HNSW'))} / ${f(r.build.total ?? 0, 0)}`;
  },
  'not measured by the daemon; bulk SQL',
);
row('start-up to healthy /api/health, empty data dir (baseline), median ms', (r) => f(median(r.startEmpty), 0));
row(
  `start-up, large data dir: first / median of ${STARTS} ms`,
  (r) =>
    `${f(r.startLarge[0] as number, 0)} / ${f(median(r.startLarge), 0)} (${f(median(r.startLarge) / median(r.startEmpty), 2)}×)`,
);
row('GET /api/auth/status p50 / p95 ms (HTTP baseline)', (r) => lat(r.status));
row(
  'GET /api/memory/query (hybrid, k 10) p50 / p95 ms',
  (r) => `${lat(r.memory)} (${ratio(r.memory, r)}; n ${r.memory.n})`,
  'Postgres 100k: p95 < 30 ms (README Memory: 18.5–19.2 ms in-process); PGlite 20k: 19.6 ms in-process',
);
row(
  'GET /api/chat/search as typed p50 / p95 ms',
  (r) => `${lat(r.chat)} (n ${r.chat.n})`,
  'p95 < 50 ms (README Chat: Postgres 100k 26.5 ms through the API)',
);
row('open the big conversation: newest 200 messages p50 / p95 ms', (r) => lat(r.open));
row(`page back 200 at a time p50 / p95 ms`, (r) => `${lat(r.older)} (n ${r.older.n})`);
row('UI first render: app shell (baseline), median ms', (r) => f(r.ui.shell.median, 0));
row(
  `UI first render: the ${BIG.toLocaleString('en')}-message conversation, median (worst) ms`,
  (r) => `${f(r.ui.big.median, 0)} (${f(r.ui.big.max, 0)})`,
  '< 1.5 s',
);
row('JS heap after it (after GC), MB', (r) => f(r.ui.big.heapMb), '< 300 MB');
for (const r of results)
  if (r.ui.big.errors.length) console.log(`\n${r.label}: page errors: ${r.ui.big.errors.join('; ')}`);
