// The model-backed extractor: one JSON-schema-constrained chat completion per message finds what to remember.
// Retries 429/5xx/network failures with backoff; on any failure the heuristic extractor answers and onError is told,
// so a message is never lost to a model outage, a wrong key or a malformed answer.
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import { OPENAI_BASE_URL } from './embedders/openaiEmbedder.ts';
import { backoffMs, retryAfterMs, sleep } from './embedders/retry.ts';
import { EmbedderAbortedError } from './errors/embedderAbortedError.ts';
import { ExtractorError } from './errors/extractorError.ts';
import type { Extractor } from './evaluate.ts';
import { type Candidate, extractHeuristic } from './extract.ts';
import {
  EXTRACTION_JSON_SCHEMA,
  EXTRACTION_PROMPT,
  EXTRACTION_SCHEMA_NAME,
  parseExtraction,
} from './extractModelOutput.ts';

export interface ModelExtractorOptions {
  /** A ready client; it should have `maxRetries: 0`, or its retries multiply ours. Default: one built from the below. */
  client?: OpenAI;
  /** Default https://api.openai.com/v1. */
  baseUrl?: string | null;
  /** Default none: OpenAI-compatible servers without auth accept any bearer. */
  apiKey?: string;
  /** The chat model, e.g. "gpt-4o-mini". */
  model: string;
  /** Aborts a call in flight or a wait between attempts (the message then goes to the fallback). */
  signal?: AbortSignal;
  /** Tries per message, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff delay; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on a backoff delay and on a server's Retry-After. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Per request, after which it counts as a network failure and is retried. Default 60 000 ms. */
  timeoutMs?: number;
  /** Answers when the model cannot. Default: the heuristic extractor. */
  fallback?: Extractor;
  /** Told of each failure that sent a message to the fallback. */
  onError?: (err: ExtractorError) => void;
}

export function createModelExtractor(options: ModelExtractorOptions): Extractor {
  const baseUrl = (options.baseUrl || OPENAI_BASE_URL).replace(/\/+$/, '');
  const client =
    options.client ??
    new OpenAI({
      // The SDK refuses an empty key; compatible servers without auth accept any bearer.
      apiKey: options.apiKey || 'no-key',
      baseURL: baseUrl,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
    });
  const fallback = options.fallback ?? (async (text: string) => extractHeuristic(text));
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const { signal } = options;

  async function ask(text: string): Promise<Candidate[]> {
    const res = await client.chat.completions.create(
      {
        model: options.model,
        messages: [
          { role: 'system', content: EXTRACTION_PROMPT },
          { role: 'user', content: text },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: { name: EXTRACTION_SCHEMA_NAME, strict: true, schema: EXTRACTION_JSON_SCHEMA },
        },
      },
      { signal },
    );
    const message = res.choices?.[0]?.message;
    if (message?.refusal) {
      throw new ExtractorError('extractor_invalid_output', `the model refused to extract: ${message.refusal}`);
    }
    return parseExtraction(message?.content);
  }

  /** Maps a failure to the error to report, and whether another attempt may help. */
  function classify(err: unknown, attempt: number): { retry: boolean; error: ExtractorError; waitMs?: number } {
    if (err instanceof ExtractorError) return { retry: false, error: err };
    if (signal?.aborted || err instanceof APIUserAbortError || err instanceof EmbedderAbortedError) {
      return {
        retry: false,
        error: new ExtractorError('extractor_aborted', 'memory extraction was aborted', { cause: err }),
      };
    }
    if (!(err instanceof APIError)) {
      const message = err instanceof Error ? err.message : String(err);
      return { retry: false, error: new ExtractorError('extractor_request_failed', message, { cause: err }) };
    }
    const status = err.status;
    if (status === 401) {
      const error = new ExtractorError(
        'extractor_auth_refused',
        `the model API key was refused by ${baseUrl}: set it in Settings → Model`,
        { cause: err, status },
      );
      return { retry: false, error };
    }
    if (status === 404) {
      const error = new ExtractorError(
        'extractor_model_not_found',
        `model ${options.model} not found at ${baseUrl}: check the model name in Settings → Model`,
        { cause: err, status },
      );
      return { retry: false, error };
    }
    // No status means the request never got an answer: refused connection, reset, timeout.
    const retry = status === undefined || status === 429 || status >= 500;
    const what = status === undefined ? `a network error (${err.message})` : `HTTP ${err.message}`;
    const error = new ExtractorError(
      'extractor_request_failed',
      `memory extraction request to ${baseUrl} failed with ${what} after ${attempt} attempt${attempt > 1 ? 's' : ''}`,
      { cause: err, status },
    );
    const asked = retryAfterMs(err.headers);
    return { retry, error, waitMs: asked === undefined ? undefined : Math.min(asked, maxDelayMs) };
  }

  return async function modelExtractor(text: string): Promise<Candidate[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ask(text);
      } catch (err) {
        const failure = classify(err, attempt);
        const last = !failure.retry || attempt >= maxAttempts;
        if (!last) {
          try {
            await sleep(failure.waitMs ?? backoffMs(attempt, baseDelayMs, maxDelayMs), signal);
            continue;
          } catch (aborted) {
            failure.error = classify(aborted, attempt).error;
          }
        }
        options.onError?.(failure.error);
        return fallback(text);
      }
    }
  };
}
