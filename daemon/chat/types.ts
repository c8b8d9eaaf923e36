// The chat feature's shared shapes: stored conversations and messages, the model's stream, tools, approvals, the
// turn's events (what the UI receives over SSE and what chat.v1 carries) and the live context.
import type { GenericSchema } from 'valibot';
import type { MemoryService } from '../../memory/service.ts';
import type { ChatToolName } from '../config/schema.ts';
import type { FilesService } from '../files/service.ts';

export type Role = 'system' | 'user' | 'assistant' | 'tool';
/** complete: a finished message; partial: stopped or cut off, the text so far is kept; error: the turn failed. */
export type MessageStatus = 'complete' | 'partial' | 'error';

export interface ToolCall {
  /** The model's id for the call (tool results refer to it). */
  id: string;
  name: string;
  /** The raw JSON text of the arguments, as the model sent it. */
  arguments: string;
}

export interface Conversation {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  /** Set when deleted (recoverable); null otherwise. */
  deleted_at: string | null;
  message_count: number;
}

export interface Message {
  id: string;
  conversation_id: string;
  role: Role;
  content: string;
  tool_calls: ToolCall[];
  /** For role 'tool': the call it answers. */
  tool_call_id: string | null;
  status: MessageStatus;
  created_at: string;
  /** Anything else worth keeping: attachments, live context used, token usage, the error. */
  meta: Record<string, unknown>;
}

export interface NewMessage {
  role: Role;
  content: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string | null;
  status?: MessageStatus;
  meta?: Record<string, unknown>;
}

/** What goes to the model: OpenAI chat-completions message shape. */
export type ModelMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    }
  | { role: 'tool'; content: string; tool_call_id: string };

/** One piece of a streamed answer. */
export type ModelDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_calls'; calls: ToolCall[] }
  | { type: 'usage'; prompt_tokens: number; completion_tokens: number };

export interface ToolSpecForModel {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ModelClient {
  /** Streams one completion; rejects with a ChatModelError (typed code, message a user can act on). */
  stream(messages: ModelMessage[], tools: ToolSpecForModel[], signal: AbortSignal): AsyncIterable<ModelDelta>;
}

export interface ToolContext {
  files: FilesService;
  memory: MemoryService;
  /** Who is acting, for the audit trail: "chat:<conversation id>". */
  who: string;
  conversationId: string;
  signal: AbortSignal;
}

export interface ChatTool {
  /** A built-in tool's name (ChatToolName), or a plugin's or an MCP server's, prefixed by its source. */
  name: ChatToolName | (string & {});
  description: string;
  /** Validates the model's arguments; the JSON schema sent to the model is derived from it. */
  schema: GenericSchema;
  /**
   * The arguments' JSON schema as given, for tools not defined with valibot (plugins, MCP servers): sent to the
   * model as is, while `schema` only checks that the arguments are an object and the tool's owner validates them.
   */
  parameters?: Record<string, unknown>;
  /** read: looks only; write: changes files or memory (default approval "ask"). */
  risk: 'read' | 'write';
  run(args: unknown, ctx: ToolContext): Promise<unknown>;
}

export type ApprovalDecision = 'approved' | 'denied';

/** One memory or file passage the answer was given, with where it came from and how it scored. */
export interface LiveContextItem {
  kind: 'memory' | 'file' | 'recent';
  memory_id?: string;
  path?: string;
  page?: number | null;
  text: string;
  score?: number;
  parts?: Record<string, unknown>;
  tokens: number;
}

/** The events of one turn, in order: streamed to the UI and (except tokens) published on chat.v1. */
export type TurnEvent =
  | { type: 'context'; items: LiveContextItem[] }
  | { type: 'token'; text: string }
  | { type: 'tool_call'; call: ToolCall; approval: 'auto' | 'ask' | 'never' }
  | { type: 'approval_required'; approval_id: string; call: ToolCall }
  | { type: 'approval_decided'; approval_id: string; decision: ApprovalDecision }
  | { type: 'tool_result'; call_id: string; name: string; ok: boolean; result: unknown }
  | { type: 'message'; message: Message }
  | { type: 'error'; code: string; message: string }
  | { type: 'done'; message_id: string; status: MessageStatus };
