// The OpenAI embedder against the scripted fake model server: batching, retries, typed errors, dimensions, abort.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, fakeVector, start } from '../../tests/fake-model/server.ts';
import { EmbedderAbortedError } from '../errors/embedderAbortedError.ts';
import { EmbedderAuthError } from '../errors/embedderAuthError.ts';
import { EmbedderConfigError } from '../errors/embedderConfigError.ts';
import { EmbedderDimensionsError } from '../errors/embedderDimensionsError.ts';
import { EmbedderModelNotFoundError } from '../errors/embedderModelNotFoundError.ts';
import { EmbedderRequestError } from '../errors/embedderRequestError.ts';
import { EmptyTextError } from '../errors/emptyTextError.ts';
import { batchRanges } from './batches.ts';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openaiEmbedder.ts';

const KEY = 'sk-test-key';
let server: FakeModelServer;

beforeAll(async () => {
  server = await start({ apiKey: KEY, modelDimensions: { 'nomic-embed-text': 768 } });
});
afterAll(() => server.stop());
afterEach(() => {
  server.requests.length = 0;
});

function embedder(over: Partial<OpenAiEmbedderOptions> = {}): OpenAiEmbedder {
  return new OpenAiEmbedder({
    provider: 'openai',
    baseUrl: server.url,
    apiKey: KEY,
    model: 'text-embedding-3-large',
    dimensions: 32,
    maxAttempts: 4,
    baseDelayMs: 5,
    ...over,
  });
}

const bodies = () => server.requests.map((r) => r.body as { input: string[]; dimensions?: number; model: string });

describe('OpenAiEmbedder', () => {
  it('sends 250 texts in 3 batches of at most 96 and returns the vectors in order', async () => {
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const vectors = await embedder().embed(texts);
    expect(bodies().map((b) => b.input.length)).toEqual([96, 96, 58]);
    expect(bodies().flatMap((b) => b.input)).toEqual(texts);
    expect(bodies()[0]).toMatchObject({ model: 'text-embedding-3-large', dimensions: 32, encoding_format: 'float' });
    expect(vectors).toHaveLength(250);
    vectors.forEach((v, i) => {
      const expected = fakeVector(texts[i] ?? '', 32);
      v.forEach((x, j) => {
        expect(x).toBeCloseTo(expected[j] ?? Number.NaN, 12);
      });
    });
  });

  it('splits batches by the token budget too, a long text alone', () => {
    const long = 'x'.repeat(40_000);
    expect(batchRanges(['a', 'b', long, 'c'], 96, 8000)).toEqual([
      [0, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(batchRanges([], 96, 8000)).toEqual([]);
  });

  it('retries a 429 twice, waiting as long as Retry-After says, then succeeds', async () => {
    server.script({ fail: { status: 429, times: 2, retryAfter: '1' } });
    const t0 = Date.now();
    const [v] = await embedder().embed(['rate limited']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(server.requests).toHaveLength(3);
    expect(v).toHaveLength(32);
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    server.script({ fail: { status: 500 } });
    const [v] = await embedder().embed(['flaky']);
    expect(server.requests).toHaveLength(2);
    expect(v).toHaveLength(32);
  });

  it('gives up after maxAttempts on persistent 5xx with a typed error', async () => {
    server.script({ fail: { status: 503, times: 3 } });
    const err = await embedder({ maxAttempts: 3 })
      .embed(['down'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderRequestError);
    expect(err).toMatchObject({ code: 'embedder_request_failed', status: 503, attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('retries network errors (nothing listening) and then fails with a typed error', async () => {
    const dead = await start();
    await dead.stop();
    const err = await embedder({ baseUrl: dead.url, maxAttempts: 2 })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderRequestError);
    expect(err).toMatchObject({ status: undefined, attempts: 2 });
    expect((err as Error).message).toMatch(/network error/);
  });

  it('does not retry a 401 and says where to set the key', async () => {
    server.script({ fail: { status: 401 } });
    const err = await embedder()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderAuthError);
    expect((err as Error).message).toBe('the API key was refused: set it in Settings → Model');
    expect(err).toMatchObject({ code: 'embedder_auth_refused' });
    expect(server.requests).toHaveLength(1);
    // A wrong key (not a scripted failure) is refused the same way.
    await expect(embedder({ apiKey: 'sk-wrong' }).embed(['x'])).rejects.toBeInstanceOf(EmbedderAuthError);
  });

  it('does not retry a 404 and names the model and the base URL', async () => {
    server.script({ fail: { status: 404 } });
    const err = await embedder({ model: 'text-embedding-9' })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderModelNotFoundError);
    expect((err as Error).message).toBe(
      `model text-embedding-9 not found at ${server.url}: check the embeddings model name`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('checks the vector length of models that ignore dimensions, and says what to set', async () => {
    const compat = embedder({ provider: 'openai-compatible', apiKey: KEY, model: 'nomic-embed-text', dimensions: 64 });
    const err = await compat.embed(['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderDimensionsError);
    expect((err as Error).message).toMatch(/returns 768-dimensional vectors.*set embeddings.dimensions to 768/);
    expect(bodies()[0]?.dimensions).toBeUndefined();
    const right = embedder({ provider: 'openai-compatible', model: 'nomic-embed-text', dimensions: 768 });
    const [v] = await right.embed(['x']);
    expect(v).toHaveLength(768);
  });

  it('aborts a request in flight', async () => {
    server.script({ delay: { ms: 3000 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await expect(embedder().embed(['slow'], ac.signal)).rejects.toBeInstanceOf(EmbedderAbortedError);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('aborts while waiting to retry, without another request', async () => {
    server.script({ fail: { status: 429, retryAfter: '30' } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const t0 = Date.now();
    await expect(embedder().embed(['x'], ac.signal)).rejects.toMatchObject({ code: 'embedder_aborted' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses bad options and empty texts before any request', async () => {
    expect(() => embedder({ provider: 'openai-compatible', baseUrl: null })).toThrow(EmbedderConfigError);
    expect(() => embedder({ provider: 'openai', apiKey: '' })).toThrow(EmbedderConfigError);
    await expect(embedder().embed(['a', ' '])).rejects.toBeInstanceOf(EmptyTextError);
    expect(server.requests).toHaveLength(0);
  });
});
