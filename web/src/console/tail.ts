// The live tail over a WebSocket (/api/logs/tail): browsers cannot send an Authorization header on an upgrade, so
// the token goes in ?token=; the daemon filters by ?level= and ?q=. Reconnects with a growing delay until closed.
import { token } from '../lib/api.ts';

export interface LogLine {
  level: number;
  time: number;
  msg?: string;
  [key: string]: unknown;
}

export type TailState = 'connecting' | 'live' | 'offline';

export interface TailOptions {
  stream: 'app' | 'audit';
  level: string;
  q: string;
  onLine(line: LogLine): void;
  onState(state: TailState): void;
}

export function tailUrl(o: Pick<TailOptions, 'stream' | 'level' | 'q'>): string {
  const params = new URLSearchParams({ token: token.get() ?? '', stream: o.stream });
  if (o.level) params.set('level', o.level);
  if (o.q) params.set('q', o.q);
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/logs/tail?${params}`;
}

/** Opens the tail; the returned function closes it for good. */
export function openTail(o: TailOptions): () => void {
  let ws: WebSocket | undefined;
  let closed = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    o.onState('connecting');
    ws = new WebSocket(tailUrl(o));
    ws.onopen = () => {
      delay = 500;
      o.onState('live');
    };
    ws.onmessage = (e) => {
      try {
        o.onLine(JSON.parse(String(e.data)) as LogLine);
      } catch {
        // not a log line
      }
    };
    ws.onclose = () => {
      if (closed) return;
      o.onState('offline');
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    ws?.close();
  };
}
