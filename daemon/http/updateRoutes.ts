// GET /api/update/check: whether a newer Titan is released. Asks the network only when update.check is on.
import * as v from 'valibot';
import type { SettingsStore } from '../config/settingsStore.ts';
import { checkForUpdate, UpdateAnswerSchema } from '../update/check.ts';
import type { ApiRoutes } from './routes.ts';

export function updateRoutes(api: ApiRoutes, deps: { settings: SettingsStore; version: string }) {
  api.add(
    {
      method: 'get',
      path: '/api/update/check',
      summary: 'Compare the running version with the latest release (cached; "unknown" when offline)',
      tag: 'system',
      query: v.strictObject({
        refresh: v.optional(v.picklist(['true', 'false'], 'refresh must be true or false')),
      }),
      response: UpdateAnswerSchema,
    },
    async (c, { query }) =>
      c.json(
        await checkForUpdate({
          settings: deps.settings.get().update,
          version: deps.version,
          dataDir: deps.settings.dir,
          refresh: query.refresh === 'true',
        }),
      ),
  );
}
