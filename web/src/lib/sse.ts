// Server-sent events parsed from text as it arrives: blocks end at a blank line; `event:` names it, `data:` lines
// carry its JSON. Shared by the web app and the tests that read the daemon's streams.
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export class SseParser {
  private buffer = '';

  /** Adds received text; returns the events it completed. */
  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    let cut = this.buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      cut = this.buffer.indexOf('\n\n');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
    }
    return events;
  }
}
