// The chat store's row mapping and opaque page cursors: rows of `conversations`/`messages` → the shared chat types.
import { monotonicFactory } from 'ulid';
import { ChatError } from './errors/chatError.ts';
import type { Conversation, Message, MessageStatus, Role, ToolCall } from './types.ts';

export const ROLES: readonly Role[] = ['system', 'user', 'assistant', 'tool'];
export const STATUSES: readonly MessageStatus[] = ['complete', 'partial', 'error'];

/** Monotonic within the process: two messages saved in the same millisecond still sort in the order they were made. */
export const nextId = monotonicFactory();

export const CONVERSATION_COLUMNS = 'id, title, created_at, updated_at, deleted_at, message_count';
export const MESSAGE_COLUMNS = 'id, conversation_id, role, content, tool_calls, tool_call_id, status, meta, created_at';

const iso = (x: unknown): string | null => (x == null ? null : new Date(x as string | Date).toISOString());

export function toConversation(row: Record<string, unknown>): Conversation {
  return {
    id: row.id as string,
    title: row.title as string,
    created_at: iso(row.created_at) as string,
    updated_at: iso(row.updated_at) as string,
    deleted_at: iso(row.deleted_at),
    message_count: Number(row.message_count),
  };
}

export function toMessage(row: Record<string, unknown>): Message {
  return {
    id: row.id as string,
    conversation_id: row.conversation_id as string,
    role: row.role as Role,
    content: row.content as string,
    tool_calls: (row.tool_calls as ToolCall[]) ?? [],
    tool_call_id: (row.tool_call_id as string | null) ?? null,
    status: row.status as MessageStatus,
    meta: (row.meta as Record<string, unknown>) ?? {},
    created_at: iso(row.created_at) as string,
  };
}

/** A cursor is base64url JSON of where the previous page ended, tagged with the list it belongs to. */
export function encodeCursor(kind: string, ...at: string[]): string {
  return Buffer.from(JSON.stringify([kind, ...at])).toString('base64url');
}

/** The positions a cursor holds; a ChatError 'invalid_cursor' for anything that is not one of this list's cursors. */
export function decodeCursor(cursor: string, kind: string, parts: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== kind ||
    parsed.length !== parts + 1 ||
    !parsed.every((p) => typeof p === 'string' && p.length > 0 && p.length < 100)
  ) {
    throw new ChatError('invalid_cursor', 'the cursor is not one this list gave out: start again without it');
  }
  return parsed.slice(1) as string[];
}
