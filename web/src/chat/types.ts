// The chat API's shapes as the screen uses them (daemon/chat/types.ts is the source of truth).
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls: ToolCall[];
  tool_call_id: string | null;
  status: 'complete' | 'partial' | 'error';
  created_at: string;
  meta: Record<string, unknown>;
}

export interface Conversation {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  message_count: number;
}

export interface ContextItem {
  kind: 'memory' | 'file' | 'recent';
  memory_id?: string;
  path?: string;
  page?: number | null;
  text?: string;
  score?: number;
  tokens: number;
}

export interface SearchHit {
  conversation_id: string;
  conversation_title: string;
  message_id: string;
  role: string;
  snippet: string;
  rank: number;
  created_at: string;
}

/** Messages not loaded between two loaded stretches (after a jump to an older message). */
export interface Gap {
  gap: true;
  /** The id of the first loaded message below the gap: the next page to fetch is the one just before it. */
  below: string;
}

export type Row = Message | Gap;
export const isGap = (r: Row): r is Gap => 'gap' in r;
export const rowKey = (r: Row) => (isGap(r) ? 'gap' : r.id);

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
