// A text with nothing to embed (empty or only whitespace): refused rather than given a meaningless vector.
export class EmptyTextError extends Error {
  readonly code = 'embedder_empty_text';
  /** Position of the offending text in the batch. */
  readonly index: number;
  constructor(index: number) {
    super(`text ${index} is empty: there is nothing to embed`);
    this.name = 'EmptyTextError';
    this.index = index;
  }
}
