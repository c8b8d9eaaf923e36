// NotificationStore: the notifications table — add (keeping only the newest ~1000), list newest first by cursor with
// the unread count, and mark one or all read.
import { monotonicFactory } from 'ulid';
import type { Sql } from '../../storage/sql.ts';
import type { NotificationInput } from '../types.ts';

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
  /** Pass it back as `before` for older ones; null when there are none. */
  next_cursor: string | null;
}

const COLUMNS = 'id, title, body, level, source, conversation_id, created_at, read_at';
const iso = (x: unknown): string | null => (x == null ? null : new Date(x as string | Date).toISOString());
// Monotonic: two notifications in one millisecond still list in the order they were raised.
const nextId = monotonicFactory();

function toNotification(row: Record<string, unknown>): Notification {
  return {
    id: row.id as string,
    title: row.title as string,
    body: row.body as string,
    level: row.level as Notification['level'],
    source: row.source as string,
    conversation_id: (row.conversation_id as string | null) ?? null,
    created_at: iso(row.created_at) as string,
    read_at: iso(row.read_at),
  };
}

export class NotificationStore {
  private readonly sql: Sql;
  private readonly keep: number;

  /** `keep`: how many notifications are kept, the oldest dropped first. Default: 1000. */
  constructor(sql: Sql, keep = 1000) {
    this.sql = sql;
    this.keep = keep;
  }

  async add(input: Required<Omit<NotificationInput, 'conversation_id'>> & { conversation_id: string | null }) {
    const [row] = await this.sql.query(
      `INSERT INTO notifications (id, title, body, level, source, conversation_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [nextId(), input.title, input.body, input.level, input.source, input.conversation_id, new Date().toISOString()],
    );
    await this.sql.query(
      `DELETE FROM notifications WHERE id < (SELECT id FROM notifications ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [this.keep - 1],
    );
    return toNotification(row as Record<string, unknown>);
  }

  async list(opts: { limit: number; before?: string; unread?: boolean }): Promise<NotificationPage> {
    const params: unknown[] = [opts.limit + 1];
    const where: string[] = [];
    if (opts.before) {
      params.push(opts.before);
      where.push(`id < $${params.length}`);
    }
    if (opts.unread) where.push('read_at IS NULL');
    const rows = await this.sql.query(
      `SELECT ${COLUMNS} FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $1`,
      params,
    );
    const items = rows.slice(0, opts.limit).map(toNotification);
    const last = items.at(-1);
    return {
      items,
      unread: await this.unreadCount(),
      next_cursor: rows.length > opts.limit && last ? last.id : null,
    };
  }

  async unreadCount(): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notifications WHERE read_at IS NULL',
    );
    return row?.n ?? 0;
  }

  /** Marks one read (reading it twice keeps the first time); null when there is none. */
  async markRead(id: string): Promise<Notification | null> {
    const [row] = await this.sql.query(
      `UPDATE notifications SET read_at = COALESCE(read_at, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, new Date().toISOString()],
    );
    return row ? toNotification(row) : null;
  }

  /** Marks every unread one read; returns how many were unread. */
  async markAllRead(): Promise<number> {
    const rows = await this.sql.query('UPDATE notifications SET read_at = $1 WHERE read_at IS NULL RETURNING id', [
      new Date().toISOString(),
    ]);
    return rows.length;
  }
}
