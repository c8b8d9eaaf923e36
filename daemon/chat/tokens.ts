// Token estimates without a tokenizer, for budgets (never for billing): English-like text runs about 4 characters per
// token in OpenAI's tokenizers, Cyrillic about 2.5, CJK about 1 — so each character counts by its script.
import type { ModelMessage } from './types.ts';

/** Twentieths of a token per character (integers, so sums are exact): 4 per token, Cyrillic 2.5, CJK 1. */
const UNITS = { other: 5, cyrillic: 8, wide: 20 };
const PER_TOKEN = 20;
/** Chat-completions wraps every message in a few tokens of its own (role, separators). */
export const MESSAGE_OVERHEAD = 4;

/**
 * An upper-leaning estimate: Σ per-character weights, rounded up, at least 1 for any non-empty text. Estimates of
 * pieces add up to at least the estimate of their concatenation, so packing by pieces never overshoots a budget.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x0400 && c <= 0x052f) units += UNITS.cyrillic;
    else if (c >= 0x2e80 && c <= 0xd7ff) units += UNITS.wide;
    // The second half of a surrogate pair (an emoji): counted with the first.
    else if (c < 0xdc00 || c > 0xdfff) units += UNITS.other;
  }
  return Math.max(1, Math.ceil(units / PER_TOKEN));
}

/** One message as sent: its text, its tool calls' names and arguments, and the per-message overhead. */
export function messageTokens(m: ModelMessage): number {
  let n = MESSAGE_OVERHEAD + estimateTokens(m.content ?? '');
  if (m.role === 'assistant') {
    for (const call of m.tool_calls ?? [])
      n += 3 + estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
  }
  return n;
}
