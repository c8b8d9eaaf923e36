// Picks the embedder from settings, once at start-up: OpenAI, an OpenAI-compatible endpoint, or the offline one.
import type { Settings } from '../../daemon/config/schema.ts';
import type { Sql } from '../../daemon/storage/sql.ts';
import type { Embedder } from '../types.ts';
import { CachedEmbedder } from './cachedEmbedder.ts';
import { OFFLINE_MODEL, OfflineEmbedder } from './offline.ts';
import { OPENAI_BASE_URL, OpenAiEmbedder } from './openaiEmbedder.ts';

export { CachedEmbedder } from './cachedEmbedder.ts';
export { OFFLINE_MODEL, OfflineEmbedder } from './offline.ts';
export { OpenAiEmbedder } from './openaiEmbedder.ts';

export interface EmbedderDescription {
  provider: 'offline' | 'openai' | 'openai-compatible';
  model: string;
  dimensions: number;
  /** Where vectors come from; null for the offline embedder. Never contains the API key. */
  baseUrl: string | null;
  /** Whether vectors go through the embedding_cache table (remote embedders only). */
  cached: boolean;
  /** Why this embedder, in a sentence for /api/health and the settings page. */
  reason: string;
}

/** Which embedder `createEmbedder` builds for these settings, and why — without building it. */
export function describeEmbedder(settings: Settings): EmbedderDescription {
  const e = settings.embeddings;
  const offline = (reason: string): EmbedderDescription => ({
    provider: 'offline',
    model: OFFLINE_MODEL,
    dimensions: e.dimensions,
    baseUrl: null,
    cached: false,
    reason,
  });
  if (e.provider === 'offline') return offline('embeddings.provider is "offline"');
  if (e.provider === 'openai' && !settings.model.api_key) {
    return offline(
      'embeddings.provider is "openai" but no API key is set (Settings → Model): using the offline embedder',
    );
  }
  if (e.provider === 'openai-compatible' && !e.base_url) {
    return offline(
      'embeddings.provider is "openai-compatible" but embeddings.base_url is not set: using the offline embedder',
    );
  }
  const baseUrl = e.base_url ?? OPENAI_BASE_URL;
  return {
    provider: e.provider,
    model: e.model,
    dimensions: e.dimensions,
    baseUrl,
    cached: true,
    reason: `embeddings.provider is "${e.provider}" with model ${e.model} at ${baseUrl}`,
  };
}

/**
 * The embedder for these settings. The offline embedder is not cached: computing a vector (~0.2 ms per KB) is
 * cheaper than a cache round trip. Remote embedders are wrapped in the embedding_cache table.
 */
export function createEmbedder(settings: Settings, sql: Sql): Embedder {
  const d = describeEmbedder(settings);
  if (d.provider === 'offline') return new OfflineEmbedder({ dimensions: d.dimensions });
  const remote = new OpenAiEmbedder({
    provider: d.provider,
    baseUrl: d.baseUrl,
    apiKey: settings.model.api_key,
    model: d.model,
    dimensions: d.dimensions,
  });
  return new CachedEmbedder(remote, sql);
}
