// Benchmark helpers: latency histograms (perf_hooks), throughput, and a table with ratios against a baseline of the same run.
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';

export interface Result {
  name: string;
  ops: number;
  opsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

/** Runs `fn` `n` times with `concurrency` in flight, after `warmup` untimed runs; latencies in ms. */
export async function measure(
  name: string,
  n: number,
  fn: () => Promise<unknown>,
  concurrency = 1,
  warmup = 200,
): Promise<Result> {
  for (let i = 0; i < warmup; i++) await fn();
  const h = createHistogram();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const t = process.hrtime.bigint();
        await fn();
        h.record(process.hrtime.bigint() - t || 1n);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const ms = (ns: number) => ns / 1e6;
  return {
    name,
    ops: n,
    opsPerSec: n / seconds,
    p50: ms(h.percentile(50)),
    p95: ms(h.percentile(95)),
    p99: ms(h.percentile(99)),
    p999: ms(h.percentile(99.9)),
  };
}

export function printTable(title: string, baseline: Result, rows: Result[]): void {
  const fmt = (x: number, d = 2) => x.toFixed(d);
  console.log(`\n${title}`);
  console.log('| case | ops | ops/s | p50 ms | p95 ms | p99 ms | p99.9 ms | ops/s vs baseline | p99 vs baseline |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of [baseline, ...rows]) {
    console.log(
      `| ${r.name} | ${r.ops} | ${fmt(r.opsPerSec, 0)} | ${fmt(r.p50, 3)} | ${fmt(r.p95, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.p999, 3)} | ${fmt(r.opsPerSec / baseline.opsPerSec)}× | ${fmt(r.p99 / baseline.p99)}× |`,
    );
  }
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The test services started by `make services`, for benchmarks that need a real server. */
export function services(): { redis: { url: string }; postgres: { url: string } } {
  const file = join(import.meta.dirname, '..', 'tests', 'services', '.state', 'services.json');
  if (!existsSync(file)) throw new Error('the services are not running: make services');
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * GET over keep-alive connections (node:http), the same client for a baseline server and for Titan so only the
 * servers differ; rejects on any status but 200.
 */
export function keepAliveGetter(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const get = (url: string, headers: Record<string, string> = {}) =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}
