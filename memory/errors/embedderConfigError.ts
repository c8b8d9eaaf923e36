// The embedder's options cannot work (e.g. an OpenAI-compatible provider without a base URL).
export class EmbedderConfigError extends Error {
  readonly code = 'embedder_config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'EmbedderConfigError';
  }
}
