// One plugin: its status (and why), what it may touch, its tools, its documentation from the manifest (sanitised
// Markdown, loaded when opened), and turning it off and on.
import { createResource, createSignal, For, Show } from 'solid-js';
import { Markdown } from '../chat/Markdown.tsx';
import { Badge, type Tone } from '../components/Badge.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { createAction } from '../lib/action.ts';
import { type Plugin, type PluginStatus, pluginsApi } from './api.ts';
import '../chat/chat.css';
import './plugins.css';

const TONE: Record<PluginStatus, Tone> = {
  starting: 'busy',
  running: 'good',
  backoff: 'warn',
  disabled: 'idle',
  invalid: 'bad',
};

function Listing(props: { label: string; items: string[] }) {
  return (
    <>
      <dt class="text-gray-500">{props.label}</dt>
      <dd class="m-0 break-words">
        <For each={props.items} fallback={<span class="text-gray-500">{t('plugins.none')}</span>}>
          {(x) => <code class="mr-2">{x}</code>}
        </For>
      </dd>
    </>
  );
}

export function PluginCard(props: { plugin: Plugin; onChange: (p: Plugin) => void }) {
  const p = () => props.plugin;
  const [showDocs, setShowDocs] = createSignal(false);
  const [docs] = createResource(
    () => showDocs() && p().name,
    (name) => pluginsApi.docs(name),
  );
  const { busy, error, run } = createAction();
  const toggle = () =>
    run(async () => props.onChange(await pluginsApi.setEnabled(p().name, p().status === 'disabled')));

  return (
    <li class="card flex flex-col gap-2" data-plugin={p().name} data-plugin-status={p().status}>
      <div class="flex flex-wrap items-center gap-2">
        <h2 class="text-lg m-0">{p().name}</h2>
        <Show when={p().version}>
          <span class="text-sm text-gray-500">{p().version}</span>
        </Show>
        <Badge tone={TONE[p().status]} label={t(`plugins.status.${p().status}`)} status={p().status} />
        <span class="mr-auto" />
        <Show when={p().status !== 'invalid'}>
          <button type="button" class="btn text-sm" data-plugin-toggle disabled={busy()} onClick={() => void toggle()}>
            {p().status === 'disabled' ? t('plugins.enable') : t('plugins.disable')}
          </button>
        </Show>
      </div>
      <Show when={p().reason}>
        <p class="m-0 text-sm text-amber-700 dark:text-amber-300" data-plugin-reason>
          {p().reason}
        </p>
      </Show>
      <ErrorText text={error()} small />
      <Show when={p().description}>
        <p class="m-0">{p().description}</p>
      </Show>
      <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 m-0 text-sm">
        <dt class="text-gray-500">{t('plugins.folder')}</dt>
        <dd class="m-0 break-all">
          <code>{p().dir}</code>
        </dd>
        <dt class="text-gray-500">{t('plugins.restarts')}</dt>
        <dd class="m-0">{p().restarts}</dd>
        <Show when={p().permissions}>
          {(perm) => (
            <>
              <Listing label={t('plugins.perm.read')} items={perm().fs.read} />
              <Listing label={t('plugins.perm.write')} items={perm().fs.write} />
              <Listing label={t('plugins.perm.network')} items={perm().network} />
              <Listing label={t('plugins.perm.topics')} items={perm().topics} />
            </>
          )}
        </Show>
      </dl>
      <Show when={p().tools.length > 0}>
        <h3 class="text-sm m-0 font-semibold">{t('plugins.tools')}</h3>
        <ul class="list-none m-0 p-0 flex flex-col gap-1 text-sm" data-plugin-tools>
          <For each={p().tools}>
            {(tool) => (
              <li data-plugin-tool={tool.name}>
                <code>{tool.name}</code>{' '}
                <Badge tone={tool.risk === 'write' ? 'warn' : 'idle'} label={t(`plugins.risk.${tool.risk}`)} />{' '}
                <span class="text-gray-600 dark:text-gray-400">{tool.description}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={p().status !== 'invalid'}>
        <button type="button" class="btn text-sm self-start" data-plugin-docs onClick={() => setShowDocs(!showDocs())}>
          {showDocs() ? t('plugins.hideDocs') : t('plugins.showDocs')}
        </button>
        <Show when={showDocs()}>
          <div class="plugin-doc border-t border-gray-200 dark:border-gray-700 pt-2" data-plugin-doc>
            <Show
              when={!docs.error}
              fallback={<p class="m-0 text-red-600">{errorText(docs.error, t('common.error'))}</p>}
            >
              <Show when={docs()} fallback={<p class="m-0">{t('common.loading')}</p>}>
                {(text) => <Markdown text={text()} />}
              </Show>
            </Show>
          </div>
        </Show>
      </Show>
    </li>
  );
}
