// Reads a long-lived server-sent-events stream (one that never ends by itself, like the notifications stream) in the
// background, so a test can act and then await the event its action causes.
import { type SseEvent, SseParser } from '../../web/src/lib/sse.ts';

export interface LiveSse {
  /** Every event received so far, in order. */
  events: SseEvent[];
  /** The first event at index ≥ `from` (default 0) that matches, as soon as it has arrived; rejects if the stream ends. */
  waitFor(match: (e: SseEvent) => boolean, from?: number): Promise<SseEvent>;
  close(): void;
}

export function liveSse(open: (signal: AbortSignal) => Promise<Response>): Promise<LiveSse> {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  let waiters: {
    match: (e: SseEvent) => boolean;
    from: number;
    resolve: (e: SseEvent) => void;
    reject: (err: Error) => void;
  }[] = [];
  let ended: Error | null = null;
  const settle = () => {
    waiters = waiters.filter((w) => {
      const hit = events.find((e, i) => i >= w.from && w.match(e));
      if (hit) w.resolve(hit);
      else if (ended) w.reject(ended);
      return !hit && !ended;
    });
  };
  return open(controller.signal).then((res) => {
    if (!res.ok || !res.body) throw new Error(`the stream answered ${res.status}`);
    const body = res.body;
    void (async () => {
      const decoder = new TextDecoder();
      const parser = new SseParser();
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          events.push(...parser.push(decoder.decode(chunk, { stream: true })));
          settle();
        }
        ended = new Error('the stream ended');
      } catch (err) {
        ended = err as Error;
      }
      settle();
    })();
    return {
      events,
      waitFor(match, from = 0) {
        return new Promise<SseEvent>((resolve, reject) => {
          waiters.push({ match, from, resolve, reject });
          settle();
        });
      },
      close: () => controller.abort(),
    };
  });
}
