// The trash: what was deleted, from where and when; restore puts it back, empty removes everything for good.
import { createResource, For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { filesApi, type TrashItem } from './api.ts';
import { formatDate, formatSize } from './format.ts';

export function Trash(props: { onRestored: (path: string) => void; onError: (err: unknown) => void }) {
  const [trash, { refetch }] = createResource(filesApi.trash);

  const restore = async (item: TrashItem) => {
    try {
      const { path } = await filesApi.restore(item.id);
      await refetch();
      props.onRestored(path);
    } catch (err) {
      props.onError(err);
    }
  };
  const empty = async () => {
    if (!confirm(t('files.trash.confirmEmpty'))) return;
    try {
      await filesApi.emptyTrash();
      await refetch();
    } catch (err) {
      props.onError(err);
    }
  };

  return (
    <section class="card flex flex-col gap-2" data-trash>
      <div class="flex items-center gap-2">
        <h2 class="text-base m-0 flex-1">{t('files.trash.title')}</h2>
        <Show when={trash()?.items.length}>
          <button type="button" class="btn text-xs" data-empty-trash onClick={empty}>
            {t('files.trash.empty')}
          </button>
        </Show>
      </div>
      <Show when={trash()}>
        {(data) => (
          <>
            <p class="m-0 text-xs text-gray-500">{t('files.trash.keep', { n: data().keep_days })}</p>
            <Show when={data().items.length > 0} fallback={<p class="m-0 text-sm">{t('files.trash.none')}</p>}>
              <ul class="list-none m-0 p-0 flex flex-col gap-1 text-sm">
                <For each={data().items}>
                  {(item) => (
                    <li class="flex items-center gap-2" data-trash-item={item.name}>
                      <div class="flex-1 min-w-0">
                        <div class="truncate">{item.name}</div>
                        <div class="text-xs text-gray-500 break-all">
                          {t('files.trash.from', { path: item.original_path })} · {formatDate(item.deleted_at)}
                          {item.kind === 'file' ? ` · ${formatSize(item.size)}` : ''}
                        </div>
                      </div>
                      <button type="button" class="btn text-xs" data-restore onClick={() => restore(item)}>
                        {t('files.trash.restore')}
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
