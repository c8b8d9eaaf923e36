// A token bucket that delays callers until a token is free: rate limiting that never drops or strands work.
export class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(ratePerSec: number) {
    this.rate = ratePerSec;
    this.tokens = Math.max(1, ratePerSec);
    this.last = performance.now();
  }

  setRate(ratePerSec: number): void {
    this.refill();
    this.rate = ratePerSec;
    this.tokens = Math.min(this.tokens, Math.max(1, ratePerSec));
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(Math.max(1, this.rate), this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  /** Resolves to the ms waited (0 when a token was free). Callers are served in order. */
  take(): Promise<number> {
    const turn = this.queue.then(async () => {
      this.refill();
      let waited = 0;
      while (this.tokens < 1) {
        const ms = Math.ceil(((1 - this.tokens) / this.rate) * 1000);
        await new Promise((r) => setTimeout(r, ms));
        waited += ms;
        this.refill();
      }
      this.tokens -= 1;
      return waited;
    });
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }
}
