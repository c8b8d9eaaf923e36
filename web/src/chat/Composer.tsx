// The message box: Enter sends (Shift+Enter for a new line), a stop button while the answer is written, files to
// attach (picked or dropped) with upload progress and ingest status.
import { createSignal, For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { PaperclipIcon } from './icons.tsx';
import type { Upload, Uploads } from './uploads.ts';

const stateLabel = (u: Upload) =>
  u.state === 'uploading'
    ? t('chat.upload.progress', { pct: Math.round(u.progress * 100) })
    : t(`chat.upload.${u.state}`);

export function Composer(props: {
  text: string;
  setText: (v: string) => void;
  streaming: boolean;
  stopping: boolean;
  uploads: Uploads;
  onSend: () => void;
  onStop: () => void;
  ref?: (el: HTMLTextAreaElement) => void;
}) {
  const [picker, setPicker] = createSignal<HTMLInputElement>();
  const canSend = () => !props.streaming && !props.uploads.pending() && props.text.trim() !== '';
  const submit = (e: Event) => {
    e.preventDefault();
    if (canSend()) props.onSend();
  };
  return (
    <form class="border-t border-gray-200 dark:border-gray-700 p-2 flex flex-col gap-2" onSubmit={submit} data-composer>
      <Show when={props.uploads.list.length > 0}>
        <ul class="flex flex-wrap gap-2 text-xs" data-uploads>
          <For each={props.uploads.list}>
            {(u) => (
              <li class="card !p-1.5 flex items-center gap-2" data-upload={u.name} data-upload-state={u.state}>
                <span class="font-medium">{u.name}</span>
                <Show when={u.state === 'uploading'}>
                  <progress max="1" value={u.progress} class="w-20" />
                </Show>
                <span classList={{ 'text-red-600': u.state === 'failed' }} title={u.error}>
                  {stateLabel(u)}
                </span>
                <button
                  type="button"
                  class="bg-transparent border-0 cursor-pointer text-inherit"
                  title={t('chat.upload.remove')}
                  aria-label={t('chat.upload.remove')}
                  onClick={() => props.uploads.remove(u.id)}
                >
                  ✕
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="flex gap-2 items-end">
        <button
          type="button"
          class="btn"
          title={t('chat.attach')}
          aria-label={t('chat.attach')}
          onClick={() => picker()?.click()}
        >
          <PaperclipIcon />
        </button>
        <input
          ref={setPicker}
          type="file"
          multiple
          class="hidden"
          onChange={(e) => {
            const files = e.currentTarget.files;
            if (files) void props.uploads.add([...files]);
            e.currentTarget.value = '';
          }}
        />
        <textarea
          ref={props.ref}
          name="message"
          rows="2"
          class="input box-border min-w-0 resize-none flex-1"
          placeholder={t('chat.placeholder')}
          value={props.text}
          onInput={(e) => props.setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
          }}
        />
        <Show
          when={props.streaming}
          fallback={
            <button type="submit" class="btn-primary" data-send disabled={!canSend()}>
              {t('chat.send')}
            </button>
          }
        >
          <button type="button" class="btn" data-stop disabled={props.stopping} onClick={() => props.onStop()}>
            ■ {t('chat.stop')}
          </button>
        </Show>
      </div>
    </form>
  );
}
