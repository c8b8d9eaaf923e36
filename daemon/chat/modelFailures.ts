// What the chat model's settings point at (or why they point nowhere), and how a failed request maps to a
// ChatModelError a user can act on, with whether another attempt may help.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { OPENAI_BASE_URL } from '../../memory/embedders/openaiEmbedder.ts';
import { retryAfterMs } from '../../memory/embedders/retry.ts';
import type { Settings } from '../config/schema.ts';
import { ChatModelError } from './errors/chatModelError.ts';

export type ModelSettings = Settings['model'];

export interface ModelTarget {
  provider: 'openai' | 'openai-compatible';
  baseUrl: string;
  apiKey: string;
  model: string;
}

const WHERE = 'in Settings → Model';

/** The endpoint to ask, or model_not_configured saying what to fill in. */
export function modelTarget(s: ModelSettings): ModelTarget {
  const fail = (message: string) => {
    throw new ChatModelError('model_not_configured', message);
  };
  if (s.provider === 'none') {
    fail(
      `The chat model is turned off (provider "none"). To chat, choose OpenAI with an API key, or an ` +
        `OpenAI-compatible server (Ollama, LM Studio, vLLM) with its base URL, ${WHERE}.`,
    );
  }
  if (s.provider === 'openai' && !s.api_key && !s.base_url) {
    fail(
      `No chat model is set up yet: enter your OpenAI API key ${WHERE}, or choose "OpenAI-compatible" there and ` +
        `give the base URL of a local server (Ollama: http://127.0.0.1:11434/v1, LM Studio: http://127.0.0.1:1234/v1).`,
    );
  }
  if (s.provider === 'openai-compatible' && !s.base_url) {
    fail(
      `The OpenAI-compatible model provider needs the server's base URL (Ollama: http://127.0.0.1:11434/v1, ` +
        `LM Studio: http://127.0.0.1:1234/v1, vLLM: http://127.0.0.1:8000/v1): set it ${WHERE}.`,
    );
  }
  if (!s.model.trim())
    fail(`No chat model name is set: enter one ${WHERE} (e.g. gpt-4o-mini, or llama3.1 for Ollama).`);
  return {
    provider: s.provider as ModelTarget['provider'],
    baseUrl: (s.base_url || OPENAI_BASE_URL).replace(/\/+$/, ''),
    apiKey: s.api_key,
    model: s.model.trim(),
  };
}

export interface FailureContext {
  target: ModelTarget;
  attempt: number;
  /** The caller's signal had fired. */
  aborted: boolean;
  /** The answer had begun (status 200, chunks coming) when it failed. */
  midStream: boolean;
  /** Our timer (no answer, or no next chunk, within timeoutMs) had fired. */
  timedOut: boolean;
  timeoutMs: number;
}

export interface Failure {
  retry: boolean;
  error: ChatModelError;
  /** The server's Retry-After, when it sent one. */
  waitMs?: number;
}

/** The server's own words: OpenAI-shaped bodies carry `error.message`; the SDK prefixes the status otherwise. */
function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' && body.message ? body.message : err.message;
}

/** ECONNREFUSED, ENOTFOUND, … from the error or its causes (fetch wraps the socket error one or two levels down). */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = (e as { cause?: unknown }).cause ?? inner;
  }
  return undefined;
}

const UNKNOWN_MODEL = /model.*(not found|does not exist|unknown|no such|not available)|(unknown|invalid) model/i;

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

export function classifyModelFailure(err: unknown, ctx: FailureContext): Failure {
  const { baseUrl, model } = ctx.target;
  const make = (code: ConstructorParameters<typeof ChatModelError>[0], message: string, status?: number) =>
    new ChatModelError(code, message, { cause: err, status });
  if (err instanceof ChatModelError) return { retry: false, error: err };
  if (ctx.aborted) return { retry: false, error: make('aborted', 'the answer was stopped') };
  if (ctx.timedOut || err instanceof APIConnectionTimeoutError) {
    const s = Math.round(ctx.timeoutMs / 100) / 10;
    const message = `The model server at ${baseUrl} sent nothing for ${s} s: it may be overloaded or still loading "${model}". Try again.`;
    return { retry: false, error: make('model_timeout', message) };
  }
  if (err instanceof APIUserAbortError) return { retry: false, error: make('aborted', 'the answer was stopped') };
  if (ctx.midStream && !(err instanceof APIError)) {
    const why = networkCode(err) ?? (err instanceof Error ? err.message : String(err));
    return {
      retry: true,
      error: make(
        'model_error',
        `The connection to the model server at ${baseUrl} broke off mid-answer (${why}). Try again.`,
      ),
    };
  }
  if (err instanceof APIConnectionError || (!(err instanceof APIError) && networkCode(err))) {
    const code = networkCode(err);
    const why =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `its host name does not resolve (${code}): is there a network connection, and is the base URL right?`
        : `${code ?? (err as Error).message}: is the server running, and is the base URL right?`;
    return {
      retry: true,
      error: make('model_unreachable', `Cannot reach the model server at ${baseUrl}: ${why} (${WHERE})`),
    };
  }
  if (!(err instanceof APIError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { retry: false, error: make('model_error', `The model request to ${baseUrl} failed: ${message}`) };
  }
  const status = err.status;
  const said = serverMessage(err);
  if (status === 401 || status === 403) {
    const message =
      status === 401
        ? `The model server at ${baseUrl} refused the API key (HTTP 401: ${said}): check the key ${WHERE}.`
        : `The model server at ${baseUrl} refused access (HTTP 403: ${said}): the key may not be allowed to use "${model}"; check it ${WHERE}.`;
    return { retry: false, error: make('model_auth', message, status) };
  }
  if (status === 404 || err.code === 'model_not_found' || (status === 400 && UNKNOWN_MODEL.test(said))) {
    const hint = ctx.target.provider === 'openai-compatible' ? ` (for Ollama: ollama pull ${model})` : '';
    const message = `The model "${model}" was not found at ${baseUrl} (${status ? `HTTP ${status}: ` : ''}${said}): check the model name ${WHERE}${hint}.`;
    return { retry: false, error: make('model_not_found', message, status) };
  }
  if (status === 429) {
    if (err.code === 'insufficient_quota') {
      const message = `The model account at ${baseUrl} is out of quota (HTTP 429: ${said}): check the plan and billing, or use another key ${WHERE}.`;
      return { retry: false, error: make('model_rate_limited', message, status) };
    }
    const message = `The model server at ${baseUrl} is rate-limiting requests (HTTP 429: ${said}) and still was after ${attempts(ctx.attempt)}: wait a minute and try again.`;
    return { retry: true, error: make('model_rate_limited', message, status), waitMs: retryAfterMs(err.headers) };
  }
  if (status === 400 || status === 422) {
    const message = `The model server at ${baseUrl} rejected the request (HTTP ${status}): ${said}`;
    return { retry: false, error: make('model_bad_request', message, status) };
  }
  const retry = status === undefined || status >= 500 || status === 408 || status === 409;
  const what = status === undefined ? said : `HTTP ${status}: ${said}`;
  const message = `The model server at ${baseUrl} failed (${what})${retry ? ` after ${attempts(ctx.attempt)}` : ''}. Try again.`;
  return { retry, error: make('model_error', message, status), waitMs: retryAfterMs(err.headers) };
}
