// The conversation's recent messages as the model's messages, kept valid for chat-completions: every tool message
// follows the assistant message that called it; orphans (their call cut off at the window's start, or from a failed
// turn) are dropped, and calls that never got their result are taken out of the assistant message.
import type { Message, ModelMessage } from './types.ts';

type AssistantMessage = Extract<ModelMessage, { role: 'assistant' }>;

interface Open {
  message: AssistantMessage;
  /** Call ids still waiting for their tool message. */
  waiting: Set<string>;
}

export function historyMessages(history: Message[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  let open: Open | null = null;

  /** Ends the tool round: unanswered calls leave the message; a message left with nothing is dropped. */
  const close = () => {
    if (!open) return;
    const { message, waiting } = open;
    open = null;
    if (waiting.size === 0) return;
    const calls = (message.tool_calls ?? []).filter((c) => !waiting.has(c.id));
    if (calls.length) message.tool_calls = calls;
    else delete message.tool_calls;
    if (!calls.length && !message.content) out.splice(out.indexOf(message), 1);
  };

  for (const m of history) {
    if (m.role === 'tool') {
      const id = m.tool_call_id;
      if (open && id && open.waiting.delete(id)) out.push({ role: 'tool', content: m.content, tool_call_id: id });
      continue; // an orphan: its assistant message is outside the window, failed, or already answered
    }
    close();
    // The system prompt is built fresh each turn; a failed turn's message says nothing the model should build on.
    if (m.role === 'system' || (m.role === 'assistant' && m.status === 'error')) continue;
    if (m.role === 'user') {
      out.push({ role: 'user', content: m.content });
      continue;
    }
    const calls = [...new Map(m.tool_calls.map((c) => [c.id, c])).values()];
    if (calls.length === 0) {
      if (m.content.trim()) out.push({ role: 'assistant', content: m.content });
      continue;
    }
    const message: AssistantMessage = {
      role: 'assistant',
      content: m.content || null,
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })),
    };
    out.push(message);
    open = { message, waiting: new Set(calls.map((c) => c.id)) };
  }
  close();
  return out;
}
