// The embeddings provider refused the API key (HTTP 401): the user must fix the key, retrying cannot help.
export class EmbedderAuthError extends Error {
  readonly code = 'embedder_auth_refused';
  constructor(options?: ErrorOptions) {
    super('the API key was refused: set it in Settings → Model', options);
    this.name = 'EmbedderAuthError';
  }
}
