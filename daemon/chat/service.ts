// ChatService: one turn of the assistant — save the user message, build the context (recent messages from the
// short-term cache + retrieved memories and file passages), run the model with tools and approvals, stream the events,
// save the answer (partial on stop) and publish every step on chat.v1. One turn at a time per conversation.
import type { Bus } from '../../bus/bus.ts';
import type { MemoryService } from '../../memory/service.ts';
import type { ShortTermCache } from '../../memory/types.ts';
import type { Settings } from '../config/schema.ts';
import type { FilesService } from '../files/service.ts';
import { runTurn } from './agent.ts';
import type { ToolAuditRecord } from './agentTools.ts';
import type { Approvals } from './approvals.ts';
import { buildContext, DEFAULT_SYSTEM_PROMPT } from './context.ts';
import { ChatError } from './errors/chatError.ts';
import { TurnInProgressError } from './errors/turnInProgressError.ts';
import { type ChatStore, DEFAULT_TITLE } from './store.ts';
import { toolSpecsAllowed } from './toolPolicy.ts';
import { TurnStream } from './turnStream.ts';
import type { ChatTool, Message, ModelClient, NewMessage, TurnEvent } from './types.ts';

export interface ChatServiceOptions {
  store: ChatStore;
  model: ModelClient;
  /** The tools on offer, read per turn: the built-in ones plus those plugins and MCP servers add (a ToolRegistry). */
  tools: () => ChatTool[];
  approvals: Approvals;
  files: FilesService;
  memory: MemoryService;
  bus: Bus;
  cache: ShortTermCache;
  settings: () => Settings;
  audit: (record: ToolAuditRecord) => void;
  onError?: (err: unknown, what: string) => void;
}

export interface SendInput {
  text: string;
  /** Paths (inside the allowed folders) of files attached to this message. */
  attachments?: string[];
}

interface ActiveTurn {
  controller: AbortController;
  stream: TurnStream;
}

/** A cached message: enough to rebuild the model's view of the recent conversation. */
type Cached = Pick<Message, 'id' | 'role' | 'content' | 'tool_calls' | 'tool_call_id' | 'status' | 'created_at'>;

export class ChatService {
  private readonly o: ChatServiceOptions;
  private readonly active = new Map<string, ActiveTurn>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(opts: ChatServiceOptions) {
    this.o = opts;
  }

  /** Starts a turn and returns its event stream at once; the turn runs on even if nobody listens. */
  async send(conversationId: string, input: SendInput): Promise<TurnStream> {
    const conversation = await this.o.store.getConversation(conversationId);
    if (conversation.deleted_at) {
      throw new ChatError(
        'conversation_deleted',
        `conversation ${conversationId} is deleted: restore it to continue it`,
      );
    }
    if (this.active.has(conversationId)) throw new TurnInProgressError(conversationId);
    const controller = new AbortController();
    const stream = new TurnStream();
    this.active.set(conversationId, { controller, stream });
    const run = this.turn(conversationId, conversation.title, input, controller.signal, stream)
      .catch((err) => {
        this.o.onError?.(err, 'chat turn');
        stream.push({
          type: 'error',
          code: 'internal',
          message: 'the answer failed inside Titan; the log has the details',
        });
      })
      .finally(() => {
        stream.end();
        this.active.delete(conversationId);
        this.running.delete(run);
      });
    this.running.add(run);
    return stream;
  }

  /** The stop button: aborts the running turn; its partial answer is kept. False when nothing is running. */
  stop(conversationId: string): boolean {
    const turn = this.active.get(conversationId);
    if (!turn) return false;
    turn.controller.abort(new Error('stopped by the user'));
    return true;
  }

  /** The conversation (throws ChatNotFound-style errors like the store): for routes that only need to know it exists. */
  conversation(conversationId: string) {
    return this.o.store.getConversation(conversationId);
  }

  /** The running turn's stream, to re-attach after a reload. */
  streamOf(conversationId: string): TurnStream | null {
    return this.active.get(conversationId)?.stream ?? null;
  }

  /** The recent messages, from the cache when it has them (the fast path), else from the store. */
  async recent(conversationId: string, limit: number): Promise<{ source: 'cache' | 'store'; messages: Cached[] }> {
    const cached = await this.o.cache.recent(conversationId, limit).catch(() => []);
    if (cached.length > 0) return { source: 'cache', messages: cached.map((c) => JSON.parse(c) as Cached) };
    await this.o.store.getConversation(conversationId);
    const stored = await this.o.store.recentMessages(conversationId, limit);
    return { source: 'store', messages: stored.map(cachedOf) };
  }

  /**
   * Adds a message outside a turn (an assistant's reaction to an event, written by a trigger) to the store and the
   * short-term cache, so the next turns' history has it too.
   */
  async addMessage(conversationId: string, message: NewMessage): Promise<Message> {
    const stored = await this.o.store.addMessage(conversationId, message);
    await this.remember(stored);
    return stored;
  }

  private async remember(m: Message): Promise<void> {
    await this.o.cache
      .push(m.conversation_id, JSON.stringify(cachedOf(m)))
      .catch((err) => this.o.onError?.(err, 'chat cache'));
  }

  private async publish(type: string, payload: Record<string, unknown>): Promise<void> {
    try {
      await this.o.bus.publish('chat.v1', type, payload, { source: 'chat' });
    } catch (err) {
      this.o.onError?.(err, `publishing ${type}`);
    }
  }

  private async turn(id: string, title: string, input: SendInput, signal: AbortSignal, stream: TurnStream) {
    const s = this.o.settings();
    const { store } = this.o;
    const attachments = input.attachments ?? [];
    const text = attachments.length
      ? `${input.text}\n\n${attachments.map((p) => `[attached: ${p}]`).join('\n')}`
      : input.text;
    const history = (await this.recent(id, s.chat.history_messages)).messages;
    const user = await store.addMessage(id, {
      role: 'user',
      content: text,
      meta: attachments.length ? { attachments } : {},
    });
    stream.push({ type: 'message', message: user });
    await this.remember(user);
    if (title === DEFAULT_TITLE) {
      await store.renameConversation(id, titleFrom(input.text), { onlyIfUntitled: true }).catch(() => {});
    }
    // The memory group evaluates this off the reply path.
    await this.publish('message.created', {
      conversation_id: id,
      message_id: user.id,
      role: 'user',
      text: input.text,
      attachments,
    });

    const context = await buildContext({
      systemPrompt: s.chat.system_prompt.trim() || DEFAULT_SYSTEM_PROMPT,
      history: history.map((m) => ({ ...m, conversation_id: id, meta: {} })) as Message[],
      userText: text,
      memory: this.o.memory,
      files: this.o.files,
      budgetTokens: s.chat.context_tokens,
    });
    stream.push({ type: 'context', items: context.items });

    const result = await runTurn({
      model: this.o.model,
      tools: toolSpecsAllowed(this.o.tools(), (tool) => this.o.approvals.policyOf(tool)),
      toolContext: { files: this.o.files, memory: this.o.memory, who: `chat:${id}`, conversationId: id, signal },
      approvals: this.o.approvals,
      conversationId: id,
      messages: context.messages,
      maxRounds: s.chat.max_tool_rounds,
      maxTokens: s.chat.max_turn_tokens,
      signal,
      emit: (e: TurnEvent) => {
        stream.push(e);
        if (e.type === 'tool_call' || e.type === 'approval_decided') {
          void this.publish(e.type.replace('_', '.'), { conversation_id: id, ...e });
        } else if (e.type === 'tool_result') {
          // A result can be 20k characters: the bus gets a summary that fits an event, the stored message keeps it all.
          const text = JSON.stringify(e.result) ?? '';
          void this.publish('tool.result', {
            conversation_id: id,
            call_id: e.call_id,
            name: e.name,
            ok: e.ok,
            result: text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : e.result,
          });
        }
      },
      audit: this.o.audit,
    });

    for (const m of result.toolMessages) await this.remember(await store.addMessage(id, m));
    const answer = await store.addMessage(id, {
      role: 'assistant',
      content: result.text,
      status: result.status,
      meta: {
        context: context.items.map(({ text: _t, ...rest }) => rest),
        ...(result.usage ? { usage: result.usage } : {}),
        ...(result.error ? { error: result.error } : {}),
      },
    });
    await this.remember(answer);
    stream.push({ type: 'message', message: answer });
    if (result.error) stream.push({ type: 'error', ...result.error });
    await this.publish('message.created', {
      conversation_id: id,
      message_id: answer.id,
      role: 'assistant',
      text: result.text,
      status: result.status,
    });
    stream.push({ type: 'done', message_id: answer.id, status: result.status });
  }

  /** Stops every turn and waits for them to save what they have. */
  async close(): Promise<void> {
    for (const t of this.active.values()) t.controller.abort(new Error('Titan is shutting down'));
    await Promise.allSettled([...this.running]);
  }
}

function cachedOf(m: Message): Cached {
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    tool_calls: m.tool_calls,
    tool_call_id: m.tool_call_id,
    status: m.status,
    created_at: m.created_at,
  };
}

/** The first line of the first message, shortened at a word: what the conversation is about. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (line.length <= 60) return line || DEFAULT_TITLE;
  return `${line.slice(0, 59).replace(/\s+\S*$/, '')}…`;
}
