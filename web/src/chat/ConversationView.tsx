// One open conversation: its messages in a windowed list (older pages as the user scrolls up), the answer being
// written below them, jump to a message from search, files dropped anywhere on it, and the live-context panel.
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { Composer } from './Composer.tsx';
import { ContextPanel } from './ContextPanel.tsx';
import { ConversationHeader } from './ConversationHeader.tsx';
import { createHistory } from './history.ts';
import { LiveTurn } from './LiveTurn.tsx';
import { estimateRow, MessageRow, type RowActions, splitAttachments } from './MessageRow.tsx';
import { createTurn } from './turn.ts';
import { type ContextItem, isGap, type Message, rowKey } from './types.ts';
import { createUploads } from './uploads.ts';
import { type VirtualHandle, VirtualList } from './VirtualList.tsx';

export function ConversationView(props: { id: string; jumpTo: string | null; onTurnDone: () => void }) {
  const history = createHistory(props.id);
  const uploads = createUploads();
  const turn = createTurn(props.id, {
    onMessage: (m) => m.role === 'user' && history.add(m),
    onDone: async () => {
      await history.refreshNewest().catch(() => {});
      setTurns((n) => n + 1);
      props.onTurnDone();
    },
  });
  const [text, setText] = createSignal('');
  const [turns, setTurns] = createSignal(0);
  const [win, setWin] = createSignal<readonly [number, number]>([0, 0]);
  const [atEnd, setAtEnd] = createSignal(true);
  const [highlighted, setHighlighted] = createSignal<string | null>(null);
  const [context, setContext] = createSignal<ContextItem[] | null>(null);
  const [showContext, setShowContext] = createSignal(false);
  const [dragging, setDragging] = createSignal(false);
  let list: VirtualHandle | undefined;
  let box: HTMLTextAreaElement | undefined;

  onMount(async () => {
    await history.open();
    // A question with no answer after it: the answer may still be being written (another tab, a reload).
    const last = history.rows().at(-1);
    if (last && !isGap(last) && last.role === 'user') void turn.reattach();
  });
  onCleanup(() => turn.detach());

  // Older pages while the top is in view (the gap after a jump is filled when asked: it can be long).
  createEffect(() => {
    const [first] = win();
    if (history.busy() || !history.loaded()) return;
    if (first <= 3 && history.hasOlder()) void history.loadOlder();
  });
  createEffect(
    on([() => props.jumpTo, history.loaded], async ([m, loaded]) => {
      if (!m || !loaded) return;
      if (!(await history.reveal(m))) return;
      requestAnimationFrame(() => list?.scrollToKey(m));
      setHighlighted(m);
    }),
  );
  createEffect(() => {
    const items = turn.state.context;
    if (!items) return;
    setContext(items);
    // Opened by itself only where it fits beside the messages (on a phone it would cover them).
    if (items.some((c) => c.kind !== 'recent') && matchMedia('(min-width: 768px)').matches) setShowContext(true);
  });

  const lastUserId = () => {
    const rows = history.rows();
    for (let i = rows.length - 1; i >= 0 && i >= rows.length - 50; i--) {
      const r = rows[i];
      if (r && !isGap(r) && r.role === 'user') return r.id;
    }
    return null;
  };
  const send = (body: string, attachments: string[]) => {
    setHighlighted(null);
    list?.scrollToEnd();
    void turn.send(body, attachments);
  };
  const actions: RowActions = {
    lastUserId,
    busy: () => turn.state.active,
    highlighted,
    onEdit: (m: Message) => {
      setText(splitAttachments(m.content).text);
      uploads.clear();
      uploads.reuse((m.meta.attachments as string[] | undefined) ?? []);
      box?.focus();
    },
    onResend: (m: Message) => send(splitAttachments(m.content).text, (m.meta.attachments as string[]) ?? []),
    onSources: (items) => {
      setContext(items);
      setShowContext(true);
    },
    onFillGap: () => void history.fillGap(),
  };

  /** Files dragged anywhere onto the conversation are uploaded and attached to the next message. */
  const dropzone = (el: HTMLElement) => {
    el.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    });
    el.addEventListener('dragleave', (e) => {
      if (!el.contains(e.relatedTarget as Node | null)) setDragging(false);
    });
    el.addEventListener('drop', (e) => {
      e.preventDefault();
      setDragging(false);
      const files = e.dataTransfer?.files;
      if (files?.length) void uploads.add([...files]);
    });
  };
  return (
    <div
      class="flex flex-1 min-w-0 min-h-0"
      data-conversation-view={props.id}
      data-loaded={history.loaded() ? 'true' : 'false'}
      data-has-older={history.hasOlder() || history.rows().some(isGap) ? 'true' : 'false'}
      data-row-count={history.rows().length}
    >
      <div class="relative flex flex-col flex-1 min-w-0 min-h-0" data-dropzone ref={dropzone}>
        <ConversationHeader
          id={props.id}
          version={turns()}
          error={history.error()}
          onToggleContext={() => setShowContext((v) => !v)}
        />
        <VirtualList
          class="flex-1 min-h-0"
          items={history.rows()}
          key={rowKey}
          estimate={estimateRow}
          handle={(h) => {
            list = h;
          }}
          onRange={(first, end) => setWin([first, end])}
          onAtEnd={setAtEnd}
          footer={<LiveTurn turn={turn} />}
        >
          {(row) => <MessageRow row={row} actions={actions} />}
        </VirtualList>
        <Show when={!history.loaded()}>
          <p class="absolute inset-x-0 top-12 text-center text-gray-500">{t('common.loading')}</p>
        </Show>
        <Show when={!atEnd()}>
          <button
            type="button"
            class="btn absolute right-4 bottom-24 shadow"
            title={t('chat.latest')}
            aria-label={t('chat.latest')}
            data-to-latest
            onClick={() => list?.scrollToEnd()}
          >
            ↓
          </button>
        </Show>
        <Composer
          text={text()}
          setText={setText}
          streaming={turn.state.active}
          stopping={turn.state.stopping}
          uploads={uploads}
          ref={(el) => {
            box = el;
          }}
          onSend={() => {
            const body = text().trim();
            const attachments = uploads.paths();
            setText('');
            uploads.clear();
            send(body, attachments);
          }}
          onStop={() => void turn.stop()}
        />
        <Show when={dragging()}>
          <div class="absolute inset-0 bg-blue-500/20 border-4 border-dashed border-blue-500 flex items-center justify-center pointer-events-none">
            <p class="card text-lg">{t('chat.drop')}</p>
          </div>
        </Show>
      </div>
      <Show when={showContext()}>
        <ContextPanel items={context()} onClose={() => setShowContext(false)} />
      </Show>
    </div>
  );
}
