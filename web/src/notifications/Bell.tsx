// The bell in the app's navigation: the unread count kept live by the notifications stream, and a panel listing the
// notifications; clicking one marks it read and opens its conversation (#/chat?c=<id>) when it has one.
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { ApiFailure } from '../lib/api.ts';
import { go } from '../lib/route.ts';
import { followNotifications, type Notification, type NotificationEvent, notificationsApi } from './api.ts';

const LEVEL_DOT: Record<Notification['level'], string> = {
  info: 'bg-blue-500',
  warn: 'bg-amber-500',
  error: 'bg-red-600',
};

export function Bell() {
  const [items, setItems] = createSignal<Notification[]>([]);
  const [unread, setUnread] = createSignal(0);
  const [next, setNext] = createSignal<string | null>(null);
  const [open, setOpen] = createSignal(false);
  const [error, setError] = createSignal('');

  const fail = (err: unknown) => setError(errorText(err, t('common.error')));
  const load = async (more = false) => {
    try {
      const page = await notificationsApi.list(more ? (next() ?? undefined) : undefined);
      setItems(more ? [...items(), ...page.items] : page.items);
      setUnread(page.unread);
      setNext(page.next_cursor);
      setError('');
    } catch (err) {
      if (!(err instanceof ApiFailure && err.status === 404)) fail(err);
    }
  };
  const markLocally = (ids: string[] | 'all') => {
    const at = new Date().toISOString();
    setItems(
      items().map((n) => (n.read_at === null && (ids === 'all' || ids.includes(n.id)) ? { ...n, read_at: at } : n)),
    );
  };
  const onEvent = (e: NotificationEvent) => {
    if (e.type === 'unread') setUnread(e.unread);
    else if (e.type === 'read') markLocally(e.ids);
    else if (!items().some((n) => n.id === e.notification.id)) setItems([e.notification, ...items()]);
  };

  onMount(() => {
    // Each (re)connect reloads the list: what was raised while the stream was down is not replayed.
    const stop = followNotifications(onEvent, (live) => live && void load());
    onCleanup(stop);
  });

  const choose = async (n: Notification) => {
    setOpen(false);
    if (n.read_at === null) {
      markLocally([n.id]);
      await notificationsApi.read(n.id).catch(fail);
    }
    if (n.conversation_id) go('chat', { c: n.conversation_id });
  };
  const readAll = () => {
    markLocally('all');
    void notificationsApi.readAll().catch(fail);
  };

  return (
    <div class="relative" data-notifications>
      <button
        type="button"
        class="px-2 py-1 rounded hover:bg-blue-700 text-left w-full flex items-center gap-1"
        aria-label={t('notifications.title')}
        aria-expanded={open()}
        data-bell
        onClick={() => setOpen(!open())}
      >
        <svg
          viewBox="0 0 24 24"
          width="16"
          height="16"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          stroke-width="2"
        >
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        <span class="hidden md:inline">{t('notifications.short')}</span>
        <Show when={unread() > 0}>
          <span class="ml-auto rounded-full bg-red-600 text-white text-xs px-1.5 min-w-4 text-center" data-unread>
            {unread()}
          </span>
        </Show>
      </button>
      <Show when={open()}>
        <div
          class="fixed z-50 inset-x-2 top-14 md:inset-x-auto md:left-46 md:top-auto md:bottom-2 md:w-96 max-h-[80vh] overflow-auto card text-gray-900 dark:text-gray-100 shadow-lg flex flex-col gap-2"
          role="dialog"
          aria-label={t('notifications.title')}
          data-notification-panel
        >
          <div class="flex items-center gap-2">
            <h2 class="text-base m-0 mr-auto">{t('notifications.title')}</h2>
            <button type="button" class="btn text-sm" data-read-all disabled={unread() === 0} onClick={readAll}>
              {t('notifications.readAll')}
            </button>
            <button type="button" class="btn text-sm" onClick={() => setOpen(false)}>
              {t('common.close')}
            </button>
          </div>
          <ErrorText text={error()} small />
          <ul class="list-none m-0 p-0 flex flex-col gap-1">
            <For each={items()} fallback={<li class="text-gray-500 text-sm">{t('notifications.empty')}</li>}>
              {(n) => (
                <li>
                  <button
                    type="button"
                    class="w-full text-left text-inherit bg-transparent border-0 rounded p-2 hover:bg-gray-100 dark:hover:bg-gray-700 cursor-pointer flex gap-2"
                    classList={{ 'bg-blue-50 dark:bg-blue-950': n.read_at === null }}
                    data-notification={n.id}
                    data-unread-item={n.read_at === null ? '' : undefined}
                    onClick={() => void choose(n)}
                  >
                    <span class={`mt-1.5 w-2 h-2 rounded-full shrink-0 ${LEVEL_DOT[n.level]}`} aria-hidden="true" />
                    <span class="flex flex-col gap-0.5 min-w-0">
                      <span classList={{ 'font-semibold': n.read_at === null }}>{n.title}</span>
                      <Show when={n.body}>
                        <span class="text-sm text-gray-600 dark:text-gray-300 line-clamp-3 break-words">{n.body}</span>
                      </Show>
                      <span class="text-xs text-gray-500 flex flex-wrap gap-x-2">
                        <time datetime={n.created_at}>{new Date(n.created_at).toLocaleString()}</time>
                        <code>{n.source}</code>
                        <Show when={n.conversation_id}>
                          <span>{t('notifications.opens')}</span>
                        </Show>
                      </span>
                    </span>
                  </button>
                </li>
              )}
            </For>
          </ul>
          <Show when={next()}>
            <button type="button" class="btn self-start text-sm" onClick={() => void load(true)}>
              {t('notifications.more')}
            </button>
          </Show>
        </div>
      </Show>
    </div>
  );
}
