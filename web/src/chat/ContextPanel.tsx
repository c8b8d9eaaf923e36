// The live context: the memories and file passages the answer was given, with their scores, each linking to where it
// came from (the Files screen for a file and page, the Memory screen for a memory).
import { For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { ContextItem } from './types.ts';

const fileLink = (c: ContextItem) =>
  `#/files?${new URLSearchParams({ path: c.path ?? '', ...(c.page ? { page: String(c.page) } : {}) })}`;
const memoryLink = (c: ContextItem) => `#/memory?${new URLSearchParams({ id: c.memory_id ?? '' })}`;

export function ContextPanel(props: { items: ContextItem[] | null; onClose: () => void }) {
  const used = () => (props.items ?? []).filter((c) => c.kind !== 'recent');
  return (
    <aside
      class="w-72 max-w-[85vw] shrink-0 border-l border-gray-200 dark:border-gray-700 overflow-y-auto p-3 text-sm bg-gray-50 dark:bg-gray-900 absolute inset-y-0 right-0 z-10 shadow-lg md:static md:shadow-none"
      data-context-panel
      aria-label={t('chat.context.title')}
    >
      <div class="flex items-center justify-between mb-2">
        <h2 class="font-semibold m-0 text-base">{t('chat.context.title')}</h2>
        <button
          type="button"
          class="bg-transparent border-0 cursor-pointer text-inherit"
          title={t('common.close')}
          aria-label={t('common.close')}
          onClick={() => props.onClose()}
        >
          ✕
        </button>
      </div>
      <Show when={used().length > 0} fallback={<p class="text-gray-500">{t('chat.context.empty')}</p>}>
        <ul class="flex flex-col gap-2 list-none p-0 m-0">
          <For each={used()}>
            {(c) => (
              <li class="card !p-2" data-context-item={c.kind}>
                <div class="flex justify-between gap-2 text-xs text-gray-500">
                  <span>{c.kind === 'file' ? t('chat.context.file') : t('chat.context.memory')}</span>
                  <Show when={c.score !== undefined}>
                    <span data-score>{t('chat.context.score', { score: (c.score ?? 0).toFixed(3) })}</span>
                  </Show>
                </div>
                <Show
                  when={c.kind === 'file'}
                  fallback={
                    <a href={memoryLink(c)} class="text-blue-700 dark:text-blue-300 break-all" data-context-link>
                      {t('chat.context.openMemory')}
                    </a>
                  }
                >
                  <a href={fileLink(c)} class="text-blue-700 dark:text-blue-300 break-all" data-context-link>
                    {c.path}
                    <Show when={c.page}>{(p) => <span>{` · ${t('chat.context.page', { page: p() })}`}</span>}</Show>
                  </a>
                </Show>
                <Show when={c.text}>
                  <p class="text-xs mt-1 mb-0 line-clamp-4 text-gray-600 dark:text-gray-400">{c.text}</p>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </aside>
  );
}
