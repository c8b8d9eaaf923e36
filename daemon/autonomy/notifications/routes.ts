// /api/notifications: the list (newest first, with the unread count), read-marks, and the live stream (SSE) the UI
// keeps open to show a notification the moment it is raised.
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import { notFound } from '../../http/errors.ts';
import type { ApiRoutes } from '../../http/routes.ts';
import { intParam } from '../../http/validate.ts';
import type { NotificationEvent, NotificationHub } from './notifier.ts';

const tag = 'notifications';

const NotificationView = v.object({
  id: v.string(),
  title: v.string(),
  body: v.string(),
  level: v.picklist(['info', 'warn', 'error']),
  source: v.string(),
  conversation_id: v.nullable(v.string()),
  created_at: v.string(),
  read_at: v.nullable(v.string()),
});

/** How often an idle stream sends a comment line, so proxies and the browser keep it open. */
const KEEPALIVE_MS = 20_000;

export function notificationRoutes(
  api: ApiRoutes,
  app: Hono,
  deps: { hub: NotificationHub; streams: Set<() => void> },
): void {
  const { hub } = deps;

  api.add(
    {
      method: 'get',
      path: '/api/notifications',
      summary: 'Notifications, newest first, with the unread count',
      tag,
      query: v.strictObject({
        limit: v.optional(intParam(1, 200, 'limit'), '50'),
        before: v.optional(v.pipe(v.string(), v.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'before must be a notification id'))),
        unread: v.optional(v.picklist(['true', 'false'], 'unread must be "true" or "false"')),
      }),
      response: v.object({ items: v.array(NotificationView), unread: v.number(), next_cursor: v.nullable(v.string()) }),
    },
    async (c, { query }) =>
      c.json(
        await hub.store.list({ limit: Number(query.limit), before: query.before, unread: query.unread === 'true' }),
      ),
  );

  api.add(
    {
      method: 'post',
      path: '/api/notifications/read-all',
      summary: 'Mark every notification read',
      tag,
      response: v.object({ marked: v.number() }),
    },
    async (c) => c.json({ marked: await hub.markAllRead() }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/notifications/:id/read',
      summary: 'Mark one notification read',
      tag,
      params: v.object({ id: v.pipe(v.string(), v.minLength(1)) }),
      response: NotificationView,
      errors: [404],
    },
    async (c, { params }) => {
      const n = await hub.markRead(params.id);
      if (!n) throw notFound(`no notification ${params.id}`);
      return c.json(n);
    },
  );

  api.document({
    method: 'get',
    path: '/api/notifications/stream',
    summary:
      'Live notifications as server-sent events: `unread` ({unread}) first and after every change, `notification` ({notification}) when one is raised, `read` ({ids: [...] or "all"})',
    tag,
  });
  app.get('/api/notifications/stream', (c) =>
    streamSSE(c, async (stream) => {
      const queue: NotificationEvent[] = [];
      let wake: (() => void) | null = null;
      let open = true;
      const stop = () => {
        open = false;
        wake?.();
      };
      const unlisten = hub.listen((e) => {
        queue.push(e);
        wake?.();
      });
      deps.streams.add(stop);
      stream.onAbort(stop);
      const keepalive = setInterval(() => void stream.write(': keep-alive\n\n').catch(stop), KEEPALIVE_MS);
      try {
        queue.unshift({ type: 'unread', unread: await hub.store.unreadCount() });
        while (open) {
          const e = queue.shift();
          if (!e) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
            continue;
          }
          await stream.writeSSE({ event: e.type, data: JSON.stringify(e) });
        }
      } finally {
        clearInterval(keepalive);
        unlisten();
        deps.streams.delete(stop);
      }
    }),
  );
}
