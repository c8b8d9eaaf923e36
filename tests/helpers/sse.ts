// Reads a server-sent-events answer as it arrives: each event's name and JSON data, with a hook that may act on an
// event mid-stream (approve a tool call, press stop) before reading on.
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export async function readSse(res: Response, onEvent: (e: SseEvent) => unknown = () => {}): Promise<SseEvent[]> {
  if (!res.body) throw new Error(`no body (status ${res.status})`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      const e = { event, data: JSON.parse(data.join('\n')) as Record<string, unknown> };
      events.push(e);
      await onEvent(e);
    }
  }
  return events;
}
