// One memory: edit its text, kind and importance, pin or unpin, delete; its provenance and history; its graph.
import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { errorText } from '../files/api.ts';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { KINDS, type Kind, type Memory, memoryApi, type ScoreParts } from './api.ts';
import { History } from './History.tsx';
import { Provenance } from './Provenance.tsx';

export interface DetailProps {
  id: string;
  parts?: ScoreParts;
  onChanged: (m: Memory) => void;
  onDeleted: (id: string) => void;
  onOpen: (id: string) => void;
  onGraph: (id: string) => void;
}

export function Detail(props: DetailProps) {
  const [memory, { mutate }] = createResource(() => props.id, memoryApi.get);
  const [text, setText] = createSignal('');
  const [kind, setKind] = createSignal<Kind>('fact');
  const [importance, setImportance] = createSignal(0.5);
  const [error, setError] = createSignal('');
  const [saved, setSaved] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  createEffect(() => {
    const m = memory();
    if (!m) return;
    setText(m.text);
    setKind(m.kind);
    setImportance(m.importance);
  });

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setSaved(false);
    try {
      await fn();
    } catch (err) {
      setError(errorText(err, t('common.error')));
    } finally {
      setBusy(false);
    }
  };
  const patch = (p: Parameters<typeof memoryApi.patch>[1]) =>
    run(async () => {
      const m = await memoryApi.patch(props.id, p);
      mutate(m);
      props.onChanged(m);
      setSaved(true);
    });
  const dirty = () => {
    const m = memory();
    return !!m && (text().trim() !== m.text || kind() !== m.kind || importance() !== m.importance);
  };

  return (
    <Show
      when={memory()}
      fallback={
        <p class="m-0" role={memory.error ? 'alert' : undefined}>
          {memory.error ? errorText(memory.error, t('common.error')) : t('common.loading')}
        </p>
      }
    >
      {(m) => (
        <article class="card flex flex-col gap-3" data-memory={m().id}>
          <form
            class="flex flex-col gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void patch({ text: text().trim(), kind: kind(), importance: importance() });
            }}
          >
            <label class="flex flex-col gap-1 text-sm">
              {t('memory.text')}
              <textarea
                class="input min-h-24"
                name="text"
                data-memory-text
                required
                value={text()}
                onInput={(e) => setText(e.currentTarget.value)}
              />
            </label>
            <div class="flex flex-wrap gap-3 items-end text-sm">
              <label class="flex flex-col gap-1">
                {t('memory.kind')}
                <select
                  class="input w-auto"
                  name="kind"
                  value={kind()}
                  onChange={(e) => setKind(e.currentTarget.value as Kind)}
                >
                  <For each={KINDS}>{(k) => <option value={k}>{t(`memory.kind.${k}`)}</option>}</For>
                </select>
              </label>
              <label class="flex flex-col gap-1">
                {t('memory.importance', { n: importance().toFixed(2) })}
                <input
                  type="range"
                  name="importance"
                  min="0"
                  max="1"
                  step="0.05"
                  value={importance()}
                  onInput={(e) => setImportance(Number(e.currentTarget.value))}
                />
              </label>
              <button type="submit" class="btn-primary" data-memory-save disabled={busy() || !dirty()}>
                {t('common.save')}
              </button>
            </div>
          </form>
          <div class="flex flex-wrap gap-2">
            <button
              type="button"
              class="btn"
              data-pin={m().pinned ? 'on' : 'off'}
              aria-pressed={m().pinned}
              disabled={busy()}
              onClick={() => patch({ pinned: !m().pinned })}
            >
              {m().pinned ? t('memory.unpin') : t('memory.pin')}
            </button>
            <button type="button" class="btn" data-memory-graph onClick={() => props.onGraph(m().id)}>
              {t('memory.showGraph')}
            </button>
            <button
              type="button"
              class="btn text-red-700 dark:text-red-300"
              data-memory-delete
              disabled={busy()}
              onClick={() => {
                if (!confirm(t('memory.confirmDelete'))) return;
                void run(async () => {
                  await memoryApi.remove(m().id);
                  props.onDeleted(m().id);
                });
              }}
            >
              {t('common.delete')}
            </button>
          </div>
          <Show when={error()}>
            <p class="m-0 text-red-600" role="alert">
              {error()}
            </p>
          </Show>
          <Show when={saved()}>
            <p class="m-0 text-green-700 dark:text-green-300 text-sm" role="status" data-memory-saved>
              {t('memory.saved')}
            </p>
          </Show>
          <p class="m-0 text-xs text-gray-500">
            {t('memory.meta', {
              created: formatDate(m().created_at),
              updated: formatDate(m().updated_at),
              n: m().access_count,
            })}
          </p>
          <Provenance source={m().source} sources={m().provenance} parts={props.parts} />
          <History memory={m()} onOpen={props.onOpen} />
        </article>
      )}
    </Show>
  );
}
