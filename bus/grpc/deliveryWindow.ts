// Flow control for one remote subscriber: at most `size` deliveries await its ack; handlers queue (in order) for room.

export class DeliveryWindow {
  private readonly size: number;
  private readonly held = new Set<string>();
  private readonly waiting: { eventId: string; admit: (ok: boolean) => void }[] = [];
  private closed = false;

  constructor(size: number) {
    this.size = size;
  }

  get unacked(): number {
    return this.held.size;
  }

  holds(eventId: string): boolean {
    return this.held.has(eventId);
  }

  /** Resolves true once `eventId` may be sent, false if the window closed first (the subscriber is gone). */
  reserve(eventId: string): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.held.size < this.size && this.waiting.length === 0) {
      this.held.add(eventId);
      return Promise.resolve(true);
    }
    return new Promise((admit) => this.waiting.push({ eventId, admit }));
  }

  /** The subscriber acked `eventId`: its room goes to the longest waiting delivery. */
  release(eventId: string): void {
    if (!this.held.delete(eventId)) return;
    while (!this.closed && this.held.size < this.size) {
      const next = this.waiting.shift();
      if (!next) break;
      this.held.add(next.eventId);
      next.admit(true);
    }
  }

  /** Turns every waiting and future delivery away, so handlers finish and the subscription can stop. */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.admit(false);
  }
}
