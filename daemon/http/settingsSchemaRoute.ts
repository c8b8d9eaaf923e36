// GET /api/settings/schema: the settings schema as JSON Schema, with which keys are secrets and which need a restart,
// so the web UI can build a form where every key is editable (validation still happens once, in the store).
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { RESTART_KEYS, SECRET_PATHS, SettingsSchema } from '../config/schema.ts';
import type { ApiRoutes } from './routes.ts';

let cached: Record<string, unknown> | undefined;

/** The JSON Schema (draft-07) of the settings object; computed once, the schema never changes at run time. */
export function settingsJsonSchema(): Record<string, unknown> {
  if (!cached) {
    const { $schema: _, ...schema } = toJsonSchema(SettingsSchema, { errorMode: 'ignore' }) as Record<string, unknown>;
    cached = schema;
  }
  return cached;
}

export function settingsSchemaRoute(api: ApiRoutes) {
  api.add(
    {
      method: 'get',
      path: '/api/settings/schema',
      summary: 'The settings schema (JSON Schema), the secret keys and the keys that need a restart',
      tag: 'settings',
      response: v.object({
        schema: v.record(v.string(), v.unknown()),
        secret_paths: v.array(v.string()),
        restart_keys: v.array(v.string()),
      }),
    },
    (c) => c.json({ schema: settingsJsonSchema(), secret_paths: [...SECRET_PATHS], restart_keys: [...RESTART_KEYS] }),
  );
}
