// A clock tests move by hand: `advance` fires every timer that falls due on the way, in order, and lets the work they
// start settle — so a test says "it is 03:30 now" instead of sleeping until it is.
import type { Clock } from './clock.ts';

interface Timer {
  at: number;
  fn: () => void;
  seq: number;
}

/** Resolves after pending promise callbacks and I/O callbacks have run (a few turns of the event loop). */
export const settle = async (turns = 20): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
};

export class ManualClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start: number | string | Date) {
    this.t = new Date(start).getTime();
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** How many timers are waiting. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time on by `ms`, firing due timers in time order, each at its own time, settling after each. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  async advanceTo(target: number | string | Date): Promise<void> {
    const end = new Date(target).getTime();
    for (;;) {
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = Math.max(this.t, end);
    await settle();
  }

  /**
   * Jumps to `target` without firing anything on the way, then fires what is due: a machine that slept through its
   * timers and wakes late (the timers fire once, long after they were due).
   */
  async sleepUntil(target: number | string | Date): Promise<void> {
    this.t = new Date(target).getTime();
    const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.timers = this.timers.filter((x) => !due.includes(x));
    for (const x of due) {
      x.fn();
      await settle();
    }
    await settle();
  }
}
