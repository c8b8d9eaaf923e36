// The MCP servers Titan uses as a client (GET /api/mcp/servers): connected or not, their tools, the last error and
// when it tries again. Not shown when the daemon has no MCP client.
import { For, Show } from 'solid-js';
import { Badge, type Tone } from '../components/Badge.tsx';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import type { McpServer } from './api.ts';

const TONE: Record<McpServer['status'], Tone> = { off: 'idle', connecting: 'busy', connected: 'good', error: 'bad' };

export function McpServers(props: { servers: McpServer[] }) {
  return (
    <section class="flex flex-col gap-2" data-mcp-servers>
      <h2 class="text-lg m-0">{t('plugins.mcp.title')}</h2>
      <ul class="list-none m-0 p-0 flex flex-col gap-2">
        <For each={props.servers} fallback={<li class="text-sm text-gray-500">{t('plugins.mcp.empty')}</li>}>
          {(s) => (
            <li class="card flex flex-col gap-1 text-sm" data-mcp-server={s.name}>
              <div class="flex flex-wrap items-center gap-2">
                <span class="font-semibold">{s.name}</span>
                <code class="text-xs">{s.transport}</code>
                <Badge tone={TONE[s.status]} label={t(`plugins.mcp.status.${s.status}`)} status={s.status} />
              </div>
              <Show when={s.error}>
                <p class="m-0 text-red-600">{s.error}</p>
              </Show>
              <Show when={s.retry_at}>
                {(at) => <p class="m-0 text-gray-500">{t('plugins.mcp.retry', { when: formatDate(at()) })}</p>}
              </Show>
              <p class="m-0 break-words">
                <span class="text-gray-500">{t('plugins.tools')}: </span>
                <For each={s.tools} fallback={<span class="text-gray-500">{t('plugins.none')}</span>}>
                  {(name) => <code class="mr-2">{name}</code>}
                </For>
              </p>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
