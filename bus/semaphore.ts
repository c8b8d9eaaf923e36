// A counting semaphore: caps how many handlers of one subscription run at once.
export class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }

  /** Resolves when every permit is back (all running handlers finished). */
  async drain(size: number): Promise<void> {
    while (this.free < size) await new Promise((r) => setTimeout(r, 10));
  }
}
