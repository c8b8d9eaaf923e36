// Upload into the open folder: pick files (or drop them on the page), each sent with its own progress bar.
import { createSignal, For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { errorText, upload } from './api.ts';

interface Upload {
  id: number;
  name: string;
  progress: number;
  state: 'sending' | 'done' | 'failed';
  error?: string;
}

let nextId = 1;

export function useUploads(onSaved: () => void) {
  const [items, setItems] = createSignal<Upload[]>([]);
  const patch = (id: number, p: Partial<Upload>) =>
    setItems((all) => all.map((u) => (u.id === id ? { ...u, ...p } : u)));

  const send = async (dir: string, files: FileList | File[]) => {
    const batch = [...files].map((f) => ({ file: f, id: nextId++ }));
    setItems((all) => [
      ...all.filter((u) => u.state === 'sending'),
      ...batch.map(({ file, id }) => ({ id, name: file.name, progress: 0, state: 'sending' as const })),
    ]);
    await Promise.all(
      batch.map(async ({ file, id }) => {
        try {
          await upload(dir, file, (progress) => patch(id, { progress }));
          patch(id, { state: 'done', progress: 1 });
        } catch (err) {
          patch(id, { state: 'failed', error: errorText(err, t('files.upload.failed')) });
        }
      }),
    );
    onSaved();
  };
  return { items, send, clear: () => setItems((all) => all.filter((u) => u.state === 'sending')) };
}

export function UploadButton(props: { onFiles: (files: FileList) => void; disabled?: boolean }) {
  let input: HTMLInputElement | undefined;
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        class="hidden"
        data-upload-input
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files?.length) props.onFiles(files);
          e.currentTarget.value = '';
        }}
      />
      <button type="button" class="btn-primary" disabled={props.disabled} data-upload onClick={() => input?.click()}>
        {t('files.upload')}
      </button>
    </>
  );
}

export function UploadList(props: { items: Upload[]; onClear: () => void }) {
  return (
    <Show when={props.items.length > 0}>
      <div class="card flex flex-col gap-1 text-sm" data-uploads>
        <For each={props.items}>
          {(u) => (
            <div class="flex items-center gap-2" data-upload-item={u.name} data-state={u.state}>
              <span class="truncate flex-1 min-w-0">{u.name}</span>
              <progress class="w-32" max="1" value={u.progress} data-upload-progress={u.progress.toFixed(2)} />
              <span class="w-24 text-right text-xs">
                {u.state === 'failed'
                  ? t('files.upload.failed')
                  : u.state === 'done'
                    ? t('files.upload.done')
                    : t('files.upload.percent', { n: Math.round(u.progress * 100) })}
              </span>
              <Show when={u.error}>
                <span class="text-red-600 text-xs" role="alert">
                  {u.error}
                </span>
              </Show>
            </div>
          )}
        </For>
        <button type="button" class="btn text-xs self-end" onClick={props.onClear}>
          {t('common.close')}
        </button>
      </div>
    </Show>
  );
}
