// The conversation list (newest activity first, more on demand) with search over every message as you type; a hit
// opens its conversation at that message.
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { go } from '../lib/route.ts';
import { snippetHtml } from './markdown.ts';
import type { Conversation, Page, SearchHit } from './types.ts';

export function createConversations() {
  const [items, setItems] = createSignal<Conversation[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const load = async (more = false) => {
    const q = more && cursor() ? `&cursor=${encodeURIComponent(cursor() as string)}` : '';
    const p = await api<Page<Conversation>>(`/api/chat/conversations?limit=50${q}`);
    setItems((old) => (more ? [...old, ...p.items] : p.items));
    setCursor(p.next_cursor);
  };
  return { items, cursor, load, remove: (id: string) => setItems((l) => l.filter((c) => c.id !== id)) };
}
export type Conversations = ReturnType<typeof createConversations>;

export function Sidebar(props: { list: Conversations; current: string | null; onNew: () => void }) {
  const [q, setQ] = createSignal('');
  const [hits, setHits] = createSignal<SearchHit[] | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  onCleanup(() => clearTimeout(timer));
  const search = (text: string) => {
    setQ(text);
    clearTimeout(timer);
    if (!text.trim()) return setHits(null);
    timer = setTimeout(async () => {
      const mine = ++asked;
      const r = await api<{ hits: SearchHit[] }>(`/api/chat/search?limit=30&q=${encodeURIComponent(text)}`).catch(
        () => ({ hits: [] }),
      );
      if (mine === asked) setHits(r.hits);
    }, 150);
  };
  const remove = async (c: Conversation) => {
    await api(`/api/chat/conversations/${c.id}`, { method: 'DELETE' }).catch(() => {});
    props.list.remove(c.id);
    if (props.current === c.id) go('chat');
  };
  return (
    <aside
      class="md:w-64 shrink-0 border-r border-gray-200 dark:border-gray-700 flex-col min-h-0"
      classList={{ 'hidden md:flex': !!props.current, 'flex flex-1 md:flex-none': !props.current }}
      data-chat-sidebar
    >
      <div class="p-2 flex flex-col gap-2">
        <button type="button" class="btn-primary" data-new-conversation onClick={() => props.onNew()}>
          {t('chat.new')}
        </button>
        <input
          type="search"
          class="input box-border"
          name="chat-search"
          placeholder={t('chat.search.placeholder')}
          aria-label={t('chat.search.placeholder')}
          value={q()}
          onInput={(e) => search(e.currentTarget.value)}
        />
      </div>
      <div class="flex-1 overflow-y-auto min-h-0">
        <Show
          when={hits()}
          fallback={
            <ul class="list-none m-0 p-0" data-conversations>
              <For each={props.list.items()}>
                {(c) => (
                  <li
                    class="group flex items-center"
                    classList={{ 'bg-blue-100 dark:bg-blue-900': c.id === props.current }}
                  >
                    <a
                      href={`#/chat?c=${c.id}`}
                      class="flex-1 min-w-0 px-3 py-2 no-underline text-inherit truncate"
                      data-conversation={c.id}
                    >
                      {c.title}
                    </a>
                    <button
                      type="button"
                      class="px-2 bg-transparent border-0 cursor-pointer text-inherit opacity-0 group-hover:opacity-100 focus:opacity-100"
                      title={t('common.delete')}
                      aria-label={t('common.delete')}
                      onClick={() => void remove(c)}
                    >
                      ✕
                    </button>
                  </li>
                )}
              </For>
              <Show when={props.list.cursor()}>
                <li class="p-2">
                  <button type="button" class="btn w-full" onClick={() => void props.list.load(true)}>
                    {t('chat.more')}
                  </button>
                </li>
              </Show>
            </ul>
          }
        >
          {(found) => (
            <ul class="list-none m-0 p-0" data-search-results>
              <Show when={found().length === 0}>
                <li class="px-3 py-2 text-gray-500">{t('chat.search.none')}</li>
              </Show>
              <For each={found()}>
                {(h) => (
                  <li>
                    <a
                      href={`#/chat?c=${h.conversation_id}&m=${h.message_id}`}
                      class="block px-3 py-2 no-underline text-inherit hover:bg-gray-100 dark:hover:bg-gray-800"
                      data-hit={h.message_id}
                    >
                      <span class="block text-xs text-gray-500 truncate">{h.conversation_title}</span>
                      <span class="block text-sm line-clamp-3" innerHTML={snippetHtml(h.snippet)} />
                    </a>
                  </li>
                )}
              </For>
            </ul>
          )}
        </Show>
      </div>
    </aside>
  );
}
