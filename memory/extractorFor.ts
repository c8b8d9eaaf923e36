// Picks the extractor from the model settings at each message, so a key entered in Settings → Model applies at once:
// the model-backed one when a chat model is configured, else the heuristic one.
import type { Settings } from '../daemon/config/schema.ts';
import type { ExtractorError } from './errors/extractorError.ts';
import type { Extractor } from './evaluate.ts';
import { extractHeuristic } from './extract.ts';
import { createModelExtractor, type ModelExtractorOptions } from './extractModel.ts';

type ModelSettings = Settings['model'];

/** A chat model is configured when the provider is not "none" and there is a key or an endpoint to call. */
export function modelConfigured(model: ModelSettings): boolean {
  return model.provider !== 'none' && (model.api_key !== '' || model.base_url !== null);
}

export function extractorFor(
  model: () => ModelSettings,
  onError: (err: ExtractorError) => void,
  extra: Partial<ModelExtractorOptions> = {},
): Extractor {
  let built: { key: string; extract: Extractor } | null = null;
  return async function settingsExtractor(text) {
    const m = model();
    if (!modelConfigured(m)) return extractHeuristic(text);
    const key = JSON.stringify([m.base_url, m.api_key, m.model]);
    if (built?.key !== key) {
      const extract = createModelExtractor({
        ...extra,
        baseUrl: m.base_url,
        apiKey: m.api_key,
        model: m.model,
        onError,
      });
      built = { key, extract };
    }
    return built.extract(text);
  };
}
