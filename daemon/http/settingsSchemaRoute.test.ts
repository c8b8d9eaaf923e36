// GET /api/settings/schema through ApiRoutes (Hono's request API): every settings key is described, secrets and
// restart keys are listed, and the schema agrees with the defaults (each top-level key of config.json is in it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiRoutes } from './routes.ts';
import { settingsSchemaRoute } from './settingsSchemaRoute.ts';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
}

describe('GET /api/settings/schema', () => {
  const app = new Hono();
  const api = new ApiRoutes(app);
  settingsSchemaRoute(api);

  it('answers the JSON Schema of the settings with the secret and restart keys', async () => {
    const res = await app.request('/api/settings/schema');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { schema: JsonSchema; secret_paths: string[]; restart_keys: string[] };
    const defaults = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config.json'), 'utf8'));
    expect(Object.keys(body.schema.properties ?? {}).sort()).toEqual(Object.keys(defaults).sort());
    expect(body.schema.properties?.limits?.properties?.upload_mb).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100000,
    });
    expect(body.schema.properties?.log_level?.enum).toContain('debug');
    expect(body.schema.properties?.folders?.properties?.allowed?.items?.type).toBe('string');
    expect(body.schema.properties?.model?.properties?.base_url?.anyOf).toEqual([{ type: 'string' }, { type: 'null' }]);
    expect(body.secret_paths).toContain('model.api_key');
    expect(body.restart_keys).toContain('server');
    expect(body.schema).not.toHaveProperty('$schema');
  });

  it('is documented in OpenAPI and needs a token (not public)', () => {
    expect(api.isPublic('GET', '/api/settings/schema')).toBe(false);
    const doc = api.openapi({ title: 't', version: '0', description: '' }) as { paths: Record<string, unknown> };
    expect(doc.paths['/api/settings/schema']).toHaveProperty('get');
  });
});
