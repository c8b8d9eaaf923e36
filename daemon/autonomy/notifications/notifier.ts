// The Notifier other features call: checks and stores a notification, then pushes it (and the new unread count) to
// every live stream. Reads and read-marks go through here too, so each open tab sees the same unread count.
import type { Logger } from 'pino';
import type { NotificationInput, Notifier } from '../types.ts';
import { NotificationError } from './notificationError.ts';
import type { Notification, NotificationStore } from './store.ts';

/** What a live stream receives: a new notification, a read-mark, and the unread count after each change. */
export type NotificationEvent =
  | { type: 'notification'; notification: Notification }
  | { type: 'read'; ids: string[] | 'all' }
  | { type: 'unread'; unread: number };

const MAX_TITLE = 200;
const MAX_BODY = 4000;
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export class NotificationHub implements Notifier {
  readonly store: NotificationStore;
  private readonly log: Logger;
  private readonly listeners = new Set<(e: NotificationEvent) => void>();

  constructor(store: NotificationStore, log: Logger) {
    this.store = store;
    this.log = log;
  }

  async notify(input: NotificationInput): Promise<{ id: string }> {
    const title = input.title?.replace(/\s+/g, ' ').trim() ?? '';
    if (!title) throw new NotificationError('invalid_notification', 'a notification needs a title: it was empty');
    if (!input.source?.trim()) {
      throw new NotificationError('invalid_notification', 'a notification needs a source such as "trigger:<rule id>"');
    }
    const n = await this.store.add({
      title: clip(title, MAX_TITLE),
      body: clip(input.body ?? '', MAX_BODY),
      level: input.level ?? 'info',
      source: input.source.trim(),
      conversation_id: input.conversation_id ?? null,
    });
    this.log.info({ notification: n.id, source: n.source, level: n.level }, 'notification raised');
    this.emit({ type: 'notification', notification: n });
    await this.emitUnread();
    return { id: n.id };
  }

  async markRead(id: string): Promise<Notification | null> {
    const n = await this.store.markRead(id);
    if (n) {
      this.emit({ type: 'read', ids: [id] });
      await this.emitUnread();
    }
    return n;
  }

  async markAllRead(): Promise<number> {
    const marked = await this.store.markAllRead();
    if (marked > 0) {
      this.emit({ type: 'read', ids: 'all' });
      await this.emitUnread();
    }
    return marked;
  }

  /** Registers a live listener; returns its removal. */
  listen(listener: (e: NotificationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NotificationEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async emitUnread(): Promise<void> {
    if (this.listeners.size === 0) return;
    this.emit({ type: 'unread', unread: await this.store.unreadCount() });
  }
}
