// A memory's history: the versions it superseded (newest first), each with the time it was valid.
import { createResource, For, Show } from 'solid-js';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { historyOf, type Memory } from './api.ts';

export function History(props: { memory: Memory; onOpen: (id: string) => void }) {
  const [chain] = createResource(
    () => props.memory,
    (m: Memory) => historyOf(m),
  );
  return (
    <section class="flex flex-col gap-1 text-sm" data-history>
      <h3 class="text-sm m-0 font-semibold">{t('memory.history')}</h3>
      <Show when={props.memory.valid_to}>
        <p class="m-0 text-amber-700 dark:text-amber-300" data-superseded>
          {t('memory.history.supersededOn', { date: formatDate(props.memory.valid_to ?? '') })}
        </p>
      </Show>
      <Show when={(chain()?.length ?? 0) > 1} fallback={<p class="m-0 text-gray-500">{t('memory.history.none')}</p>}>
        <ol class="m-0 pl-5 flex flex-col gap-1">
          <For each={chain()?.slice(1)}>
            {(old) => (
              <li data-version={old.id}>
                <button
                  type="button"
                  class="bg-transparent border-0 p-0 cursor-pointer text-left line-through decoration-gray-400"
                  onClick={() => props.onOpen(old.id)}
                >
                  {old.text}
                </button>
                <span class="block text-xs text-gray-500">
                  {t('memory.history.valid', {
                    from: formatDate(old.valid_from),
                    to: old.valid_to ? formatDate(old.valid_to) : '…',
                  })}
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  );
}
