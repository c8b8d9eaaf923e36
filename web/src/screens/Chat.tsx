// The Chat screen: conversations and search on the left, the open conversation (#/chat?c=<id>, &m=<message> to jump
// to a message) on the right.
import { onMount, Show } from 'solid-js';
import { ConversationView } from '../chat/ConversationView.tsx';
import { createConversations, Sidebar } from '../chat/Sidebar.tsx';
import '../chat/chat.css';
import { t } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { go, route } from '../lib/route.ts';

export default function ChatScreen() {
  const conversations = createConversations();
  const current = () => route().params.get('c');
  onMount(() => void conversations.load().catch(() => {}));
  const create = async () => {
    const c = await api<{ id: string }>('/api/chat/conversations', { method: 'POST', json: {} });
    await conversations.load().catch(() => {});
    go('chat', { c: c.id });
  };
  return (
    <section data-screen="chat" class="relative flex h-full min-h-0">
      <Sidebar list={conversations} current={current()} onNew={() => void create()} />
      <Show
        when={current()}
        keyed
        fallback={
          <div class="flex-1 hidden md:flex flex-col items-center justify-center gap-3 text-gray-500" data-chat-empty>
            <p>{t('chat.empty')}</p>
            <button type="button" class="btn-primary" onClick={() => void create()}>
              {t('chat.new')}
            </button>
          </div>
        }
      >
        {(id) => (
          <ConversationView
            id={id}
            jumpTo={route().params.get('m')}
            onTurnDone={() => void conversations.load().catch(() => {})}
          />
        )}
      </Show>
    </section>
  );
}
