// Choosing the embedder from settings: offline by default or without a key, remote and cached otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../daemon/config/schema.ts';
import { validateSettings } from '../../daemon/config/settingsStore.ts';
import { migrate } from '../../daemon/storage/migrate.ts';
import { openPgliteSql } from '../../daemon/storage/pgliteSql.ts';
import type { Sql } from '../../daemon/storage/sql.ts';
import { type FakeModelServer, start } from '../../tests/fake-model/server.ts';
import { CachedEmbedder, createEmbedder, describeEmbedder, OFFLINE_MODEL, OfflineEmbedder } from './index.ts';

const defaults = validateSettings(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config.json'), 'utf8')),
  'config.json',
);

function settings(embeddings: Partial<Settings['embeddings']>, apiKey = ''): Settings {
  return {
    ...defaults,
    model: { ...defaults.model, api_key: apiKey },
    embeddings: { ...defaults.embeddings, ...embeddings },
  };
}

describe('createEmbedder / describeEmbedder', () => {
  let sql: Sql;
  let server: FakeModelServer;
  beforeAll(async () => {
    sql = await openPgliteSql(null);
    await migrate(sql);
    server = await start({ apiKey: 'sk-from-settings' });
  });
  afterAll(async () => {
    await sql.close();
    await server.stop();
  });

  it('uses the offline embedder by default, uncached, with the configured dimensions', () => {
    const s = settings({});
    expect(describeEmbedder(s)).toMatchObject({ provider: 'offline', model: OFFLINE_MODEL, cached: false });
    const e = createEmbedder(s, sql);
    expect(e).toBeInstanceOf(OfflineEmbedder);
    expect(e.dimensions).toBe(defaults.embeddings.dimensions);
  });

  it('falls back to offline when openai has no API key, and says why', () => {
    const s = settings({ provider: 'openai', model: 'text-embedding-3-large', dimensions: 1024 });
    const d = describeEmbedder(s);
    expect(d).toMatchObject({ provider: 'offline', model: OFFLINE_MODEL, dimensions: 1024 });
    expect(d.reason).toMatch(/no API key/);
    expect(createEmbedder(s, sql)).toBeInstanceOf(OfflineEmbedder);
  });

  it('falls back to offline when openai-compatible has no base URL', () => {
    const d = describeEmbedder(settings({ provider: 'openai-compatible', model: 'nomic-embed-text' }));
    expect(d).toMatchObject({ provider: 'offline' });
    expect(d.reason).toMatch(/base_url/);
  });

  it('builds a cached remote embedder that sends the API key from Settings → Model and never describes it', async () => {
    const s = settings(
      { provider: 'openai', base_url: server.url, model: 'text-embedding-3-large', dimensions: 48 },
      'sk-from-settings',
    );
    const d = describeEmbedder(s);
    expect(d).toMatchObject({ provider: 'openai', baseUrl: server.url, cached: true, dimensions: 48 });
    expect(JSON.stringify(d)).not.toContain('sk-from-settings');
    const e = createEmbedder(s, sql);
    expect(e).toBeInstanceOf(CachedEmbedder);
    const [v] = await e.embed(['hello']);
    expect(v).toHaveLength(48);
    await e.embed(['hello']);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-settings');
  });

  it('defaults the openai base URL to api.openai.com', () => {
    const d = describeEmbedder(settings({ provider: 'openai', model: 'text-embedding-3-large' }, 'sk-x'));
    expect(d.baseUrl).toBe('https://api.openai.com/v1');
  });
});
