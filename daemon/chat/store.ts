// ChatStore: conversations and their messages in the Sql store — create, list by cursor, rename, soft delete and
// restore, purge, append and edit messages, page back through long histories, and full-text search.
import type { Sql, SqlQueryable } from '../storage/sql.ts';
import { ChatError } from './errors/chatError.ts';
import {
  CONVERSATION_COLUMNS,
  decodeCursor,
  encodeCursor,
  MESSAGE_COLUMNS,
  nextId,
  ROLES,
  STATUSES,
  toConversation,
  toMessage,
} from './storeRows.ts';
import { countMessages, type SearchHit, type SearchOptions, searchMessages, walkWindow } from './storeSearch.ts';
import type { Conversation, Message, MessageStatus, NewMessage } from './types.ts';

export type { SearchHit, SearchOptions } from './storeSearch.ts';

/** The title of a conversation until it is renamed (or titled from its first message). */
export const DEFAULT_TITLE = 'New conversation';
export const MAX_TITLE_CHARS = 200;

export interface Page<T> {
  items: T[];
  /** Pass it back for the next page; null when there is none. */
  next_cursor: string | null;
}

export interface MessagePatch {
  content?: string;
  status?: MessageStatus;
  /** Merged into the stored meta (top-level keys replace). */
  meta?: Record<string, unknown>;
}

const now = () => new Date().toISOString();
/** A page size within 1…500 (the routes allow up to 200). */
const pageSize = (limit: number | undefined, fallback: number) =>
  limit !== undefined && Number.isFinite(limit) ? Math.min(500, Math.max(1, Math.floor(limit))) : fallback;
const isIso = (s: string) => !Number.isNaN(Date.parse(s));

function checkTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim();
  if (t === '') throw new ChatError('invalid_input', 'a conversation title must not be empty');
  if (t.length > MAX_TITLE_CHARS) {
    throw new ChatError('invalid_input', `a conversation title has at most ${MAX_TITLE_CHARS} characters`);
  }
  return t;
}

function checkMessage(m: NewMessage): void {
  if (!ROLES.includes(m.role)) throw new ChatError('invalid_input', `role must be one of ${ROLES.join(', ')}`);
  if (typeof m.content !== 'string') throw new ChatError('invalid_input', 'a message content must be a string');
  if (m.status !== undefined && !STATUSES.includes(m.status)) {
    throw new ChatError('invalid_input', `status must be one of ${STATUSES.join(', ')}`);
  }
  for (const call of m.tool_calls ?? []) {
    if (typeof call?.id !== 'string' || typeof call.name !== 'string' || typeof call.arguments !== 'string') {
      throw new ChatError('invalid_input', 'a tool call needs a string id, name and arguments');
    }
  }
}

const notFound = (id: string) => new ChatError('conversation_not_found', `no conversation ${id}`);

/** How long the message count that sizes the search walk is reused. */
const COUNT_TTL_MS = 5 * 60_000;

export class ChatStore {
  readonly sql: Sql;
  private counted: { n: number; at: number } | null = null;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async createConversation(opts: { title?: string } = {}): Promise<Conversation> {
    const at = now();
    const [row] = await this.sql.query(
      `INSERT INTO conversations (id, title, created_at, updated_at) VALUES ($1, $2, $3, $3)
       RETURNING ${CONVERSATION_COLUMNS}`,
      [nextId(), opts.title === undefined ? DEFAULT_TITLE : checkTitle(opts.title), at],
    );
    return toConversation(row as Record<string, unknown>);
  }

  /** Newest-updated first (with `deleted`: the deleted ones, most recently deleted first). */
  async listConversations(
    opts: { cursor?: string | null; limit?: number; deleted?: boolean } = {},
  ): Promise<Page<Conversation>> {
    const limit = pageSize(opts.limit, 50);
    const key = opts.deleted ? 'deleted_at' : 'updated_at';
    const kind = opts.deleted ? 'cd' : 'c';
    const params: unknown[] = [limit + 1];
    let after = '';
    if (opts.cursor) {
      const [at, id] = decodeCursor(opts.cursor, kind, 2) as [string, string];
      if (!isIso(at)) throw new ChatError('invalid_cursor', 'the cursor is not one this list gave out');
      after = `AND (${key}, id) < ($2::timestamptz, $3)`;
      params.push(at, id);
    }
    const rows = await this.sql.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations
       WHERE deleted_at IS ${opts.deleted ? 'NOT NULL' : 'NULL'} ${after}
       ORDER BY ${key} DESC, id DESC LIMIT $1`,
      params,
    );
    const items = rows.slice(0, limit).map(toConversation);
    const last = items.at(-1);
    const more = rows.length > limit && last;
    return {
      items,
      next_cursor: more
        ? encodeCursor(kind, (opts.deleted ? last.deleted_at : last.updated_at) as string, last.id)
        : null,
    };
  }

  /** Deleted conversations too (with deleted_at set); a ChatError 'conversation_not_found' when there is none. */
  async getConversation(id: string, db: SqlQueryable = this.sql): Promise<Conversation> {
    const [row] = await db.query(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`, [id]);
    if (!row) throw notFound(id);
    return toConversation(row);
  }

  /** With `onlyIfUntitled`, keeps a title the user already chose (for titling from the first message). */
  async renameConversation(id: string, title: string, opts: { onlyIfUntitled?: boolean } = {}): Promise<Conversation> {
    const [row] = await this.sql.query(
      `UPDATE conversations SET title = $2 WHERE id = $1 ${opts.onlyIfUntitled ? 'AND title = $3' : ''}
       RETURNING ${CONVERSATION_COLUMNS}`,
      opts.onlyIfUntitled ? [id, checkTitle(title), DEFAULT_TITLE] : [id, checkTitle(title)],
    );
    return row ? toConversation(row) : this.getConversation(id);
  }

  /** Soft delete: hidden from lists and search until restored or purged. Deleting twice keeps the first time. */
  async deleteConversation(id: string): Promise<Conversation> {
    const [row] = await this.sql.query(
      `UPDATE conversations SET deleted_at = COALESCE(deleted_at, $2) WHERE id = $1 RETURNING ${CONVERSATION_COLUMNS}`,
      [id, now()],
    );
    if (!row) throw notFound(id);
    return toConversation(row);
  }

  async restoreConversation(id: string): Promise<Conversation> {
    const [row] = await this.sql.query(
      `UPDATE conversations SET deleted_at = NULL WHERE id = $1 RETURNING ${CONVERSATION_COLUMNS}`,
      [id],
    );
    if (!row) throw notFound(id);
    return toConversation(row);
  }

  /** Removes for good the conversations deleted more than `olderThanDays` ago, with their messages; returns how many. */
  async purgeDeleted(olderThanDays: number): Promise<number> {
    const rows = await this.sql.query(
      `DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= now() - make_interval(secs => $1)
       RETURNING id`,
      [Math.max(0, olderThanDays) * 86_400],
    );
    return rows.length;
  }

  /** Appends a message and bumps the conversation's updated_at; a deleted conversation refuses it. */
  async addMessage(conversationId: string, message: NewMessage): Promise<Message> {
    checkMessage(message);
    return this.sql.transaction(async (tx) => {
      const at = now();
      const [conv] = await tx.query<{ deleted_at: unknown }>(
        `UPDATE conversations SET updated_at = GREATEST(updated_at, $2), message_count = message_count + 1
         WHERE id = $1 RETURNING deleted_at`,
        [conversationId, at],
      );
      if (!conv) throw notFound(conversationId);
      if (conv.deleted_at != null) {
        throw new ChatError('conversation_deleted', `conversation ${conversationId} is deleted: restore it first`);
      }
      const [row] = await tx.query(
        `INSERT INTO messages (id, conversation_id, role, content, tool_calls, tool_call_id, status, meta, created_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::jsonb, $9) RETURNING ${MESSAGE_COLUMNS}`,
        [
          nextId(),
          conversationId,
          message.role,
          message.content,
          JSON.stringify(message.tool_calls ?? []),
          message.tool_call_id ?? null,
          message.status ?? 'complete',
          JSON.stringify(message.meta ?? {}),
          at,
        ],
      );
      return toMessage(row as Record<string, unknown>);
    });
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<Message> {
    if (patch.content !== undefined && typeof patch.content !== 'string') {
      throw new ChatError('invalid_input', 'a message content must be a string');
    }
    if (patch.status !== undefined && !STATUSES.includes(patch.status)) {
      throw new ChatError('invalid_input', `status must be one of ${STATUSES.join(', ')}`);
    }
    const [row] = await this.sql.query(
      `UPDATE messages SET content = COALESCE($2, content), status = COALESCE($3, status),
         meta = meta || COALESCE($4::jsonb, '{}'::jsonb)
       WHERE id = $1 RETURNING ${MESSAGE_COLUMNS}`,
      [id, patch.content ?? null, patch.status ?? null, patch.meta ? JSON.stringify(patch.meta) : null],
    );
    if (!row) throw new ChatError('message_not_found', `no message ${id}`);
    return toMessage(row);
  }

  async getMessage(id: string): Promise<Message> {
    const [row] = await this.sql.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [id]);
    if (!row) throw new ChatError('message_not_found', `no message ${id}`);
    return toMessage(row);
  }

  /** One page of a conversation, oldest first; `next_cursor` (pass as `before`) reaches further back. */
  async listMessages(
    conversationId: string,
    opts: { before?: string | null; limit?: number } = {},
  ): Promise<Page<Message>> {
    const limit = pageSize(opts.limit, 50);
    await this.getConversation(conversationId);
    const params: unknown[] = [conversationId, limit + 1];
    if (opts.before) params.push(...decodeCursor(opts.before, 'm', 1));
    const rows = await this.sql.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 ${opts.before ? 'AND id < $3' : ''}
       ORDER BY id DESC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit).map(toMessage).reverse();
    const oldest = items[0];
    return { items, next_cursor: rows.length > limit && oldest ? encodeCursor('m', oldest.id) : null };
  }

  /** The last `n` messages, oldest first: what a turn sends the model as history. */
  async recentMessages(conversationId: string, n: number): Promise<Message[]> {
    if (n < 1) {
      await this.getConversation(conversationId);
      return [];
    }
    return (await this.listMessages(conversationId, { limit: n })).items;
  }

  /** Every message of a conversation, oldest first (for export). */
  async allMessages(conversationId: string): Promise<Message[]> {
    await this.getConversation(conversationId);
    const rows = await this.sql.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY id`,
      [conversationId],
    );
    return rows.map(toMessage);
  }

  /** Full-text search over the messages of conversations that are not deleted; see storeSearch.ts. */
  async search(q: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    if (opts.window !== undefined || opts.conversationId) return searchMessages(this.sql, q, opts);
    if (!this.counted || Date.now() - this.counted.at > COUNT_TTL_MS) {
      this.counted = { n: await countMessages(this.sql), at: Date.now() };
    }
    return searchMessages(this.sql, q, { ...opts, window: walkWindow(opts.candidates ?? 500, this.counted.n) });
  }
}
