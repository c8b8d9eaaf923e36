// A folder's entries: folders open, files download, anything can go to the trash, files can be re-indexed.
import { For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { Entry } from './api.ts';
import { formatDate, formatSize } from './format.ts';
import { IngestBadge } from './IngestBadge.tsx';
import { KindIcon } from './icons.tsx';

export interface EntryActions {
  open(entry: Entry): void;
  download(entry: Entry): void;
  remove(entry: Entry): void;
  reindex(entry: Entry): void;
}

export function Entries(props: { entries: Entry[]; busy: Set<string>; actions: EntryActions }) {
  return (
    <Show
      when={props.entries.length > 0}
      fallback={
        <p class="text-gray-500" data-empty>
          {t('files.empty')}
        </p>
      }
    >
      <table class="w-full text-sm border-collapse" data-entries>
        <thead>
          <tr class="text-left text-gray-500 border-b border-gray-200 dark:border-gray-700">
            <th class="py-1 pr-2 font-normal">{t('files.col.name')}</th>
            <th class="py-1 pr-2 font-normal hidden sm:table-cell">{t('files.col.size')}</th>
            <th class="py-1 pr-2 font-normal hidden md:table-cell">{t('files.col.modified')}</th>
            <th class="py-1 pr-2 font-normal">{t('files.col.index')}</th>
            <th class="py-1 font-normal sr-only">{t('files.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.entries}>
            {(e) => (
              <tr class="border-b border-gray-100 dark:border-gray-800" data-entry={e.name} data-kind={e.kind}>
                <td class="py-1 pr-2 break-all">
                  <KindIcon kind={e.kind} />
                  <Show when={e.kind === 'dir'} fallback={<span>{e.name}</span>}>
                    <button
                      type="button"
                      class="text-blue-700 dark:text-blue-300 bg-transparent border-0 p-0 cursor-pointer text-left"
                      data-open
                      onClick={() => props.actions.open(e)}
                    >
                      {e.name}
                    </button>
                  </Show>
                  <Show when={e.note}>
                    <span class="ml-1 text-xs text-gray-500">({t(`files.note.${e.note}`)})</span>
                  </Show>
                </td>
                <td class="py-1 pr-2 whitespace-nowrap hidden sm:table-cell">
                  {e.kind === 'file' ? formatSize(e.size) : ''}
                </td>
                <td class="py-1 pr-2 whitespace-nowrap hidden md:table-cell">{formatDate(e.mtime)}</td>
                <td class="py-1 pr-2">
                  <Show when={e.kind === 'file'}>
                    <IngestBadge ingest={e.ingest} />
                  </Show>
                </td>
                <td class="py-1 text-right whitespace-nowrap">
                  <div class="inline-flex gap-1">
                    <Show when={e.kind === 'file'}>
                      <button type="button" class="btn text-xs" data-download onClick={() => props.actions.download(e)}>
                        {t('files.download')}
                      </button>
                      <button
                        type="button"
                        class="btn text-xs"
                        data-reindex
                        disabled={props.busy.has(e.path)}
                        onClick={() => props.actions.reindex(e)}
                      >
                        {t('files.reindex')}
                      </button>
                    </Show>
                    <button
                      type="button"
                      class="btn text-xs"
                      data-delete
                      disabled={props.busy.has(e.path)}
                      onClick={() => props.actions.remove(e)}
                    >
                      {t('common.delete')}
                    </button>
                  </div>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}
