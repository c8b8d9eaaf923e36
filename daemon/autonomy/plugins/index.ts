// The plugins feature: plugin folders loaded at start and on change, each plugin in its own sandboxed process under
// supervision, its tools offered to chat, its events through the `plugins` consumer group, its status at /api/plugins.
import type { AutonomyDeps, Feature } from '../types.ts';
import { watchDirs } from './discovery.ts';
import { PluginEvents } from './events.ts';
import { PluginHost } from './host.ts';
import { pluginRoutes } from './routes.ts';
import type { SupervisorEvent } from './supervisor.ts';

export interface PluginsFeature extends Feature {
  host: PluginHost;
}

export async function openPlugins(deps: AutonomyDeps): Promise<PluginsFeature> {
  const host = new PluginHost(deps);
  const events = new PluginEvents(host, deps);
  deps.services.plugins = host;
  let watcher: { close(): void } | null = null;
  const publish = (type: string, payload: Record<string, unknown>) =>
    deps.bus
      .publish('plugin.v1', type, payload, { source: 'plugins' })
      .catch((err: Error) => deps.logs.app.warn({ type, err: err.message }, 'plugins: lifecycle event not published'));
  const stopListening = host.onStatus((name, e: SupervisorEvent | { type: 'invalid'; reason: string }) => {
    if (e.type === 'stopped') return;
    const entry = host.entries.get(name);
    const { type, ...rest } = e;
    void publish(`plugin.${type}`, { plugin: name, version: entry?.manifest?.version ?? null, ...rest });
  });
  const rescan = async () => {
    await host.scan();
    await events.sync();
  };
  const stopSettings = deps.settings.onChange((next, prev) => {
    const [a, b] = [next.plugins, prev.plugins];
    if (a.enabled !== b.enabled || a.dirs.join('\n') !== b.dirs.join('\n')) void rescan();
    else if (a.disabled.join() !== b.disabled.join()) void host.applyDisabled();
  });

  return {
    name: 'plugins',
    host,
    routes(api) {
      pluginRoutes(api, { host, logs: deps.logs });
    },
    async start() {
      // Every plugin has started (or failed to) before the daemon says it is ready.
      await rescan();
      if (deps.settings.get().plugins.watch) watcher = watchDirs(host.dirs(), () => void rescan());
    },
    async close() {
      watcher?.close();
      stopSettings();
      stopListening();
      await events.close();
      await host.close();
      if (deps.services.plugins === host) delete deps.services.plugins;
    },
  };
}
