// Memory search: a question and an optional kind; hits best first with kind, score and pin, one of them selected.
import { createSignal, For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { type Hit, KINDS } from './api.ts';

export function SearchForm(props: { q: string; kind: string; onSearch: (q: string, kind: string) => void }) {
  const [text, setText] = createSignal(props.q);
  const [kind, setKind] = createSignal(props.kind);
  return (
    <form
      class="flex flex-wrap gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (text().trim()) props.onSearch(text().trim(), kind());
      }}
    >
      <input
        class="input flex-1 min-w-48"
        type="search"
        name="q"
        data-memory-search
        placeholder={t('memory.search.placeholder')}
        aria-label={t('memory.search.placeholder')}
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <select
        class="input w-auto"
        name="kind"
        aria-label={t('memory.kind')}
        value={kind()}
        onChange={(e) => setKind(e.currentTarget.value)}
      >
        <option value="">{t('memory.kind.all')}</option>
        <For each={KINDS}>{(k) => <option value={k}>{t(`memory.kind.${k}`)}</option>}</For>
      </select>
      <button type="submit" class="btn-primary" data-memory-search-go>
        {t('memory.search.go')}
      </button>
    </form>
  );
}

export function HitList(props: { hits: Hit[]; selected: string; onSelect: (id: string) => void }) {
  return (
    <Show
      when={props.hits.length > 0}
      fallback={
        <p class="text-gray-500 m-0" data-no-hits>
          {t('memory.search.none')}
        </p>
      }
    >
      <ul class="list-none m-0 p-0 flex flex-col gap-1" data-hits>
        <For each={props.hits}>
          {(h) => (
            <li>
              <button
                type="button"
                class="card w-full text-left cursor-pointer hover:border-blue-400 flex flex-col gap-1"
                classList={{ 'border-blue-500!': props.selected === h.memory.id }}
                data-hit={h.memory.id}
                onClick={() => props.onSelect(h.memory.id)}
              >
                <span class="line-clamp-3 break-words">{h.memory.text}</span>
                <span class="flex gap-2 text-xs text-gray-500">
                  <span>{t(`memory.kind.${h.memory.kind}`)}</span>
                  <span>{t('memory.score', { n: h.score.toFixed(3) })}</span>
                  <Show when={h.memory.pinned}>
                    <span data-pinned>{t('memory.pinned')}</span>
                  </Show>
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
