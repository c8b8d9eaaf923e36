// The chat model could not answer (or was stopped); a stable code says why and the message says what to do about it.
export type ChatModelErrorCode =
  /** Provider "none", or no API key (OpenAI) / no base URL (compatible server): nothing to ask. */
  | 'model_not_configured'
  /** HTTP 401/403: the key is wrong, missing or lacks access; retrying cannot help. */
  | 'model_auth'
  /** HTTP 404 or an "unknown model" answer: no such model at that endpoint. */
  | 'model_not_found'
  /** HTTP 429 still after the retries (or a quota that retrying cannot fix). */
  | 'model_rate_limited'
  /** No answer (or no next chunk) within the timeout. */
  | 'model_timeout'
  /** Connection refused, host not found, no network: the server was never reached. */
  | 'model_unreachable'
  /** HTTP 400: the server refused the request as sent (its message is kept). */
  | 'model_bad_request'
  /** Anything else: 5xx after the retries, a broken stream, an unexpected failure. */
  | 'model_error'
  /** The caller's AbortSignal fired (the stop button). Named AbortError so generic abort checks recognise it. */
  | 'aborted';

export class ChatModelError extends Error {
  readonly code: ChatModelErrorCode;
  /** HTTP status of the last failure, when there was one. */
  readonly status: number | undefined;

  constructor(code: ChatModelErrorCode, message: string, options?: ErrorOptions & { status?: number }) {
    super(message, options);
    this.name = code === 'aborted' ? 'AbortError' : 'ChatModelError';
    this.code = code;
    this.status = options?.status;
  }
}
