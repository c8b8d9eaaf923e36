// An embeddings request failed for good: a non-retryable status, or retryable failures past the attempt limit.
export class EmbedderRequestError extends Error {
  readonly code = 'embedder_request_failed';
  /** HTTP status of the last failure; undefined for network errors. */
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(message: string, status: number | undefined, attempts: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbedderRequestError';
    this.status = status;
    this.attempts = attempts;
  }
}
