// Embeddings from OpenAI or any OpenAI-compatible endpoint (e.g. Ollama): batched, retried with backoff, typed errors.
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import { EmbedderAbortedError } from '../errors/embedderAbortedError.ts';
import { EmbedderAuthError } from '../errors/embedderAuthError.ts';
import { EmbedderConfigError } from '../errors/embedderConfigError.ts';
import { EmbedderDimensionsError } from '../errors/embedderDimensionsError.ts';
import { EmbedderModelNotFoundError } from '../errors/embedderModelNotFoundError.ts';
import { EmbedderRequestError } from '../errors/embedderRequestError.ts';
import { EmptyTextError } from '../errors/emptyTextError.ts';
import type { Embedder } from '../types.ts';
import { batchRanges } from './batches.ts';
import { backoffMs, retryAfterMs, sleep } from './retry.ts';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiEmbedderOptions {
  provider: 'openai' | 'openai-compatible';
  /** Default https://api.openai.com/v1 for "openai" (set it to go through a proxy); required for "openai-compatible". */
  baseUrl?: string | null;
  /** Required for "openai"; optional for compatible servers (Ollama ignores it). */
  apiKey?: string;
  /** e.g. "text-embedding-3-large" or "nomic-embed-text". */
  model: string;
  /** Sent to text-embedding-3-* models; for any other model, the length its vectors must have. */
  dimensions: number;
  /** Tries per batch, the first included. Default 5. */
  maxAttempts?: number;
  /** Inputs per request. Default 96. */
  maxBatchInputs?: number;
  /** Estimated tokens per request. Default 8000. */
  maxBatchTokens?: number;
  /** First backoff delay; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on a backoff delay and on a server's Retry-After. Default 60 000 ms. */
  maxDelayMs?: number;
  /** Per request, after which it counts as a network failure and is retried. Default 60 000 ms. */
  timeoutMs?: number;
}

/** Only the text-embedding-3 family accepts a `dimensions` parameter (Matryoshka truncation). */
export function acceptsDimensions(model: string): boolean {
  return model.startsWith('text-embedding-3');
}

function resolveBaseUrl(options: OpenAiEmbedderOptions): string {
  if (options.baseUrl) return options.baseUrl.replace(/\/+$/, '');
  if (options.provider === 'openai') return OPENAI_BASE_URL;
  throw new EmbedderConfigError('the openai-compatible embeddings provider needs a base URL: set embeddings.base_url');
}

// The contract says L2-normalised; OpenAI's vectors are, but not every compatible server's are.
function unit(v: number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? v : v.map((x) => x / norm);
}

export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly baseUrl: string;
  private readonly client: OpenAI;
  private readonly options: Required<
    Pick<OpenAiEmbedderOptions, 'maxAttempts' | 'maxBatchInputs' | 'maxBatchTokens' | 'baseDelayMs' | 'maxDelayMs'>
  >;

  constructor(options: OpenAiEmbedderOptions) {
    this.baseUrl = resolveBaseUrl(options);
    if (options.provider === 'openai' && !options.apiKey) {
      throw new EmbedderConfigError('the openai embeddings provider needs an API key: set it in Settings → Model');
    }
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.options = {
      maxAttempts: options.maxAttempts ?? 5,
      maxBatchInputs: options.maxBatchInputs ?? 96,
      maxBatchTokens: options.maxBatchTokens ?? 8000,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 60_000,
    };
    this.client = new OpenAI({
      // The SDK refuses an empty key; compatible servers without auth accept any bearer.
      apiKey: options.apiKey || 'no-key',
      baseURL: this.baseUrl,
      // Our retry loop is the only one: the SDK's would multiply attempts and ignore our limits.
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
    });
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    texts.forEach((t, i) => {
      if (t.trim().length === 0) throw new EmptyTextError(i);
    });
    const out: number[][] = [];
    // Sequential on purpose: parallel batches would only hit the provider's rate limit sooner.
    for (const [start, end] of batchRanges(texts, this.options.maxBatchInputs, this.options.maxBatchTokens)) {
      out.push(...(await this.embedBatchWithRetries(texts.slice(start, end), signal)));
    }
    return out;
  }

  private async embedBatchWithRetries(batch: string[], signal?: AbortSignal): Promise<number[][]> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.embedBatch(batch, signal);
      } catch (err) {
        const failure = this.classify(err, attempt, signal);
        if (!failure.retry || attempt >= maxAttempts) throw failure.error;
        const asked = failure.retryAfterMs;
        await sleep(
          asked === undefined ? backoffMs(attempt, baseDelayMs, maxDelayMs) : Math.min(asked, maxDelayMs),
          signal,
        );
      }
    }
  }

  private async embedBatch(batch: string[], signal?: AbortSignal): Promise<number[][]> {
    const res = await this.client.embeddings.create(
      {
        model: this.model,
        input: batch,
        // Explicit floats: the SDK's default base64 is not understood by every compatible server.
        encoding_format: 'float',
        ...(acceptsDimensions(this.model) ? { dimensions: this.dimensions } : {}),
      },
      { signal },
    );
    if (!Array.isArray(res.data) || res.data.length !== batch.length) {
      throw new EmbedderRequestError(
        `the embeddings endpoint at ${this.baseUrl} returned ${res.data?.length ?? 0} vectors for ${batch.length} texts`,
        undefined,
        1,
      );
    }
    const ordered = [...res.data].sort((a, b) => a.index - b.index);
    return ordered.map((d) => {
      if (d.embedding.length !== this.dimensions) {
        throw new EmbedderDimensionsError(this.model, this.dimensions, d.embedding.length);
      }
      return unit(d.embedding);
    });
  }

  /** Maps a failure to the typed error to throw, and whether another attempt may help. */
  private classify(
    err: unknown,
    attempt: number,
    signal?: AbortSignal,
  ): { retry: boolean; error: Error; retryAfterMs?: number } {
    if (signal?.aborted || err instanceof APIUserAbortError || err instanceof EmbedderAbortedError) {
      return {
        retry: false,
        error: err instanceof EmbedderAbortedError ? err : new EmbedderAbortedError({ cause: err }),
      };
    }
    if (!(err instanceof APIError)) return { retry: false, error: err instanceof Error ? err : new Error(String(err)) };
    const status = err.status;
    if (status === 401) return { retry: false, error: new EmbedderAuthError({ cause: err }) };
    if (status === 404)
      return { retry: false, error: new EmbedderModelNotFoundError(this.model, this.baseUrl, { cause: err }) };
    // No status means the request never got an answer: refused connection, reset, timeout.
    const retry = status === undefined || status === 429 || status >= 500;
    const what = status === undefined ? `a network error (${err.message})` : `HTTP ${err.message}`;
    const error = new EmbedderRequestError(
      `embeddings request to ${this.baseUrl} failed with ${what}${retry ? ` after ${attempt} attempts` : ''}`,
      status,
      attempt,
      { cause: err },
    );
    return { retry, error, retryAfterMs: retryAfterMs(err.headers) };
  }
}
