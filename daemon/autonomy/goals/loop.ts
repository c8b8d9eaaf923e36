// The run of a goal as a ReAct loop: the model thinks and calls a tool, the tool's result is its observation, again,
// until it answers — every step reported (and stored by the caller) before the next begins, stopped by the budget
// (tool steps, tokens), by a cancel (the running tool call sees the signal) or by a model failure.
import { runToolCall, type ToolAuditRecord } from '../../chat/agentTools.ts';
import { ChatModelError } from '../../chat/errors/chatModelError.ts';
import { estimateTokens, messageTokens } from '../../chat/tokens.ts';
import { toolSpecs } from '../../chat/tools/index.ts';
import type { ModelClient, ModelMessage, ToolCall, ToolContext } from '../../chat/types.ts';
import type { UnattendedTools } from './access.ts';
import type { Budget, FinalStatus, StepInput } from './types.ts';

export interface LoopOptions {
  model: ModelClient;
  tools: UnattendedTools;
  toolContext: ToolContext;
  /** The system prompt and the goal's instructions. Not modified. */
  messages: ModelMessage[];
  budget: Budget;
  /** The cancel: the model request or the tool call in flight sees it. */
  signal: AbortSignal;
  /** Awaited before the loop goes on, so a stored run never shows less than what happened. */
  step(step: StepInput, totals: { steps: number; tokens: number }): Promise<void>;
  audit(record: ToolAuditRecord): void;
}

export interface LoopResult {
  status: FinalStatus;
  /** The model's final text (status done). */
  answer: string | null;
  /** Tool calls made. */
  steps: number;
  tokens: number;
  /** One sentence for the run history. */
  summary: string;
  error?: { code: string; message: string };
}

interface Round {
  text: string;
  calls: ToolCall[];
  tokens: number;
}

/** One model request: the text and tool calls it streamed, and its tokens (reported, or estimated when not). */
async function ask(o: LoopOptions, messages: ModelMessage[], specs: ReturnType<typeof toolSpecs>): Promise<Round> {
  const round: Round = { text: '', calls: [], tokens: 0 };
  let reported: number | undefined;
  for await (const d of o.model.stream(messages, specs, o.signal)) {
    if (d.type === 'text') round.text += d.text;
    else if (d.type === 'tool_calls') round.calls = d.calls;
    else reported = d.prompt_tokens + d.completion_tokens;
  }
  round.tokens =
    reported ??
    messages.reduce((n, m) => n + messageTokens(m), 0) +
      estimateTokens(round.text) +
      estimateTokens(JSON.stringify(round.calls));
  return round;
}

function parsedArgs(call: ToolCall): unknown {
  try {
    return call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return call.arguments;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function runGoalLoop(o: LoopOptions): Promise<LoopResult> {
  const specs = toolSpecs(o.tools.offered);
  const messages = [...o.messages];
  const totals = { steps: 0, tokens: 0 };
  const { max_steps: maxSteps, max_tokens: maxTokens } = o.budget;
  const end = async (status: FinalStatus, summary: string, more: Partial<LoopResult> = {}): Promise<LoopResult> => {
    if (status !== 'done') await o.step({ kind: 'note', text: summary }, totals);
    return { status, answer: null, summary, ...totals, ...more };
  };
  // The reason says who stopped it: the user's cancel, or the daemon shutting down.
  const cancelled = () => {
    const why = o.signal.reason instanceof Error ? o.signal.reason.message : 'cancelled';
    return end('cancelled', `Stopped after ${plural(totals.steps, 'tool step')}: ${why}.`);
  };

  for (;;) {
    if (o.signal.aborted) return cancelled();
    let round: Round;
    try {
      round = await ask(o, messages, specs);
    } catch (err) {
      if (o.signal.aborted || (err instanceof ChatModelError && err.code === 'aborted')) return cancelled();
      const error =
        err instanceof ChatModelError
          ? { code: err.code, message: err.message }
          : { code: 'model_error', message: `the model failed: ${err instanceof Error ? err.message : String(err)}` };
      return end('failed', `Failed: ${error.message}`, { error });
    }
    totals.tokens += round.tokens;

    if (round.calls.length === 0) {
      await o.step({ kind: 'answer', text: round.text }, totals);
      const summary = round.text.replace(/\s+/g, ' ').trim();
      return end('done', summary.length > 200 ? `${summary.slice(0, 199)}…` : summary || 'Done (no answer text).', {
        answer: round.text,
      });
    }
    if (round.text.trim()) await o.step({ kind: 'thought', text: round.text }, totals);
    if (totals.tokens >= maxTokens) {
      return end(
        'budget_exhausted',
        `Stopped: ${totals.tokens} tokens used, the budget is ${maxTokens}, after ${plural(totals.steps, 'tool step')}. Raise the goal's max_tokens to let it go further.`,
      );
    }

    messages.push({
      role: 'assistant',
      content: round.text || null,
      tool_calls: round.calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })),
    });
    for (const call of round.calls) {
      if (o.signal.aborted) return cancelled();
      if (totals.steps >= maxSteps) {
        return end(
          'budget_exhausted',
          `Stopped before tool step ${totals.steps + 1} (${call.name}): the budget is ${plural(maxSteps, 'step')}. Raise the goal's max_steps to let it go further.`,
        );
      }
      totals.steps += 1;
      await o.step({ kind: 'tool_call', tool: call.name, call_id: call.id, args: parsedArgs(call) }, totals);
      const r = await runToolCall(call, {
        tools: o.tools.callable,
        approvals: o.tools.approvals,
        toolContext: o.toolContext,
        conversationId: o.toolContext.conversationId,
        signal: o.signal,
        emit: () => {},
        audit: o.audit,
      });
      await o.step({ kind: 'observation', tool: call.name, call_id: call.id, text: r.content, ok: r.ok }, totals);
      if (r.outcome === 'aborted' || o.signal.aborted) return cancelled();
      messages.push({ role: 'tool', content: r.content, tool_call_id: call.id });
    }
  }
}
