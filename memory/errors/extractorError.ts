// The model-backed extractor failed for one message (the heuristic extractor took over); a stable code says why.
export type ExtractorErrorCode =
  /** HTTP 401: the key is wrong or missing; retrying cannot help. */
  | 'extractor_auth_refused'
  /** HTTP 404: no such model at that endpoint. */
  | 'extractor_model_not_found'
  /** Another HTTP status, a network failure, or retryable failures past the attempt limit. */
  | 'extractor_request_failed'
  /** The model answered, but not with JSON matching the extraction schema (or it refused). */
  | 'extractor_invalid_output'
  /** The caller's signal aborted the call. */
  | 'extractor_aborted';

export class ExtractorError extends Error {
  readonly code: ExtractorErrorCode;
  /** HTTP status of the last failure, when there was one. */
  readonly status: number | undefined;

  constructor(code: ExtractorErrorCode, message: string, options?: ErrorOptions & { status?: number }) {
    super(message, options);
    this.name = 'ExtractorError';
    this.code = code;
    this.status = options?.status;
  }
}
