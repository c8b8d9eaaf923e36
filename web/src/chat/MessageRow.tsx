// One stored message in the list: the user's text (attachments as chips, edit and resend on the last one), the
// assistant's Markdown with its tool calls and sources, a tool's result folded away, and the gap row after a jump.
import { For, Match, Show, Switch } from 'solid-js';
import { t } from '../i18n/index.ts';
import { PaperclipIcon } from './icons.tsx';
import { Markdown } from './Markdown.tsx';
import { prettyJson } from './ToolCard.tsx';
import { type ContextItem, isGap, type Message, type Row } from './types.ts';

const ATTACHED = /^\[attached: (.+)\]$/;

/** The user's words and the files attached to them (the daemon appends "[attached: path]" lines). */
export function splitAttachments(content: string): { text: string; files: string[] } {
  const lines = content.split('\n');
  const files = lines.flatMap((l) => ATTACHED.exec(l)?.slice(1, 2) ?? []);
  const text = lines
    .filter((l) => !ATTACHED.test(l))
    .join('\n')
    .trimEnd();
  return { text, files };
}

/** A first guess at a row's height before it is measured. */
export function estimateRow(r: Row): number {
  if (isGap(r)) return 56;
  if (r.role === 'tool') return 44;
  const lines = r.content.split('\n').reduce((n, l) => n + 1 + Math.floor(l.length / 90), 0);
  return 40 + Math.min(lines, 400) * 22 + r.tool_calls.length * 40;
}

export interface RowActions {
  lastUserId: () => string | null;
  busy: () => boolean;
  highlighted: () => string | null;
  onEdit: (m: Message) => void;
  onResend: (m: Message) => void;
  onSources: (items: ContextItem[]) => void;
  onFillGap: () => void;
}

export function MessageRow(props: { row: Row; actions: RowActions }) {
  const a = props.actions;
  return (
    <Show
      when={!isGap(props.row) && (props.row as Message)}
      fallback={
        <div class="px-4 py-3 text-center text-sm text-gray-500" data-gap>
          <button type="button" class="btn" onClick={() => a.onFillGap()}>
            {t('chat.gap')}
          </button>
        </div>
      }
    >
      {(m) => (
        <div
          class="px-4 py-2"
          data-message={m().id}
          data-role={m().role}
          classList={{ 'bg-yellow-100 dark:bg-yellow-900': a.highlighted() === m().id }}
        >
          <Switch>
            <Match when={m().role === 'user'}>
              <UserMessage m={m()} actions={a} />
            </Match>
            <Match when={m().role === 'assistant'}>
              <AssistantMessage m={m()} actions={a} />
            </Match>
            <Match when={m().role === 'tool'}>
              <details class="text-sm text-gray-600 dark:text-gray-400">
                <summary class="cursor-pointer">
                  {t('chat.tool.resultOf', { name: String(m().meta.name ?? '') })}{' '}
                  {m().meta.ok === false ? t('chat.tool.failed') : t('chat.tool.ok')}
                </summary>
                <pre class="text-xs overflow-x-auto whitespace-pre-wrap break-all">{prettyJson(m().content)}</pre>
              </details>
            </Match>
            <Match when={m().role === 'system'}>
              <p class="text-xs text-gray-500 whitespace-pre-wrap">{m().content}</p>
            </Match>
          </Switch>
        </div>
      )}
    </Show>
  );
}

function UserMessage(props: { m: Message; actions: RowActions }) {
  const parts = () => splitAttachments(props.m.content);
  const last = () => props.actions.lastUserId() === props.m.id && !props.actions.busy();
  return (
    <div class="flex flex-col items-end">
      <div class="max-w-[80%] rounded-lg bg-blue-600 text-white px-3 py-2 whitespace-pre-wrap break-words">
        {parts().text}
      </div>
      <For each={parts().files}>
        {(f) => (
          <a
            class="text-xs mt-1 text-blue-700 dark:text-blue-300 inline-flex items-center gap-1"
            href={`#/files?path=${encodeURIComponent(f)}`}
          >
            <PaperclipIcon class="w-3 h-3" />
            {f.split('/').at(-1)}
          </a>
        )}
      </For>
      <Show when={last()}>
        <div class="flex gap-2 text-xs mt-1">
          <button
            type="button"
            class="bg-transparent border-0 p-0 underline cursor-pointer text-inherit"
            data-edit
            onClick={() => props.actions.onEdit(props.m)}
          >
            {t('chat.edit')}
          </button>
          <button
            type="button"
            class="bg-transparent border-0 p-0 underline cursor-pointer text-inherit"
            data-resend
            onClick={() => props.actions.onResend(props.m)}
          >
            {t('chat.resend')}
          </button>
        </div>
      </Show>
    </div>
  );
}

function AssistantMessage(props: { m: Message; actions: RowActions }) {
  const sources = () => (props.m.meta.context as ContextItem[] | undefined) ?? [];
  const error = () => (props.m.meta.error as { message?: string } | undefined)?.message;
  return (
    <div class="max-w-[90%]" data-status={props.m.status}>
      <Show when={props.m.content}>
        <Markdown text={props.m.content} cacheKey={props.m.id} />
      </Show>
      <For each={props.m.tool_calls}>
        {(c) => (
          <div class="text-xs text-gray-500 my-1" data-tool-call={c.name}>
            ⚙ <code>{c.name}</code> <code class="break-all">{c.arguments.slice(0, 200)}</code>
          </div>
        )}
      </For>
      <div class="flex gap-3 text-xs text-gray-500">
        <Show when={props.m.status === 'partial'}>
          <span>{t('chat.stopped')}</span>
        </Show>
        <Show when={error()}>
          <span class="text-red-600">{error()}</span>
        </Show>
        <Show when={sources().length > 0}>
          <button
            type="button"
            class="bg-transparent border-0 p-0 underline cursor-pointer text-inherit"
            data-sources
            onClick={() => props.actions.onSources(sources())}
          >
            {t('chat.sources', { n: sources().length })}
          </button>
        </Show>
      </div>
    </div>
  );
}
