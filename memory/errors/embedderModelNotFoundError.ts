// The embeddings endpoint does not know the configured model (HTTP 404): a wrong model name or base URL.
export class EmbedderModelNotFoundError extends Error {
  readonly code = 'embedder_model_not_found';
  readonly model: string;
  readonly baseUrl: string;
  constructor(model: string, baseUrl: string, options?: ErrorOptions) {
    super(`model ${model} not found at ${baseUrl}: check the embeddings model name`, options);
    this.name = 'EmbedderModelNotFoundError';
    this.model = model;
    this.baseUrl = baseUrl;
  }
}
