// Limits login and setup attempts per client in a sliding one-minute window, so the password cannot be guessed quickly.
export class LoginLimiter {
  private readonly attempts = new Map<string, number[]>();

  private readonly perMinute: () => number;
  private readonly now: () => number;

  constructor(perMinute: () => number, now: () => number = Date.now) {
    this.perMinute = perMinute;
    this.now = now;
  }

  /** Records an attempt; returns the seconds to wait when over the limit, else 0. */
  take(client: string): number {
    const t = this.now();
    const recent = (this.attempts.get(client) ?? []).filter((at) => t - at < 60_000);
    if (recent.length >= this.perMinute()) {
      this.attempts.set(client, recent);
      return Math.max(1, Math.ceil((60_000 - (t - (recent[0] as number))) / 1000));
    }
    recent.push(t);
    this.attempts.set(client, recent);
    return 0;
  }
}
