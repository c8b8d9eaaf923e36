// The bar above a conversation: its title and size, a way back to the list on a phone, a load error, and the
// live-context toggle.
import { createResource, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import type { Conversation } from './types.ts';

export function ConversationHeader(props: {
  id: string;
  /** Bumped after each turn: the title and count are read again. */
  version: number;
  error: string | null;
  onToggleContext: () => void;
}) {
  const [conv] = createResource(
    () => [props.id, props.version] as const,
    ([id]) => api<Conversation>(`/api/chat/conversations/${id}`).catch(() => null),
  );
  return (
    <div class="flex items-center gap-2 px-3 py-1 border-b border-gray-200 dark:border-gray-700 text-sm">
      <a
        href="#/chat"
        class="md:hidden no-underline text-inherit px-1"
        title={t('chat.back')}
        aria-label={t('chat.back')}
      >
        ←
      </a>
      <div class="flex-1 min-w-0 truncate" data-conversation-title>
        <Show when={conv()}>
          {(c) => (
            <>
              <span class="font-semibold">{c().title}</span>{' '}
              <span class="text-gray-500">{t('chat.count', { n: c().message_count.toLocaleString() })}</span>
            </>
          )}
        </Show>
      </div>
      <Show when={props.error}>
        {(err) => (
          <span role="alert" class="text-red-600">
            {err()}
          </span>
        )}
      </Show>
      <button type="button" class="btn" data-context-toggle onClick={() => props.onToggleContext()}>
        {t('chat.context.toggle')}
      </button>
    </div>
  );
}
