// The notifications API from the browser (/api/notifications): the list with the unread count, read-marks, and the
// live stream kept open with a growing delay between reconnects (stopped for good when the daemon has no such route).
import { ApiFailure, api, readEvents, request } from '../lib/api.ts';

/** The web app's copy of the daemon's NotificationView (daemon/autonomy/notifications/routes.ts). */
export interface Notification {
  id: string;
  title: string;
  body: string;
  level: 'info' | 'warn' | 'error';
  source: string;
  conversation_id: string | null;
  created_at: string;
  read_at: string | null;
}
export interface NotificationPage {
  items: Notification[];
  unread: number;
  next_cursor: string | null;
}
export type NotificationEvent =
  | { type: 'notification'; notification: Notification }
  | { type: 'read'; ids: string[] | 'all' }
  | { type: 'unread'; unread: number };

export const notificationsApi = {
  list: (before?: string) =>
    api<NotificationPage>(`/api/notifications?limit=30${before ? `&before=${encodeURIComponent(before)}` : ''}`),
  read: (id: string) => api<Notification>(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' }),
  readAll: () => api<{ marked: number }>('/api/notifications/read-all', { method: 'POST' }),
};

/** Follows /api/notifications/stream until the returned function is called. */
export function followNotifications(
  onEvent: (e: NotificationEvent) => void,
  onState: (live: boolean) => void,
): () => void {
  const abort = new AbortController();
  let delay = 1000;
  const loop = async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await request('/api/notifications/stream', { signal: abort.signal });
        onState(res.ok);
        await readEvents(res, (e) => {
          delay = 1000;
          onEvent(e.data as NotificationEvent);
        });
      } catch (err) {
        // No notifications feature in this daemon (404) or signed out (401): nothing to follow.
        if (err instanceof ApiFailure && (err.status === 404 || err.status === 401)) break;
      }
      onState(false);
      if (abort.signal.aborted) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void loop();
  return () => abort.abort();
}
