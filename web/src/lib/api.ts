// The daemon's API from the browser: the token kept in localStorage, JSON calls that turn `{error}` answers into
// ApiFailure (code + the daemon's message, shown to the user as is), and server-sent events read from a fetch.
import { type SseEvent, SseParser } from './sse.ts';

const TOKEN_KEY = 'titan.token';

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (t: string) => localStorage.setItem(TOKEN_KEY, t),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** Called when the daemon answers 401: the app shows the login screen. */
let onUnauthorized: () => void = () => {};
export const setUnauthorizedHandler = (fn: () => void) => {
  onUnauthorized = fn;
};

export async function request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const t = token.get();
  if (t) headers.set('authorization', `Bearer ${t}`);
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers.set('content-type', 'application/json');
  }
  const res = await fetch(path, { ...init, headers, body });
  if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized();
  return res;
}

export async function api<T = Record<string, unknown>>(path: string, init: RequestInit & { json?: unknown } = {}) {
  const res = await request(path, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } }).error;
    throw new ApiFailure(res.status, err?.code ?? 'http_error', err?.message ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

export type { SseEvent } from './sse.ts';

/** Reads an SSE answer, calling `onEvent` for each event as it arrives. */
export async function readEvents(res: Response, onEvent: (e: SseEvent) => void): Promise<void> {
  if (!res.ok || !res.body) {
    const data = await res.json().catch(() => ({}));
    const err = (data as { error?: { code?: string; message?: string } }).error;
    throw new ApiFailure(res.status, err?.code ?? 'http_error', err?.message ?? res.statusText);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const e of parser.push(decoder.decode(value, { stream: true }))) onEvent(e);
  }
}
