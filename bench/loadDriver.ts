// The load benchmark's tools: an open-loop generator (requests sent at a fixed arrival rate over keep-alive
// connections, each latency measured from its scheduled send time, so a slow server cannot slow the clock down), a
// sampler of a process's resident memory (/proc/<pid>/status VmRSS), and a least-squares slope of those samples.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Operation {
  name: string;
  method: 'GET' | 'POST';
  /** Path and query; called per request so it may vary. */
  path: () => string;
  body?: () => string;
  /** The status that counts as success. */
  ok: number;
}

export interface OpResult {
  name: string;
  sent: number;
  done: number;
  p50: number;
  p99: number;
  max: number;
  /** Failures by status code or error code. */
  errors: Record<string, number>;
}

export interface PhaseResult {
  target: number;
  seconds: number;
  /** Completed requests per second over the phase (until the last answer). */
  achieved: number;
  ops: OpResult[];
  errors: number;
  /** How far the generator itself fell behind its schedule at worst (ms): its own event loop's stalls. */
  lagMs: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function loadClient(base: string, headers: Record<string, string>, maxSockets = 64) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (op: Operation) =>
    new Promise<string>((resolve) => {
      const body = op.body?.();
      const req = request(
        `${base}${op.path()}`,
        {
          agent,
          method: op.method,
          headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === op.ok ? '' : String(res.statusCode)));
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end(body);
    });

  /**
   * Sends `mix` round-robin at `rate` requests per second for `seconds`, open loop: request i goes out at
   * start + i/rate whether or not earlier ones have answered.
   */
  async function run(mix: Operation[], rate: number, seconds: number): Promise<PhaseResult> {
    const stats = new Map<
      string,
      { h: RecordableHistogram; sent: number; done: number; errors: Record<string, number> }
    >();
    for (const op of mix) stats.set(op.name, { h: createHistogram(), sent: 0, done: 0, errors: {} });
    const pending: Promise<void>[] = [];
    const total = Math.round(rate * seconds);
    const started = performance.now();
    let sent = 0;
    let lagMs = 0;
    let lastDone = started;
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
      if (due - sent > 1) lagMs = Math.max(lagMs, now - (started + ((sent + 1) * 1000) / rate));
      for (; sent < due; sent++) {
        const op = mix[sent % mix.length] as Operation;
        const s = stats.get(op.name) as NonNullable<ReturnType<typeof stats.get>>;
        const scheduled = started + (sent * 1000) / rate;
        s.sent++;
        pending.push(
          send(op).then((err) => {
            lastDone = performance.now();
            s.done++;
            if (err) s.errors[err] = (s.errors[err] ?? 0) + 1;
            else s.h.record(Math.max(1, Math.round((lastDone - scheduled) * 1000)));
          }),
        );
      }
      await sleep(Math.max(0, started + (sent * 1000) / rate - performance.now()));
    }
    await Promise.all(pending);
    const elapsed = (lastDone - started) / 1000;
    const ops = [...stats].map(([name, s]) => ({
      name,
      sent: s.sent,
      done: s.done,
      p50: s.h.count ? s.h.percentile(50) / 1000 : Number.NaN,
      p99: s.h.count ? s.h.percentile(99) / 1000 : Number.NaN,
      max: s.h.count ? s.h.max / 1000 : Number.NaN,
      errors: s.errors,
    }));
    const errors = ops.reduce((n, o) => n + Object.values(o.errors).reduce((a, b) => a + b, 0), 0);
    return { target: rate, seconds, achieved: total / Math.max(elapsed, seconds), ops, errors, lagMs };
  }

  return { send, run, close: () => agent.destroy() };
}

export interface RssSample {
  /** Seconds since the sampler started. */
  t: number;
  mb: number;
}

/** VmRSS of `pid` in MB, every `everyMs`; `mark` notes the latest sample under a name. */
export function rssSampler(pid: number, everyMs = 1000) {
  const samples: RssSample[] = [];
  const t0 = performance.now();
  const read = (): number => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  };
  const sample = () => {
    const s = { t: (performance.now() - t0) / 1000, mb: read() };
    samples.push(s);
    return s;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    samples,
    now: sample,
    /** Samples taken between two sampler times (seconds). */
    between: (from: number, to: number) => samples.filter((s) => s.t >= from && s.t <= to),
    elapsed: () => (performance.now() - t0) / 1000,
    stop: () => clearInterval(timer),
  };
}

/** Least-squares slope of the samples in MB per minute. */
export function slopeMbPerMin(samples: readonly RssSample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mm = samples.reduce((a, s) => a + s.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.mb - mm);
    den += (s.t - mt) ** 2;
  }
  return (num / den) * 60;
}
