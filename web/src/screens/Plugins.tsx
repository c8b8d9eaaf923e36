// The Plugins screen: every plugin with its status and reason, permissions, tools and documentation; turn one off or
// on, look at the plugin folders again (reload); and the MCP servers Titan is a client of.
import { createResource, For, Show } from 'solid-js';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { createAction } from '../lib/action.ts';
import { type Plugin, type PluginList, pluginsApi } from '../plugins/api.ts';
import { McpServers } from '../plugins/McpServers.tsx';
import { PluginCard } from '../plugins/PluginCard.tsx';

export default function PluginsScreen() {
  const [list, { mutate, refetch }] = createResource(pluginsApi.list);
  const [mcp, mcpActions] = createResource(pluginsApi.mcpServers);
  const { busy, error, run } = createAction();
  const reload = () =>
    run(async () => {
      mutate(await pluginsApi.reload());
      await mcpActions.refetch();
    });
  const replace = (p: Plugin) => {
    const current = list();
    if (current) mutate({ ...current, plugins: current.plugins.map((x) => (x.name === p.name ? p : x)) } as PluginList);
  };

  return (
    <section data-screen="plugins" class="p-4 flex flex-col gap-3 max-w-5xl">
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="text-xl m-0 mr-auto">{t('plugins.title')}</h1>
        <button type="button" class="btn" data-plugins-refresh disabled={busy()} onClick={() => void refetch()}>
          {t('plugins.refresh')}
        </button>
        <button type="button" class="btn-primary" data-plugins-reload disabled={busy()} onClick={() => void reload()}>
          {t('plugins.reload')}
        </button>
      </div>
      <p class="m-0 text-sm text-gray-600 dark:text-gray-400">{t('plugins.intro')}</p>
      <ErrorText text={error()} />
      <Show
        when={list()}
        fallback={<p class="m-0">{list.error ? errorText(list.error, t('common.error')) : t('common.loading')}</p>}
      >
        {(l) => (
          <>
            <p class="m-0 text-sm break-words" data-plugin-dirs>
              {t('plugins.dirs')} <For each={l().dirs}>{(d) => <code class="mr-2">{d}</code>}</For>
            </p>
            <ul class="list-none m-0 p-0 flex flex-col gap-3" data-plugin-list>
              <For each={l().plugins} fallback={<li class="text-gray-500">{t('plugins.empty')}</li>}>
                {(p) => <PluginCard plugin={p} onChange={replace} />}
              </For>
            </ul>
          </>
        )}
      </Show>
      <Show when={mcp()}>{(servers) => <McpServers servers={servers()} />}</Show>
    </section>
  );
}
