// buildContext: what the model gets for one turn — the system prompt (with the date, the allowed folders and the
// retrieved memories and file passages, packed by score into a token budget), the recent messages, the user's text —
// and the same retrieved list as "live context" for the UI, with provenance and scores.
import type { MemoryService } from '../../memory/service.ts';
import type { FilesService } from '../files/service.ts';
import { historyMessages } from './contextHistory.ts';
import { systemPrompt } from './contextPrompt.ts';
import { type Retrieved, retrieveContext } from './contextRetrieve.ts';
import { messageTokens } from './tokens.ts';
import type { LiveContextItem, Message, ModelMessage } from './types.ts';

export { DEFAULT_SYSTEM_PROMPT } from './contextPrompt.ts';

export interface ContextInput {
  /** Settings' chat.system_prompt; blank uses DEFAULT_SYSTEM_PROMPT. */
  systemPrompt: string;
  /** The last N messages of the conversation, oldest first, without the message being answered. */
  history: Message[];
  userText: string;
  memory: MemoryService;
  /** Gives the allowed folders for the prompt and leaves out passages of files no longer allowed. */
  files?: FilesService;
  /** Tokens for retrieved memories and file passages (settings' chat.context_tokens); 0 retrieves nothing. */
  budgetTokens: number;
  /** Default: the current time. */
  now?: Date;
  /** IANA zone for the date in the prompt; default: the machine's. */
  timeZone?: string;
}

export interface BuiltContext {
  messages: ModelMessage[];
  /** Retrieved memories and passages (best first), then one 'recent' item for the history sent. */
  items: LiveContextItem[];
  /** Estimated tokens (see tokens.ts): the prompt alone, the retrieved part, the history, the user's message, all. */
  tokens: { system: number; retrieved: number; history: number; user: number; total: number };
  /** Why retrieval was skipped, when it failed (the turn goes on without it). */
  warnings: string[];
}

export async function buildContext(input: ContextInput): Promise<BuiltContext> {
  const warnings: string[] = [];
  let retrieved: Retrieved = { items: [], text: '', tokens: 0 };
  try {
    retrieved = await retrieveContext(input.memory, input.userText, input.budgetTokens, input.files);
  } catch (err) {
    // An embedder that is down must not cost the user their answer: the model still has its tools and the history.
    warnings.push(`memory retrieval failed: ${(err as Error).message}`);
  }

  const folders =
    input.files
      ?.roots()
      .filter((r) => r.exists && !r.problem)
      .map((r) => r.path) ?? [];
  const prompt = systemPrompt(input.systemPrompt, { now: input.now ?? new Date(), folders, timeZone: input.timeZone });
  // One system message, first: some OpenAI-compatible servers' chat templates refuse a system message elsewhere.
  const system: ModelMessage = { role: 'system', content: retrieved.text ? `${prompt}\n\n${retrieved.text}` : prompt };

  let history = input.history;
  const last = history[history.length - 1];
  // A caller that stored the user's message before reading the history must not send it twice.
  if (last?.role === 'user' && last.content === input.userText) history = history.slice(0, -1);
  const past = historyMessages(history);
  const user: ModelMessage = { role: 'user', content: input.userText };

  const historyTokens = past.reduce((n, m) => n + messageTokens(m), 0);
  const tokens = {
    system: messageTokens({ role: 'system', content: prompt }),
    retrieved: retrieved.tokens,
    history: historyTokens,
    user: messageTokens(user),
    total: messageTokens(system) + historyTokens + messageTokens(user),
  };

  const items = [...retrieved.items];
  if (past.length) {
    const noun = past.length === 1 ? 'message' : 'messages';
    items.push({ kind: 'recent', text: `${past.length} recent ${noun} of this conversation`, tokens: tokens.history });
  }
  return { messages: [system, ...past, user], items, tokens, warnings };
}
