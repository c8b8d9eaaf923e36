// The summary with a model: one completion over a compact digest of the day (its counts, the conversations and their
// key sentences, the files, the errors), asked for a short first-person diary entry a later question can find.
import type { ModelClient } from '../../chat/types.ts';
import type { DayActivity } from './dayActivity.ts';
import { countLines, keySentences } from './extractive.ts';

const DIGEST_CHARS = 8000;
const MODEL_TIMEOUT_MS = 120_000;

const SYSTEM_PROMPT =
  'You are Titan, the user’s local assistant, writing your private end-of-day notes. From the digest of the day, ' +
  'write a short summary (at most 8 sentences, plain text): what the user worked on and asked about, what was ' +
  'decided or found, which files came in or changed, what failed and what may need follow-up. Name people, ' +
  'projects and files exactly as written in the digest. Do not invent anything that is not in the digest.';

export function digestOf(a: DayActivity): string {
  const parts = [`Day: ${a.day}`, ...countLines(a)];
  const key = keySentences(a.messages, 12);
  if (key.length) parts.push('Key sentences:', ...key.map((s) => `- ${s.role}: ${s.text}`));
  const firstAsks = a.messages.filter((m) => m.role === 'user').slice(0, 10);
  if (firstAsks.length) {
    parts.push('User messages (first ones):', ...firstAsks.map((m) => `- [${m.title}] ${m.content.slice(0, 300)}`));
  }
  const text = parts.join('\n');
  return text.length > DIGEST_CHARS ? `${text.slice(0, DIGEST_CHARS - 1)}…` : text;
}

/** Throws when the model fails or writes nothing; the caller falls back to the extractive summary. */
export async function writtenSummary(model: ModelClient, a: DayActivity, signal?: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(MODEL_TIMEOUT_MS);
  let text = '';
  for await (const d of model.stream(
    [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: digestOf(a) },
    ],
    [],
    signal ? AbortSignal.any([signal, timeout]) : timeout,
  )) {
    if (d.type === 'text') text += d.text;
  }
  if (!text.trim()) throw new Error('the model answered with no text');
  return text.trim();
}
