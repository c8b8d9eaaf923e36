// Reads a server-sent-events answer as it arrives (with the web app's parser): each event's name and JSON data, with
// a hook that may act on an event mid-stream (approve a tool call, press stop) before reading on.
import { type SseEvent, SseParser } from '../../web/src/lib/sse.ts';

export type { SseEvent };

export async function readSse(res: Response, onEvent: (e: SseEvent) => unknown = () => {}): Promise<SseEvent[]> {
  if (!res.body) throw new Error(`no body (status ${res.status})`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const e of parser.push(decoder.decode(chunk, { stream: true }))) {
      events.push(e);
      await onEvent(e);
    }
  }
  return events;
}
