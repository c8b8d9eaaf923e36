// /api/plugins: what each plugin is doing and why, its documentation from the manifest, turning it off and on, reload.
import * as v from 'valibot';
import { ApiError, notFound } from '../../http/errors.ts';
import type { ApiRoutes } from '../../http/routes.ts';
import type { Logs } from '../../logs/logs.ts';
import { pluginDocs } from './docs.ts';
import type { PluginHost, PluginView } from './host.ts';
import { PluginError } from './pluginError.ts';

const Name = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'name must be a plugin name (lowercase, digits, "-")')),
});

const PluginViewSchema = v.object({
  name: v.string(),
  version: v.nullable(v.string()),
  description: v.string(),
  dir: v.string(),
  status: v.picklist(['starting', 'running', 'backoff', 'disabled', 'invalid']),
  reason: v.nullable(v.string()),
  restarts: v.number(),
  pid: v.nullable(v.number()),
  permissions: v.nullable(
    v.object({
      fs: v.object({ read: v.array(v.string()), write: v.array(v.string()) }),
      network: v.array(v.string()),
      topics: v.array(v.string()),
    }),
  ),
  tools: v.array(
    v.object({
      name: v.string(),
      tool: v.string(),
      description: v.string(),
      risk: v.picklist(['read', 'write']),
      parameters: v.unknown(),
    }),
  ),
});

const ListSchema = v.object({ dirs: v.array(v.string()), plugins: v.array(PluginViewSchema) });

function entryOf(host: PluginHost, name: string) {
  const entry = host.entries.get(name);
  if (!entry) throw notFound(`there is no plugin named "${name}": GET /api/plugins lists them`);
  return entry;
}

const mapError = (err: unknown): never => {
  if (err instanceof PluginError && err.code === 'plugin_not_found') throw notFound(err.message);
  if (err instanceof PluginError) throw new ApiError(409, err.code, err.message);
  throw err;
};

export function pluginRoutes(api: ApiRoutes, deps: { host: PluginHost; logs: Logs }) {
  const { host } = deps;
  const tag = 'plugins';
  const list = () => ({ dirs: host.dirs(), plugins: host.list() });

  api.add(
    {
      method: 'get',
      path: '/api/plugins',
      summary: 'Every plugin with its status (and why), restarts, permissions and tools',
      tag,
      response: ListSchema,
    },
    (c) => c.json(list()),
  );

  api.add(
    {
      method: 'get',
      path: '/api/plugins/:name/docs',
      summary: "A plugin's documentation in Markdown, generated from its manifest",
      tag,
      params: Name,
      errors: [404, 409],
    },
    (c, { params }) => {
      const entry = entryOf(host, params.name);
      if (!entry.manifest) {
        throw new ApiError(409, 'plugin_invalid', `plugin ${entry.name} is invalid: ${entry.invalid}`);
      }
      return c.body(pluginDocs(entry.manifest), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    },
  );

  for (const action of ['enable', 'disable'] as const) {
    api.add(
      {
        method: 'post',
        path: `/api/plugins/:name/${action}`,
        summary:
          action === 'enable'
            ? 'Start a plugin again (also after it was disabled for failing); its failures are forgotten'
            : 'Stop a plugin and keep it off (remembered in settings) until enabled',
        tag,
        params: Name,
        response: PluginViewSchema,
        errors: [404, 409],
      },
      async (c, { params }) => {
        const entry = entryOf(host, params.name);
        if (entry.invalid)
          throw new ApiError(409, 'plugin_invalid', `plugin ${entry.name} is invalid: ${entry.invalid}`);
        const view: PluginView = await host.setEnabled(params.name, action === 'enable').catch(mapError);
        deps.logs.audit.info(
          { event: `plugin.${action}`, plugin: params.name, status: view.status },
          `plugin ${action}d`,
        );
        return c.json(view);
      },
    );
  }

  api.add(
    {
      method: 'post',
      path: '/api/plugins/reload',
      summary: 'Look at the plugin folders again: load new plugins, reload changed ones, stop removed ones',
      tag,
      response: ListSchema,
    },
    async (c) => {
      await host.scan();
      return c.json(list());
    },
  );
}
