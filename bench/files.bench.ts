// Files: ingestion throughput of a real daemon (offline embedder) on the fixture set and on a generated 500-file tree,
// against extraction alone and sha256 over the same bytes; GET /api/files/search p50/p95 against GET /api/health on the
// same daemon; and the time from a file landing in Downloads to it ranking first in search (watcher → fs.v1 → ingest).
// Embedded engines (PGlite, embedded bus, SQL graph) and Postgres + Redis + Neo4j. Prints tables; asserts nothing.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Redis } from 'ioredis';
import { chunkDocument, contextualText, extractBytes } from '../daemon/files/extract/index.ts';
import { isIngestible, titleOf } from '../daemon/files/ingest.ts';
import { walkFiles } from '../daemon/files/walk.ts';
import { createNeo4j } from '../daemon/storage/neo4jClient.ts';
import { OfflineEmbedder } from '../memory/embedders/offline.ts';
import { FIXTURE_DIR } from '../tests/fixtures/files/fixtures.ts';
import { openTestDb } from '../tests/helpers/memoryDb.ts';
import { searchQueries, watcherFile, writeTree } from './filesCorpus.ts';
import { type FilesBenchDaemon, startFilesDaemon } from './filesDaemon.ts';
import { machine, services } from './lib.ts';

const WATCH_N = Number(process.env.FILES_BENCH_WATCH ?? 20);
const TREE_N = Number(process.env.FILES_BENCH_TREE ?? 500);

interface Corpus {
  name: string;
  /** Folder laid out like a user's home (Desktop/, Downloads/), copied into each daemon's home. */
  dir: string;
  rels: string[];
  bytes: number;
}
interface Row {
  corpus: string;
  pipeline: string;
  files: number;
  pages: number;
  chunks: number;
  bytes: number;
  seconds: number;
}
interface Job {
  id: string;
  state: string;
  total: number;
  started_at: string;
  finished_at: string | null;
  outcomes: Record<string, number>;
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};

// — the corpora, built once in a staging folder —

const staging = mkdtempSync(join(tmpdir(), 'titan-bench-files-'));
async function corpus(name: string, dir: string): Promise<Corpus> {
  const rels: string[] = [];
  let bytes = 0;
  for (const top of ['Desktop', 'Downloads']) {
    for await (const path of walkFiles(join(dir, top))) {
      if (!isIngestible(path)) continue;
      rels.push(path.slice(dir.length + 1));
      bytes += readFileSync(path).length;
    }
  }
  return { name, dir, rels: rels.sort(), bytes };
}
/** Contracts and invoices land in Downloads, the rest on the Desktop (as in tests/integration/filesApi.test.ts). */
const inDownloads = (name: string) => /договор|agreement|счёт|invoice|statement|report/i.test(name);
const fixtureDir = join(staging, 'fixtures');
for (const top of ['Desktop', 'Downloads']) mkdirSync(join(fixtureDir, top), { recursive: true });
for (const f of readdirSync(FIXTURE_DIR)) {
  cpSync(join(FIXTURE_DIR, f), join(fixtureDir, inDownloads(f) ? 'Downloads' : 'Desktop', f));
}
const treeDir = join(staging, 'tree');
writeTree(treeDir, TREE_N);
const fixtures = await corpus('fixture set', fixtureDir);
const tree = await corpus(`generated tree (${TREE_N})`, treeDir);

// — baselines: the same files without the daemon —

const embedder = new OfflineEmbedder({ dimensions: 384 });
async function baseline(c: Corpus, stage: 'sha256' | 'extract' | 'embed'): Promise<Row> {
  let pages = 0;
  let chunks = 0;
  const t = now();
  for (const rel of c.rels) {
    const data = readFileSync(join(c.dir, rel));
    createHash('sha256').update(data).digest('hex');
    if (stage === 'sha256') continue;
    try {
      const doc = await extractBytes(data, basename(rel));
      const parts = chunkDocument(doc.pages).filter((p) => p.text.trim() !== '');
      pages += doc.pages.length;
      chunks += parts.length;
      if (stage === 'embed' && parts.length) {
        await embedder.embed(parts.map((p) => contextualText(p, titleOf(rel))));
      }
    } catch {
      // Broken fixtures (a truncated PDF, a web page named .pdf) fail here as they fail in the daemon.
    }
  }
  const pipeline = {
    sha256: 'baseline: read + sha256',
    extract: 'baseline: read + sha256 + extract + chunk',
    embed: 'baseline: … + offline embed (no storage)',
  }[stage];
  const seconds = (now() - t) / 1000;
  const extracted = stage !== 'sha256';
  return {
    corpus: c.name,
    pipeline,
    files: c.rels.length,
    pages: extracted ? pages : Number.NaN,
    chunks: extracted ? chunks : Number.NaN,
    bytes: c.bytes,
    seconds,
  };
}

// Warm-up: loads pdf.js, mammoth and the HTML parser and lets the JIT settle before anything is timed.
for (let i = 0; i < 3; i++) await baseline(fixtures, 'embed');
const ingestRows: Row[] = [];
const STAGES = ['sha256', 'extract', 'embed'] as const;
for (const c of [fixtures, tree]) {
  // Five interleaved rounds, the median of each stage: one pass over 22 small files takes ~0.2 s, so noise shows.
  const runs = new Map<string, Row[]>(STAGES.map((s) => [s, []]));
  for (let i = 0; i < 5; i++) for (const stage of STAGES) runs.get(stage)?.push(await baseline(c, stage));
  for (const stage of STAGES) ingestRows.push(runs.get(stage)?.sort((a, b) => a.seconds - b.seconds)[2] as Row);
}

// — the daemon on one engine set —

interface Engines {
  name: string;
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}
interface Timing {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  note: string;
}
const searchRows: Timing[] = [];
const watchRows: Timing[] = [];
const queries = searchQueries(200);

async function rescan(d: FilesBenchDaemon): Promise<Job> {
  const { id } = await d.call<Job>('/api/files/rescan', 'POST');
  for (;;) {
    const job = await d.call<Job>(`/api/files/jobs/${id}`);
    if (job.state !== 'running') {
      if (job.state !== 'done') throw new Error(`rescan ${job.state}: ${JSON.stringify(job)}`);
      return job;
    }
    await sleep(20);
  }
}
const jobSeconds = (j: Job) => (Date.parse(j.finished_at ?? '') - Date.parse(j.started_at)) / 1000;

async function ingestRow(d: FilesBenchDaemon, c: Corpus, userHome: string, engines: string, pipeline: string) {
  const job = await rescan(d);
  const index = new Map((await d.titan.files.index.all()).map((r) => [r.path, r]));
  let pages = 0;
  let chunks = 0;
  for (const rel of c.rels) {
    const r = index.get(join(userHome, rel));
    if (!r) throw new Error(`${rel} is not in file_index after the rescan`);
    pages += r.pages ?? 0;
    chunks += r.chunks;
  }
  const o = Object.entries(job.outcomes)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  console.log(`  ${engines}, ${c.name}, ${pipeline}: ${job.total} files walked (${o}) in ${jobSeconds(job)} s`);
  ingestRows.push({
    corpus: c.name,
    pipeline: `${engines}: ${pipeline}`,
    files: c.rels.length,
    pages,
    chunks,
    bytes: c.bytes,
    seconds: jobSeconds(job),
  });
}

async function searchTimings(d: FilesBenchDaemon, engines: string) {
  const search = (q: string) =>
    d.call<{ results: { path: string }[] }>(`/api/files/search?q=${encodeURIComponent(q)}&k=10`);
  for (const q of queries.slice(0, 20)) await search(q);
  const floor: number[] = [];
  const health: number[] = [];
  const took: number[] = [];
  let empty = 0;
  for (const q of queries) {
    let t = now();
    await d.call('/api/auth/status');
    floor.push(now() - t);
    t = now();
    await d.call('/api/health');
    health.push(now() - t);
    t = now();
    if ((await search(q)).results.length === 0) empty++;
    took.push(now() - t);
  }
  const row = (name: string, xs: number[], note: string) => ({
    name: `${engines}: ${name}`,
    n: xs.length,
    p50: pct(xs, 50),
    p95: pct(xs, 95),
    max: Math.max(...xs),
    note,
  });
  searchRows.push(row('GET /api/auth/status (HTTP floor)', floor, 'no engine touched'));
  searchRows.push(row('GET /api/health (baseline)', health, 'pings each engine'));
  searchRows.push(row('GET /api/files/search k=10', took, `${queries.length - empty} of ${queries.length} with hits`));
}

async function watcherTimings(d: FilesBenchDaemon, userHome: string, engines: string) {
  const down = realpathSync(join(userHome, 'Downloads'));
  const took: number[] = [];
  let missed = 0;
  for (let i = 0; i < WATCH_N; i++) {
    const f = watcherFile(i);
    const path = join(down, f.name);
    const t = now();
    writeFileSync(path, f.text);
    for (;;) {
      const { results } = await d.call<{ results: { path: string }[] }>(`/api/files/search?q=${f.word}&k=3`);
      if (results[0]?.path === path) {
        took.push(now() - t);
        break;
      }
      if (now() - t > 30_000) {
        missed++;
        break;
      }
      await sleep(20);
    }
    await sleep(100);
  }
  watchRows.push({
    name: `${engines}: written → ranks first`,
    n: took.length,
    p50: pct(took, 50),
    p95: pct(took, 95),
    max: Math.max(...took),
    note: missed ? `${missed} not found within 30 s` : 'search polled every 20 ms',
  });
}

async function runEngines(e: Engines): Promise<void> {
  console.log(`\n${e.name} …`);
  const home = mkdtempSync(join(tmpdir(), 'titan-bench-files-home-'));
  const userHome = join(home, 'user');
  for (const top of ['Desktop', 'Downloads']) mkdirSync(join(userHome, top), { recursive: true });
  const settings = (watch: boolean) => ({ ...e.settings, folders: { allowed: [], trash_days: 30, watch } });
  try {
    // Watcher off while ingesting: the rescan alone reads the files, so its job times the whole ingestion.
    const d = await startFilesDaemon(home, userHome, settings(false));
    try {
      await d.idle();
      cpSync(fixtures.dir, userHome, { recursive: true });
      await ingestRow(d, fixtures, userHome, e.name, 'rescan');
      cpSync(tree.dir, userHome, { recursive: true });
      await ingestRow(d, tree, userHome, e.name, 'rescan');
      await ingestRow(d, tree, userHome, e.name, 'rescan again, nothing changed');
      await searchTimings(d, e.name);
    } finally {
      await d.stop();
    }
    // Restarted on the same data with the watcher on: the start-up rescan finds nothing new, then files land.
    const w = await startFilesDaemon(home, userHome, settings(true));
    try {
      await w.idle();
      await watcherTimings(w, userHome, e.name);
    } finally {
      await w.stop();
    }
  } catch (err) {
    // The data dir goes with the cleanup: show what the daemon logged first.
    const log = join(home, 'logs', 'titan.log');
    const errors = existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => /"level":(50|60)/.test(l))
      : [];
    console.error(errors.slice(-5).join('\n'));
    throw err;
  } finally {
    await e.cleanup(userHome);
    rmSync(home, { recursive: true, force: true });
  }
}

const svc = services() as ReturnType<typeof services> & {
  neo4j: { url: string; user: string; password: string };
};
const redisUrl = `${svc.redis.url}/6`;
await runEngines({ name: 'embedded', settings: {}, cleanup: async () => {} });
const db = await openTestDb('postgres', svc.postgres.url);
await db.sql.close();
const redis = new Redis(redisUrl, { lazyConnect: true });
await redis.connect();
await redis.flushdb(); // the bench's own database index: no stale `memory` group from an aborted run
await runEngines({
  name: 'Postgres+Redis+Neo4j',
  settings: {
    services: {
      postgres: { url: db.url },
      neo4j: { url: svc.neo4j.url, user: svc.neo4j.user, password: svc.neo4j.password },
      redis: { url: redisUrl },
    },
  },
  async cleanup(userHome) {
    const driver = createNeo4j(svc.neo4j);
    await driver.executeQuery(
      'MATCH (f:File) WHERE f.path STARTS WITH $home OPTIONAL MATCH (f)-[:CONTAINS]->(m:Memory) DETACH DELETE f, m',
      { home: userHome },
      { database: 'neo4j' },
    );
    await driver.close();
    await db.drop();
    await redis.flushdb();
    await redis.quit();
  },
});
rmSync(staging, { recursive: true, force: true });

// — tables —

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f1 = (x: number) => (Number.isNaN(x) ? '—' : x >= 100 ? n0(x) : x.toFixed(x >= 10 ? 1 : 2));
const ratio = (x: number) => x.toFixed(x < 0.1 ? 3 : 1);
const int = (x: number) => (Number.isNaN(x) ? '—' : n0(x));
const mb = (b: number) => b / 1e6;
console.log(`\nFiles benchmark — ${machine()}; offline embedder, 384 dims`);
console.log(
  '\n| corpus | pipeline | files | pages | MB | chunks | s | files/s | pages/s | MB/s | time vs extract + chunk |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of ingestRows) {
  const base = ingestRows.find((b) => b.corpus === r.corpus && b.pipeline.includes('extract + chunk')) as Row;
  console.log(
    `| ${r.corpus} | ${r.pipeline} | ${r.files} | ${int(r.pages)} | ${mb(r.bytes).toFixed(2)} | ${int(r.chunks)} | ${r.seconds.toFixed(r.seconds < 1 ? 3 : 2)} | ${f1(r.files / r.seconds)} | ${f1(r.pages / r.seconds)} | ${f1(mb(r.bytes) / r.seconds)} | ${ratio(r.seconds / base.seconds)}× |`,
  );
}
const timingTable = (title: string, rows: Timing[], ratio: boolean) => {
  console.log(`\n${title}\n| case | n | p50 ms | p95 ms | max ms |${ratio ? ' p95 vs health |' : ''} note |`);
  console.log(`|---|---:|---:|---:|---:|${ratio ? '---:|' : ''}---|`);
  for (const r of rows) {
    const engines = r.name.split(':')[0] as string;
    const base = rows.find((b) => b.name.startsWith(engines) && b.name.includes('health')) as Timing;
    console.log(
      `| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |${ratio ? ` ${(r.p95 / base.p95).toFixed(1)}× |` : ''} ${r.note} |`,
    );
  }
};
timingTable(`Search: ${queries.length} RU/EN queries, one at a time, interleaved with health`, searchRows, true);
timingTable(
  `Watcher: ${WATCH_N} files written into Downloads one at a time (debounce 300 ms + size stable 400 ms before the event)`,
  watchRows,
  false,
);
