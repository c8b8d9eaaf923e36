// GET/PUT /api/settings: the settings through the same schema as the file, secrets masked both ways.
import * as v from 'valibot';
import { SettingsError } from '../config/errors.ts';
import { SettingsSchema } from '../config/schema.ts';
import { maskSettings } from '../config/secrets.ts';
import type { SettingsStore } from '../config/settingsStore.ts';
import type { Logs } from '../logs/logs.ts';
import { badRequest } from './errors.ts';
import type { ApiRoutes } from './routes.ts';

export function settingsRoutes(api: ApiRoutes, deps: { store: SettingsStore; logs: Logs }) {
  api.add(
    {
      method: 'get',
      path: '/api/settings',
      summary: 'Read the settings (secrets masked)',
      tag: 'settings',
      response: SettingsSchema,
    },
    (c) => c.json(maskSettings(deps.store.get())),
  );

  api.add(
    {
      method: 'put',
      path: '/api/settings',
      summary: 'Replace the settings; masked secrets keep their value',
      tag: 'settings',
      // Validated by the store, which also restores masked secrets; any JSON object is read here.
      body: v.record(v.string(), v.unknown(), 'send the whole settings object, as GET /api/settings returns it'),
      response: v.object({ settings: SettingsSchema, restart_required: v.array(v.string()) }),
    },
    (c, { body }) => {
      try {
        const { settings, restartRequired } = deps.store.update(body);
        deps.logs.audit.info({ event: 'settings.update', restart_required: restartRequired }, 'settings changed');
        return c.json({ settings: maskSettings(settings), restart_required: restartRequired });
      } catch (err) {
        if (err instanceof SettingsError) throw badRequest('invalid_settings', err.problems.join('; '));
        throw err;
      }
    },
  );
}
