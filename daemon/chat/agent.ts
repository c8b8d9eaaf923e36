// The agent loop of one turn: stream a round from the model, run the tool calls it asks for (policy, approval,
// validation, audit), feed the results back, and stop at an answer, the tool-round or token limit, an error or the stop.

import { runToolCall, type ToolAuditRecord } from './agentTools.ts';
import type { Approvals } from './approvals.ts';
import { ChatModelError } from './errors/chatModelError.ts';
import { toolSpecs } from './tools/index.ts';
import type {
  ChatTool,
  MessageStatus,
  ModelClient,
  ModelMessage,
  NewMessage,
  ToolCall,
  ToolContext,
  TurnEvent,
} from './types.ts';

export type { ToolAuditRecord } from './agentTools.ts';

export interface TurnOptions {
  model: ModelClient;
  /** The tools offered to the model (a "never" tool may be left out, or kept: its calls are refused). */
  tools: ChatTool[];
  toolContext: ToolContext;
  approvals: Approvals;
  conversationId: string;
  /** The context: system prompt, history, the user's message. Not modified. */
  messages: ModelMessage[];
  /** Rounds of tool calls one answer may take; after the last, the model answers without tools. */
  maxRounds: number;
  /** Tokens (prompt + completion, all rounds) after which no further round starts. */
  maxTokens: number;
  /** The stop button: the answer so far is kept, status partial. */
  signal: AbortSignal;
  emit: (e: TurnEvent) => void;
  audit: (record: ToolAuditRecord) => void;
}

export interface TurnUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Model requests made. */
  rounds: number;
  /** True when a server sent no usage and characters / 4 stood in. */
  estimated: boolean;
}

export interface TurnResult {
  /**
   * The answer: the last round's text (earlier rounds' text is in toolMessages), plus a note when a limit stopped
   * it. For model_not_configured, the message pointing to Settings → Model.
   */
  text: string;
  /**
   * complete: answered (also after the tool-round limit, with a note); partial: stopped by the user or cut at the
   * token limit; error: the model failed (text is what had streamed, or the Settings hint when not configured).
   */
  status: MessageStatus;
  /** Each round's assistant tool-call message and its tool results, in order, ready to be stored. */
  toolMessages: NewMessage[];
  usage: TurnUsage;
  error?: { code: string; message: string };
  /** Which limit ended the turn, when one did. */
  limit?: 'max_rounds' | 'max_tokens';
}

const estimate = (chars: number) => Math.ceil(chars / 4);

function roundsNote(n: number): string {
  return `\n\n_(Titan stopped using tools here: this answer reached its limit of ${n} tool round${n === 1 ? '' : 's'} — Settings → Chat.)_`;
}

function tokensNote(used: number, max: number): string {
  return `\n\n_(Titan stopped this answer: it used ${used} tokens, over its limit of ${max} — Settings → Chat.)_`;
}

/** The last tool message says that no more tool rounds will follow (a mid-conversation system message breaks some servers' templates). */
function withLastRoundHint(messages: ModelMessage[], n: number): ModelMessage[] {
  const last = messages.at(-1);
  if (last?.role !== 'tool') return messages;
  const hint = `\n\n[Titan: that was the last tool round allowed for this answer (${n}). Answer now from what you have, and say what is still missing.]`;
  return [...messages.slice(0, -1), { ...last, content: last.content + hint }];
}

export async function runTurn(o: TurnOptions): Promise<TurnResult> {
  const specs = toolSpecs(o.tools);
  const byName = new Map(o.tools.map((t) => [t.name as string, t]));
  const messages = [...o.messages];
  const toolMessages: NewMessage[] = [];
  const usage: TurnUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, rounds: 0, estimated: false };
  const result = (text: string, status: MessageStatus, more: Partial<TurnResult> = {}): TurnResult => ({
    text,
    status,
    toolMessages,
    usage,
    ...more,
  });

  for (let round = 0; ; round++) {
    const lastRound = round >= o.maxRounds;
    const asked = lastRound ? withLastRoundHint(messages, o.maxRounds) : messages;
    let text = '';
    let calls: ToolCall[] = [];
    let reported: { prompt_tokens: number; completion_tokens: number } | undefined;
    const account = () => {
      usage.rounds += 1;
      if (!reported) usage.estimated = true;
      const prompt = reported?.prompt_tokens ?? estimate(JSON.stringify(asked).length);
      const completion = reported?.completion_tokens ?? estimate(text.length + JSON.stringify(calls).length);
      usage.prompt_tokens += prompt;
      usage.completion_tokens += completion;
      usage.total_tokens += prompt + completion;
    };
    try {
      for await (const d of o.model.stream(asked, lastRound ? [] : specs, o.signal)) {
        if (d.type === 'text') {
          text += d.text;
          o.emit({ type: 'token', text: d.text });
        } else if (d.type === 'tool_calls') calls = d.calls;
        else reported = d;
      }
    } catch (err) {
      account();
      return failed(err, text, o.signal, result);
    }
    account();
    // The round after the last allowed tool round offers no tools; a model that asks anyway gets no more.
    if (lastRound && round > 0) return result(text + roundsNote(o.maxRounds), 'complete', { limit: 'max_rounds' });
    if (calls.length === 0 || lastRound) return result(text, 'complete');
    if (usage.total_tokens >= o.maxTokens) {
      return result(text + tokensNote(usage.total_tokens, o.maxTokens), 'partial', { limit: 'max_tokens' });
    }

    messages.push({
      role: 'assistant',
      content: text || null,
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })),
    });
    toolMessages.push({
      role: 'assistant',
      content: text,
      tool_calls: calls,
      status: 'complete',
      meta: { round: round + 1 },
    });
    // Every call gets a result, even after a stop, so the stored history stays a valid conversation for the model.
    for (const call of calls) {
      const r = await runToolCall(call, { ...o, tools: byName, signal: o.signal });
      messages.push({ role: 'tool', content: r.content, tool_call_id: call.id });
      toolMessages.push({
        role: 'tool',
        content: r.content,
        tool_call_id: call.id,
        status: 'complete',
        meta: { name: call.name, ok: r.ok, outcome: r.outcome },
      });
    }
    if (o.signal.aborted) return result('', 'partial');
  }
}

/** A failed round: stopped → partial with the text so far; not configured → the Settings hint is the answer. */
function failed(
  err: unknown,
  text: string,
  signal: AbortSignal,
  result: (text: string, status: MessageStatus, more?: Partial<TurnResult>) => TurnResult,
): TurnResult {
  const e =
    err instanceof ChatModelError
      ? err
      : new ChatModelError('model_error', `the model failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
  if (signal.aborted || e.code === 'aborted') return result(text, 'partial');
  const error = { code: e.code, message: e.message };
  if (e.code === 'model_not_configured') return result(e.message, 'error', { error });
  return result(text, 'error', { error });
}
