// An embedding call was cancelled through its AbortSignal. Named AbortError so generic abort checks recognise it.
export class EmbedderAbortedError extends Error {
  readonly code = 'embedder_aborted';
  constructor(options?: ErrorOptions) {
    super('the embedding request was aborted', options);
    this.name = 'AbortError';
  }
}
