// Bus throughput and latency on one real Redis: raw ioredis Streams (baseline, a) vs the titan bus (b) vs BullMQ (c).
// Run: `node --expose-gc bench/bus.bench.ts` (needs `make services`; --expose-gc is optional). Env: BENCH_ROUNDS
// (default 3; medians are reported), BENCH_CASES (comma list of raw,titan,bullmq; default all three). Prints, never
// asserts. Where the titan bus spends its CPU: bench/busProfile.ts.
import { createRequire } from 'node:module';
import os from 'node:os';
import { Redis } from 'ioredis';
import { withDefaults } from '../bus/options.ts';
import { type OpenHarness, openBullmq, openFloor, openRaw, openTitan, TITAN_LIMITS } from './busCases.ts';
import { fixedRate, type LatencyResult, Sink, saturate } from './busLoad.ts';
import { machine, services } from './lib.ts';

const N = 20_000;
const WARMUP = 2_000;
const INFLIGHT = 64;
const RATE = 1_000;
const SECONDS = 5;
const CONCURRENCY = withDefaults({}).concurrency; // the titan default (16), used for all three
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CASES: Record<string, OpenHarness> = { raw: openRaw, titan: openTitan, bullmq: openBullmq, floor: openFloor };
const chosen = (process.env.BENCH_CASES ?? 'raw,titan,bullmq').split(',').filter((c) => c in CASES && c !== 'floor');

const { url } = services().redis;
const admin = new Redis(url);

/** Calls per command since Redis started (INFO commandstats), to count the commands each queue spends per message. */
async function commandCalls(): Promise<Map<string, number>> {
  const info = (await admin.info('commandstats')) as string;
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1] as string, Number(m[2]));
  return out;
}

interface Row {
  name: string;
  msgPerSec: number;
  lat: LatencyResult;
  /** Redis commands per message during the throughput phase, by command. */
  perMsg: Map<string, number>;
}

/** With --expose-gc, a full collection before each timed phase, so no phase pays for the garbage of the one before. */
const settle = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
};

async function runCase(open: OpenHarness): Promise<Row> {
  const sink = new Sink();
  const h = await open(url, CONCURRENCY, sink.onHandled);
  try {
    await settle();
    if (open === openFloor)
      return { name: h.title, msgPerSec: 0, lat: await fixedRate(h, sink, RATE, SECONDS), perMsg: new Map() };
    await saturate(h, sink, WARMUP, INFLIGHT);
    await settle();
    const before = await commandCalls();
    const msgPerSec = await saturate(h, sink, N, INFLIGHT);
    const after = await commandCalls();
    const perMsg = new Map<string, number>();
    for (const [cmd, calls] of after) {
      const d = calls - (before.get(cmd) ?? 0) - (cmd === 'info' ? 1 : 0);
      if (d > 0) perMsg.set(cmd, d / N);
    }
    await settle();
    const lat = await fixedRate(h, sink, RATE, SECONDS);
    return { name: h.title, msgPerSec, lat, perMsg };
  } finally {
    await h.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function medianRow(rows: Row[]): Row {
  const pick = (f: (r: Row) => number) => median(rows.map(f));
  const perMsg = new Map<string, number>();
  for (const cmd of new Set(rows.flatMap((r) => [...r.perMsg.keys()])))
    perMsg.set(
      cmd,
      pick((r) => r.perMsg.get(cmd) ?? 0),
    );
  return {
    name: (rows[0] as Row).name,
    msgPerSec: pick((r) => r.msgPerSec),
    lat: {
      p50: pick((r) => r.lat.p50),
      p99: pick((r) => r.lat.p99),
      p999: pick((r) => r.lat.p999),
      max: pick((r) => r.lat.max),
      lagP99: pick((r) => r.lat.lagP99),
      achieved: pick((r) => r.lat.achieved),
      gc: {
        count: pick((r) => r.lat.gc.count),
        totalMs: pick((r) => r.lat.gc.totalMs),
        maxMs: pick((r) => r.lat.gc.maxMs),
      },
    },
    perMsg,
  };
}

const loadBefore = os.loadavg()[0] as number;
const byCase = new Map<string, Row[]>([...chosen, 'floor'].map((c) => [c, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const c of [...chosen, 'floor']) {
    const row = await runCase(CASES[c] as OpenHarness);
    (byCase.get(c) as Row[]).push(row);
    console.error(
      `round ${round} ${c}: ${row.msgPerSec.toFixed(0)} msg/s, p50 ${row.lat.p50.toFixed(3)} p99 ${row.lat.p99.toFixed(3)} p99.9 ${row.lat.p999.toFixed(3)} ms`,
    );
  }
}

const redisVersion = /redis_version:(\S+)/.exec((await admin.info('server')) as string)?.[1];
const bullmqVersion = (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
await admin.quit();

const f = (x: number, d = 3) => x.toFixed(d);
const rows = new Map([...byCase].map(([c, rs]) => [c, medianRow(rs)]));
const raw = rows.get('raw');
console.log(
  `\nBus: publish → handler complete on one Redis ${redisVersion} (loopback), producer and consumer in one Node process; ` +
    `BullMQ ${bullmqVersion}. ${machine()}; 1-min load average ${loadBefore.toFixed(2)} before, ${(os.loadavg()[0] as number).toFixed(2)} after` +
    `${'gc' in globalThis ? '; full GC before each timed phase' : ''}.`,
);
console.log(
  `Throughput: ${N} messages after ${WARMUP} warm-up, ${INFLIGHT} publishes in flight, until the last is handled. ` +
    `Latency: ${RATE} msg/s offered for ${SECONDS} s on a fixed timetable, measured from each scheduled send time. ` +
    `Consumer concurrency ${CONCURRENCY} in all three; no-op handlers. Medians of ${ROUNDS} round(s), cases interleaved.`,
);
console.log(
  `Titan bus: default production options (batch 100, weights 6/3/1, blockMs 2000, concurrency ${CONCURRENCY}, ` +
    `metrics attached) except rate limits raised to rate_limit ${TITAN_LIMITS.rate_limit}/s and global ` +
    `${TITAN_LIMITS.globalRateLimit}/s (the defaults, 1,000 and 5,000/s, would cap or delay it).`,
);
console.log(
  `Columns: p50–max are latency at ${RATE} msg/s; "p99 range" is the lowest and highest p99 of the rounds (the noise); ` +
    '"sender lag" is how late the timetable itself sent (included in the latencies); GC is this process\'s pauses ' +
    'during the latency run (median count / total ms / longest ms); Redis cmds/msg from INFO commandstats in the ' +
    'throughput run. The no-queue row is the floor of the harness and machine.',
);
console.log(
  '\n| case | msg/s | p50 ms | p99 ms | p99.9 ms | max ms | p99 range ms | sender lag p99 ms | GC n / ms / max | msg/s vs raw | p99 vs raw | Redis cmds/msg |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [c, r] of rows) {
  const rounds = byCase.get(c) as Row[];
  const p99s = rounds.map((x) => x.lat.p99);
  const { gc } = r.lat;
  const cells = [
    r.name,
    c === 'floor' ? '–' : f(r.msgPerSec, 0),
    f(r.lat.p50),
    f(r.lat.p99),
    f(r.lat.p999),
    f(r.lat.max),
    `${f(Math.min(...p99s), 2)}–${f(Math.max(...p99s), 2)}`,
    f(r.lat.lagP99),
    `${f(gc.count, 0)} / ${f(gc.totalMs, 1)} / ${f(gc.maxMs, 2)}`,
    raw && c !== 'floor' ? `${f(r.msgPerSec / raw.msgPerSec, 2)}×` : '–',
    raw && c !== 'floor' ? `${f(r.lat.p99 / raw.lat.p99, 2)}×` : '–',
    c === 'floor'
      ? '–'
      : f(
          [...r.perMsg.values()].reduce((x, y) => x + y, 0),
          2,
        ),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

const titan = rows.get('titan');
const bull = rows.get('bullmq');
if (titan && (raw || bull)) {
  console.log('\n| ratio | throughput (higher is better) | p99 latency (lower is better) |');
  console.log('|---|---:|---:|');
  for (const [label, other] of [
    ['b/a titan ÷ raw ioredis', raw],
    ['b/c titan ÷ BullMQ', bull],
  ] as const) {
    if (other) {
      console.log(
        `| ${label} | ${f(titan.msgPerSec / other.msgPerSec, 2)}× | ${f(titan.lat.p99 / other.lat.p99, 2)}× |`,
      );
    }
  }
}
console.log('\nRedis commands per message in the throughput phase (INFO commandstats; includes any other client):');
for (const [c, r] of rows) {
  if (c === 'floor') continue;
  const top = [...r.perMsg].sort((a, b) => b[1] - a[1]).filter(([, n]) => n >= 0.005);
  console.log(`- ${r.name}: ${top.map(([c, n]) => `${c} ${f(n, 2)}`).join(', ')}`);
}
