// Load shapes for bench/bus.bench.ts: saturation (N messages, a fixed number of publishes in flight) and a fixed offered
// rate on a timetable, with latency measured from each message's *scheduled* send time (no coordinated omission).
import { createHistogram, PerformanceObserver, type RecordableHistogram } from 'node:perf_hooks';
import { type Harness, nowMs, type Sample } from './busCases.ts';

/** Receives every handled message and routes it to the phase now being measured; stragglers of old phases are ignored. */
export class Sink {
  #ph = 0;
  #expected = 0;
  #count = 0;
  #hist: RecordableHistogram | undefined;
  #done: (() => void) | undefined;

  readonly onHandled = (s: Sample): void => {
    if (s.ph !== this.#ph) return;
    this.#hist?.record(Math.max(1, Math.round((nowMs() - s.t) * 1000)));
    if (++this.#count === this.#expected) this.#done?.();
  };

  /** Starts a phase expecting `expected` messages; returns its id and a promise of the last one being handled. */
  phase(expected: number, hist?: RecordableHistogram, timeoutMs = 120_000): { ph: number; all: Promise<void> } {
    this.#ph++;
    this.#expected = expected;
    this.#count = 0;
    this.#hist = hist;
    const ph = this.#ph;
    const all = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`phase ${ph}: ${this.#count} of ${expected} handled in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return { ph, all };
  }
}

/** Publishes `n` messages with `inflight` publishes outstanding; msg/s from the first send to the last handled. */
export async function saturate(h: Harness, sink: Sink, n: number, inflight: number): Promise<number> {
  const { ph, all } = sink.phase(n);
  let i = 0;
  const started = nowMs();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (i < n) await h.publish({ ph, i: i++, t: nowMs() });
    }),
  );
  await all;
  return n / ((nowMs() - started) / 1000);
}

export interface LatencyResult {
  /** Scheduled send → handler complete, in ms. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** How late the sender itself was, p99 in ms: part of every latency above. */
  lagP99: number;
  /** Rate actually sent, msg/s. */
  achieved: number;
  /** Garbage-collection pauses of this process during the run: their number, total and longest, in ms. */
  gc: { count: number; totalMs: number; maxMs: number };
}

/** Collects this process's GC pauses until `stop()`. */
function watchGc(): () => { count: number; totalMs: number; maxMs: number } {
  const out = { count: 0, totalMs: 0, maxMs: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      out.count++;
      out.totalMs += e.duration;
      out.maxMs = Math.max(out.maxMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return () => {
    obs.disconnect();
    return out;
  };
}

/**
 * Waits until `until` (nowMs): a timer while more than 2 ms away, then setImmediate turns, which let I/O run but wake
 * within tens of µs — a 1 ms timer alone is late by up to ~2 ms and that lag would swamp the numbers. The turns
 * allocate next to nothing (no promise per turn), so the harness's own garbage does not add GC pauses. The cost: this
 * thread spins while the run lasts, so it never sleeps in epoll (an idle daemon's wake-up is not in the numbers).
 */
function waitUntil(until: number): Promise<void> {
  return new Promise((resolve) => {
    const spin = () => (nowMs() >= until ? resolve() : setImmediate(spin));
    const far = until - nowMs() - 2;
    if (far > 0) setTimeout(spin, far);
    else spin();
  });
}

/**
 * Sends `rate` msg/s for `seconds` on a fixed timetable: message i is due at t0 + i/rate. Whatever is due is sent at
 * once (not awaited, so a slow publish cannot delay later ones); latency runs from the due time, not the actual send.
 */
export async function fixedRate(h: Harness, sink: Sink, rate: number, seconds: number): Promise<LatencyResult> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const hist = createHistogram();
  const lag = createHistogram();
  const { ph, all } = sink.phase(total, hist);
  const sends: Promise<unknown>[] = [];
  const stopGc = watchGc();
  const t0 = nowMs() + 5;
  let i = 0;
  while (i < total) {
    const now = nowMs();
    for (; i < total && t0 + i * interval <= now; i++) {
      const t = t0 + i * interval;
      lag.record(Math.max(1, Math.round((now - t) * 1000)));
      sends.push(h.publish({ ph, i, t }));
    }
    if (i < total) await waitUntil(t0 + i * interval);
  }
  await Promise.all(sends);
  const achieved = total / ((nowMs() - t0) / 1000);
  await all;
  const gc = stopGc();
  const ms = (us: number) => us / 1000;
  return {
    gc,
    p50: ms(hist.percentile(50)),
    p99: ms(hist.percentile(99)),
    p999: ms(hist.percentile(99.9)),
    max: ms(hist.max),
    lagP99: ms(lag.percentile(99)),
    achieved,
  };
}
