// Secrets are masked on the way out, restored when the mask comes back, and listed for log scrubbing.
import { describe, expect, it } from 'vitest';
import defaults from '../../config.json' with { type: 'json' };
import type { Settings } from './schema.ts';
import { MASK, maskSettings, secretValues, unmaskSettings } from './secrets.ts';

const withSecrets = (): Settings => {
  const s = structuredClone(defaults) as Settings;
  s.model.api_key = 'sk-live-1234567890';
  s.services.postgres = { url: 'postgres://titan:pg-Secret-42@127.0.0.1:5432/titan' };
  s.services.neo4j = { url: 'bolt://127.0.0.1:7687', user: 'neo4j', password: 'neo-Secret-7' };
  s.services.redis = { url: 'redis://:redis-Secret-9@127.0.0.1:6379' };
  return s;
};

describe('secrets', () => {
  it('masks the API key, the Neo4j password and URL passwords', () => {
    const masked = JSON.stringify(maskSettings(withSecrets()));
    for (const secret of ['sk-live-1234567890', 'pg-Secret-42', 'neo-Secret-7', 'redis-Secret-9']) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).toContain(MASK);
  });

  it('leaves empty secrets empty so the UI can say "not set"', () => {
    expect(maskSettings(structuredClone(defaults) as Settings).model.api_key).toBe('');
  });

  it('restores secrets that come back masked, and takes new ones as given', () => {
    const current = withSecrets();
    const back = unmaskSettings(maskSettings(current), current) as Settings;
    expect(back).toEqual(current);
    const changed = maskSettings(current);
    changed.model.api_key = 'sk-new-0000';
    expect((unmaskSettings(changed, current) as Settings).model.api_key).toBe('sk-new-0000');
  });

  it('lists the literal secret values for scrubbing', () => {
    expect(secretValues(withSecrets()).sort()).toEqual([
      'neo-Secret-7',
      'pg-Secret-42',
      'redis-Secret-9',
      'sk-live-1234567890',
    ]);
  });
});
