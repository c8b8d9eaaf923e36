// A log stream on screen: the newest lines (GET /api/logs or /api/logs/audit) with new ones added live over the
// WebSocket tail, filtered by minimum level and a search text on both; pausing closes the tail and keeps the lines.
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { LEVELS, LogEntry } from './LogEntry.tsx';
import { type LogLine, openTail, type TailState } from './tail.ts';

const MAX_LINES = 1000;
const HISTORY = 200;

/** Quick filters of the audit trail: what its `event` names start with. */
const AUDIT_KINDS = [
  { q: '', label: 'console.kind.all' },
  { q: '"event":"file.', label: 'console.kind.files' },
  { q: '"event":"chat.tool', label: 'console.kind.tools' },
  { q: '"event":"auth.', label: 'console.kind.auth' },
  { q: '"event":"bus.', label: 'console.kind.bus' },
];

export function LogView(props: { stream: 'app' | 'audit' }) {
  const [level, setLevel] = createSignal('');
  const [text, setText] = createSignal('');
  const [q, setQ] = createSignal('');
  const [paused, setPaused] = createSignal(false);
  const [state, setState] = createSignal<TailState>('connecting');
  const [lines, setLines] = createSignal<LogLine[]>([]);
  const [error, setError] = createSignal('');

  let debounce: ReturnType<typeof setTimeout> | undefined;
  const search = (value: string, now = false) => {
    setText(value);
    clearTimeout(debounce);
    if (now) setQ(value.trim());
    else debounce = setTimeout(() => setQ(value.trim()), 300);
  };
  onCleanup(() => clearTimeout(debounce));

  createEffect(() => {
    const filter = { stream: props.stream, level: level(), q: q() };
    if (paused()) return;
    let cancelled = false;
    let loaded = false;
    let requested = false;
    const early: LogLine[] = [];
    const seen = new Set<string>();
    const add = (line: LogLine) => {
      const key = JSON.stringify(line);
      if (seen.has(key)) return;
      seen.add(key);
      setLines((prev) => [line, ...prev].slice(0, MAX_LINES));
    };
    // History is read once the tail is open, so no line falls between the two; duplicates are dropped.
    const loadHistory = async () => {
      const params = new URLSearchParams({ limit: String(HISTORY) });
      if (filter.level) params.set('level', filter.level);
      if (filter.q) params.set('q', filter.q);
      try {
        const res = await api<{ lines: LogLine[] }>(`/api/logs${props.stream === 'audit' ? '/audit' : ''}?${params}`);
        if (cancelled) return;
        for (const l of res.lines) seen.add(JSON.stringify(l));
        setLines(res.lines);
        setError('');
      } catch (err) {
        if (!cancelled) setError(err instanceof ApiFailure ? err.message : t('common.error'));
      }
      loaded = true;
      for (const l of early) add(l);
    };
    setLines([]);
    const close = openTail({
      ...filter,
      onLine: (line) => (loaded ? add(line) : early.push(line)),
      onState: (s) => {
        setState(s);
        if (s !== 'connecting' && !requested) {
          requested = true;
          void loadHistory();
        }
      },
    });
    onCleanup(() => {
      cancelled = true;
      close();
    });
  });

  return (
    <div class="flex flex-col gap-2 min-h-0" data-log-view={props.stream}>
      <div class="flex flex-wrap gap-2 items-center">
        <label class="flex items-center gap-1">
          {t('console.level')}
          <select
            class="input box-border text-inherit w-auto"
            data-level-filter
            value={level()}
            onChange={(e) => setLevel(e.currentTarget.value)}
          >
            <option value="">{t('console.levelAll')}</option>
            <For each={LEVELS}>{(l) => <option value={l}>{l}</option>}</For>
          </select>
        </label>
        <input
          class="input box-border text-inherit flex-1 min-w-40"
          type="search"
          data-search
          placeholder={t('console.search')}
          aria-label={t('console.search')}
          value={text()}
          onInput={(e) => search(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && search(e.currentTarget.value, true)}
        />
        <button type="button" class="btn text-inherit" data-pause onClick={() => setPaused(!paused())}>
          {paused() ? t('console.resume') : t('console.pause')}
        </button>
        <span class="text-sm" data-tail-state={paused() ? 'paused' : state()}>
          {paused() ? t('console.state.paused') : t(`console.state.${state()}`)}
        </span>
      </div>
      <Show when={props.stream === 'audit'}>
        <fieldset class="flex flex-wrap gap-1 border-0 p-0 m-0" aria-label={t('console.kinds')}>
          <For each={AUDIT_KINDS}>
            {(k) => (
              <button
                type="button"
                class="btn text-inherit text-sm"
                classList={{ 'ring-2 ring-blue-500': q() === k.q }}
                data-kind={k.label.slice('console.kind.'.length)}
                onClick={() => search(k.q, true)}
              >
                {t(k.label)}
              </button>
            )}
          </For>
        </fieldset>
      </Show>
      <Show when={error()}>
        <p class="m-0 text-red-600" role="alert">
          {error()}
        </p>
      </Show>
      <p class="m-0 text-xs text-gray-500">{t('console.count', { count: lines().length })}</p>
      <ul class="list-none m-0 p-0 overflow-auto" data-log-list={props.stream}>
        <For each={lines()} fallback={<li class="text-gray-500 py-2">{t('console.empty')}</li>}>
          {(line) => <LogEntry line={line} />}
        </For>
      </ul>
    </div>
  );
}
