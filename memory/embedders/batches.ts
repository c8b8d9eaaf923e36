// Splits texts into request-sized batches: at most N inputs and roughly M tokens each, order kept.

/**
 * A cheap, conservative token estimate: UTF-8 bytes / 4 (about 4 chars per token in English, and Cyrillic letters
 * take 2 bytes, matching their ~2 chars per token). Real tokenisers are not worth a dependency for batch sizing.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/** Index ranges [start, end) over `texts`; a single text over the token budget still gets a batch of its own. */
export function batchRanges(texts: string[], maxInputs: number, maxTokens: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let tokens = 0;
  texts.forEach((text, i) => {
    const t = estimateTokens(text);
    if (i > start && (i - start >= maxInputs || tokens + t > maxTokens)) {
      ranges.push([start, i]);
      start = i;
      tokens = 0;
    }
    tokens += t;
  });
  if (start < texts.length) ranges.push([start, texts.length]);
  return ranges;
}
