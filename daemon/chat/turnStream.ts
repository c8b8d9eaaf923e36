// The events of one turn as a replayable stream: every listener (the SSE answer, a re-attached tab) gets all events
// from the start, then the live ones, and ends with the turn.
import type { TurnEvent } from './types.ts';

export class TurnStream implements AsyncIterable<TurnEvent> {
  private readonly events: TurnEvent[] = [];
  private ended = false;
  private wake: (() => void)[] = [];

  push(event: TurnEvent): void {
    if (this.ended) return;
    this.events.push(event);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  get done(): boolean {
    return this.ended;
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const w of waiting) w();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TurnEvent> {
    let next = 0;
    for (;;) {
      while (next < this.events.length) yield this.events[next++] as TurnEvent;
      if (this.ended) return;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }
}
