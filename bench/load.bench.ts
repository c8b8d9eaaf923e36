// Load: the daemon as its own process (node daemon/main.ts, so its RSS is its own) under a fixed mix at a constant
// arrival rate over keep-alive connections — the recent messages of an open conversation (cache hit), memory queries,
// folder listings and bus publishes — first a short ramp to find a rate the machine sustains, then that rate held
// for LOAD_SECONDS (default 60), and once more to see whether the RSS keeps growing. Baseline in the same run:
// GET /api/auth/status (public, no work) at the same rate. Prints achieved vs target rate, p50/p99 per operation
// (from each request's scheduled send time), errors by status, and the daemon's RSS at the start, half-way, the end,
// after the second hold and after an idle pause, with slopes (MB/min).
// Engines: LOAD_ENGINES=embedded,services (PGlite + embedded bus; Redis + Postgres + Neo4j from `make services`).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createNeo4j } from '../daemon/storage/neo4jClient.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import { start as startModel } from '../tests/fake-model/server.ts';
import { homeEnv, runTitan, tempHome } from '../tests/helpers/titanProcess.ts';
import { machine } from './lib.ts';
import { loadClient, type Operation, type PhaseResult, rssSampler, slopeMbPerMin } from './loadDriver.ts';
import { generateMemories } from './memoryData.ts';

const ROOT = join(import.meta.dirname, '..');
const HOLD_S = Number(process.env.LOAD_SECONDS ?? 60);
const RAMP = [25, 50, 100, 200, 400, 800, 1600];
const RAMP_S = 5;
const PAUSE_S = 20;
/** A ramp step passes when it completes ≥ 97 % of its target rate with no error and every p99 under this. */
const RAMP_P99_MS = 200;
/** The held rate: this share of the highest passing ramp step, as headroom for a shared machine. */
const HEADROOM = 0.8;
const REDIS_DB = 13;
const ENGINES = (process.env.LOAD_ENGINES ?? 'embedded,services').split(',');

interface Svc {
  redis: { url: string };
  postgres: { url: string };
  neo4j: { url: string; user: string; password: string };
}
const services = (): Svc =>
  JSON.parse(readFileSync(join(ROOT, 'tests', 'services', '.state', 'services.json'), 'utf8'));

interface EngineRun {
  engine: string;
  memories: number;
  ramp: PhaseResult[];
  baseline: PhaseResult;
  hold: PhaseResult;
  /** The same mix again right after the hold: a leak keeps growing here too, a heap settling in does not. */
  again: PhaseResult;
  rss: {
    start: number;
    half: number;
    end: number;
    again: number;
    paused: number;
    slopeHold: number;
    slopeLate: number;
    slopeAgain: number;
  };
  logErrors: string[];
}

async function runOn(engine: 'embedded' | 'services'): Promise<EngineRun> {
  const home = tempHome('titan-load-');
  const env = homeEnv(home);
  const titanHome = env.TITAN_HOME as string;
  mkdirSync(titanHome, { recursive: true });
  const model = await startModel({ structured: () => ({ text: 'not json' }) });
  let servicesSettings = {};
  let cleanup = async (_ids: string[]) => {};
  if (engine === 'services') {
    const svc = services();
    const admin = openPostgresSql(svc.postgres.url, { max: 1 });
    const dbName = `titan_load_bench_${Date.now().toString(36)}`;
    await admin.exec(`CREATE DATABASE ${dbName}`);
    const dbUrl = new URL(svc.postgres.url);
    dbUrl.pathname = `/${dbName}`;
    servicesSettings = {
      postgres: { url: dbUrl.toString() },
      redis: { url: `${svc.redis.url}/${REDIS_DB}` },
      neo4j: { url: svc.neo4j.url, user: svc.neo4j.user, password: svc.neo4j.password },
    };
    cleanup = async (ids) => {
      await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.close();
      // Only what this run wrote into the shared Neo4j: its memories and the files under its temp home.
      const driver = createNeo4j(svc.neo4j);
      await driver.executeQuery(
        'MATCH (n) WHERE (n:Memory AND n.id IN $ids) OR (n:File AND n.path STARTS WITH $home) DETACH DELETE n',
        { ids, home },
        { database: 'neo4j' },
      );
      await driver.close();
    };
  }
  writeFileSync(
    join(titanHome, 'settings.json'),
    JSON.stringify({
      services: servicesSettings,
      model: { provider: 'openai-compatible', base_url: model.url, api_key: 'bench', model: 'fake-chat' },
      folders: { allowed: [], trash_days: 30, watch: false },
    }),
  );
  // A Desktop of 200 small files to list.
  for (let i = 0; i < 200; i++) writeFileSync(join(home, 'Desktop', `note-${i}.txt`), `note ${i}\n`);

  const p = runTitan([process.execPath, '--disable-warning=ExperimentalWarning', join(ROOT, 'daemon', 'main.ts')], env);
  const base = await p.url;
  const setup = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'load-benchmark-password' }),
  });
  const { token } = (await setup.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  const json = { ...headers, 'content-type': 'application/json' };

  // An open conversation of 10 turns (the scripted model answers), so its recent messages are in the cache.
  const conv = (await (
    await fetch(`${base}/api/chat/conversations`, { method: 'POST', headers: json, body: '{}' })
  ).json()) as { id: string };
  for (let i = 0; i < 10; i++) {
    model.script({ reply: { text: `Answer ${i}: the meeting moved to Thursday at ${10 + (i % 8)}:00.` } });
    const res = await fetch(`${base}/api/chat/conversations/${conv.id}/messages`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: `Question ${i}: when is the meeting?` }),
    });
    await res.text();
  }
  // Memories through the API (PGlite inserts ~22/s, so a few hundred), and the questions aimed at them.
  const memories = generateMemories(engine === 'embedded' ? 300 : 2000);
  const ids: string[] = [];
  for (let i = 0; i < memories.length; i += 100) {
    const res = await fetch(`${base}/api/memory/embeddings`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        items: memories.slice(i, i + 100).map((m) => ({ text: m.text, kind: m.kind, importance: m.importance })),
      }),
    });
    if (res.status !== 201) throw new Error(`memory seed: ${res.status} ${await res.text()}`);
    ids.push(...((await res.json()) as { ids: string[] }).ids);
  }
  const questions = memories.map((m) => m.query);
  let qi = 0;
  let pi = 0;
  const desktop = encodeURIComponent(join(home, 'Desktop'));
  const recent: Operation = {
    name: 'GET …/recent?limit=20 (cache hit)',
    method: 'GET',
    path: () => `/api/chat/conversations/${conv.id}/recent?limit=20`,
    ok: 200,
  };
  const memory: Operation = {
    name: 'GET /api/memory/query',
    method: 'GET',
    path: () => `/api/memory/query?q=${encodeURIComponent(questions[qi++ % questions.length] as string)}&k=10`,
    ok: 200,
  };
  const files: Operation = {
    name: 'GET /api/files?path=Desktop (200 entries)',
    method: 'GET',
    path: () => `/api/files?path=${desktop}`,
    ok: 200,
  };
  const publish: Operation = {
    name: 'POST /api/bus/publish (plugin.v1)',
    method: 'POST',
    path: () => '/api/bus/publish',
    body: () => JSON.stringify({ topic: 'plugin.v1', event_type: 'bench.load', payload: { n: pi++, at: Date.now() } }),
    ok: 201,
  };
  const status: Operation = {
    name: 'GET /api/auth/status (baseline)',
    method: 'GET',
    path: () => '/api/auth/status',
    ok: 200,
  };
  const mix = [recent, memory, files, recent, publish, recent, memory, files, recent, publish];

  const client = loadClient(base, headers);
  for (const op of [recent, memory, files, publish, status]) {
    const err = await client.send(op);
    if (err) throw new Error(`${op.name}: ${err}\n${p.err()}`);
  }
  const rss = rssSampler(p.child.pid as number);
  await client.run(mix, 20, 3);

  const ramp: PhaseResult[] = [];
  let passed = 0;
  for (const rate of RAMP) {
    const r = await client.run(mix, rate, RAMP_S);
    ramp.push(r);
    const worst = Math.max(...r.ops.map((o) => o.p99));
    if (process.env.LOAD_DEBUG) process.stderr.write(`${JSON.stringify(r.ops)}\n`);
    process.stderr.write(
      `${engine}: ramp ${rate}/s → ${r.achieved.toFixed(0)}/s, p99 ${worst.toFixed(1)} ms, ${r.errors} errors\n`,
    );
    if (r.achieved < rate * 0.97 || r.errors > 0 || !(worst < RAMP_P99_MS)) break;
    passed = rate;
    await sleep(1000);
  }
  const rate = Math.max(5, Math.floor((passed || (RAMP[0] as number) / 2) * HEADROOM));
  await sleep(3000);
  const baseline = await client.run([status], rate, 15);
  await sleep(3000);

  process.stderr.write(`${engine}: holding ${rate}/s for ${HOLD_S} s…\n`);
  const holdStart = rss.now();
  const hold = await client.run(mix, rate, HOLD_S);
  const holdEnd = rss.now();
  const half = rss.between(holdStart.t + HOLD_S / 2 - 1, holdStart.t + HOLD_S / 2 + 1)[0] ?? holdEnd;
  process.stderr.write(`${engine}: and again…\n`);
  const again = await client.run(mix, rate, HOLD_S);
  const againEnd = rss.now();
  await sleep(PAUSE_S * 1000);
  const paused = rss.now();
  rss.stop();
  const held = rss.between(holdStart.t, holdEnd.t);

  client.close();
  p.child.kill('SIGTERM');
  const code = await p.exited;
  await model.stop();
  await cleanup(ids);
  rmSync(home, { recursive: true, force: true });
  const logErrors = p
    .err()
    .split('\n')
    // The scripted model answers the memory extractor with no JSON, so the seeding turns fall back to the heuristic.
    .filter((l) => /error|warn/i.test(l) && !l.includes('memory extraction fell back to the heuristic'));
  if (code !== 0) logErrors.push(`exit code ${code} on SIGTERM`);
  return {
    engine:
      engine === 'embedded'
        ? 'embedded (PGlite, embedded bus, SQL graph, in-process cache)'
        : 'Redis + Postgres + Neo4j',
    memories: ids.length,
    ramp,
    baseline,
    hold,
    again,
    rss: {
      start: holdStart.mb,
      half: half.mb,
      end: holdEnd.mb,
      again: againEnd.mb,
      paused: paused.mb,
      slopeAgain: slopeMbPerMin(rss.between(holdEnd.t, againEnd.t)),
      slopeHold: slopeMbPerMin(held),
      slopeLate: slopeMbPerMin(held.filter((s) => s.t >= holdStart.t + HOLD_S / 2)),
    },
    logErrors,
  };
}

const runs: EngineRun[] = [];
for (const e of ENGINES) runs.push(await runOn(e as 'embedded' | 'services'));

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const errs = (e: Record<string, number>) =>
  Object.entries(e)
    .map(([k, n]) => `${k}×${n}`)
    .join(', ') || '0';
console.log(
  `\nLoad on loopback — ${machine()}; load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const r of runs) {
  const ramp = r.ramp.map((s) => `${s.target}→${f(s.achieved, 0)}${s.errors ? ` (${s.errors} err)` : ''}`).join(', ');
  console.log(`\n${r.engine}; ${r.memories} memories; ramp (target→achieved/s, ${RAMP_S} s each): ${ramp}`);
  console.log(`| case | target/s | achieved/s | requests | p50 ms | p99 ms | max ms | p99 vs baseline | errors |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const b = r.baseline.ops[0] as PhaseResult['ops'][number];
  const row = (name: string, target: string, achieved: string, o: PhaseResult['ops'][number]) =>
    console.log(
      `| ${name} | ${target} | ${achieved} | ${o.done} | ${f(o.p50, 2)} | ${f(o.p99, 2)} | ${f(o.max, 1)} | ${f(o.p99 / b.p99, 2)}× | ${errs(o.errors)} |`,
    );
  row(`${b.name}, 15 s`, String(r.baseline.target), f(r.baseline.achieved, 0), b);
  const all = r.hold.ops.reduce(
    (acc, o) => {
      acc.done += o.done;
      for (const [k, n] of Object.entries(o.errors)) acc.errors[k] = (acc.errors[k] ?? 0) + n;
      return acc;
    },
    { done: 0, errors: {} as Record<string, number> },
  );
  console.log(
    `| **mixed load, ${HOLD_S} s** (generator lag ≤ ${f(r.hold.lagMs, 0)} ms) | ${r.hold.target} | **${f(r.hold.achieved, 0)}** | ${all.done} | | | | | **${errs(all.errors)}** |`,
  );
  for (const o of r.hold.ops) row(`  ${o.name}`, f((r.hold.target * o.sent) / all.done, 0), '', o);
  const s = r.rss;
  console.log(
    `| daemon RSS MB: hold start / 30 s / end / end of a 2nd hold (${f(r.again.achieved, 0)}/s, ${r.again.errors} errors) / after ${PAUSE_S} s idle | ${f(s.start)} / ${f(s.half)} / ${f(s.end)} / ${f(s.again)} / ${f(s.paused)} | slope MB/min: hold ${f(s.slopeHold, 1)}, its 2nd half ${f(s.slopeLate, 1)}, 2nd hold ${f(s.slopeAgain, 1)} | | | | | | ${r.logErrors.length} log lines with error/warn |`,
  );
  for (const o of r.again.ops)
    if (Object.keys(o.errors).length) console.log(`  2nd hold errors, ${o.name}: ${errs(o.errors)}`);
  for (const l of r.logErrors.slice(0, 5)) console.log(`  log: ${l.slice(0, 200)}`);
}
