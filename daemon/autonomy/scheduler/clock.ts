// The scheduler's sense of time: what time it is and a way to be called back later. The daemon uses the wall clock
// and setTimeout; tests use ManualClock (manualClock.ts) and move time by hand, so no test ever sleeps.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The daemon's clock: `now` from the deps (Date.now unless a test gives another), timers from Node, unref'd. */
export function systemClock(now: () => number = Date.now): Clock {
  return {
    now,
    setTimer(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms));
      t.unref();
      return () => clearTimeout(t);
    },
  };
}
