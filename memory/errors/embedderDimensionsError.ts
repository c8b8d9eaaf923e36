// The model returned vectors of another length than the configured dimensions; says which value to set.
export class EmbedderDimensionsError extends Error {
  readonly code = 'embedder_dimensions_mismatch';
  readonly model: string;
  readonly expected: number;
  readonly actual: number;
  constructor(model: string, expected: number, actual: number) {
    super(
      `model ${model} returns ${actual}-dimensional vectors but embeddings.dimensions is ${expected}: set embeddings.dimensions to ${actual}`,
    );
    this.name = 'EmbedderDimensionsError';
    this.model = model;
    this.expected = expected;
    this.actual = actual;
  }
}
