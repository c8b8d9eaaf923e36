// The dead-letter queue (GET /api/bus/dlq, a page at a time): events a consumer group gave up on, with the error;
// requeue sends one back to that group, discard drops it. Both are audited by the daemon.
import { createSignal, For, onMount, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';

interface DeadLetter {
  id: string;
  event_id: string;
  timestamp: string;
  reason: string;
  group: string;
  original_topic: string;
  original_event_id: string | null;
  retries: number;
  error: { message: string; stack: string | null };
  event: Record<string, unknown> | null;
  raw: string | null;
}

export function DeadLetters() {
  const [entries, setEntries] = createSignal<DeadLetter[]>([]);
  const [next, setNext] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : t('common.error'));
    } finally {
      setBusy(false);
    }
  };
  const load = (more = false) =>
    run(async () => {
      const cursor = more ? next() : null;
      const page = await api<{ entries: DeadLetter[]; next: string | null }>(
        `/api/bus/dlq?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      setEntries(more ? [...entries(), ...page.entries] : page.entries);
      setNext(page.next);
    });
  const drop = (id: string) => setEntries(entries().filter((e) => e.id !== id));
  const requeue = (d: DeadLetter) =>
    run(async () => {
      const res = await api<{ requeued_as: string }>(`/api/bus/dlq/${d.id}/requeue`, { method: 'POST' });
      drop(d.id);
      setNotice(t('console.dlq.requeued', { id: res.requeued_as }));
    });
  const discard = (d: DeadLetter) => {
    if (!confirm(t('console.dlq.confirmDiscard'))) return;
    void run(async () => {
      await api(`/api/bus/dlq/${d.id}`, { method: 'DELETE' });
      drop(d.id);
      setNotice(t('console.dlq.discarded'));
    });
  };
  onMount(() => void load());

  return (
    <div class="flex flex-col gap-2" data-dlq>
      <div class="flex flex-wrap gap-2 items-center">
        <p class="m-0 mr-auto text-sm text-gray-600 dark:text-gray-400">{t('console.dlq.intro')}</p>
        <button type="button" class="btn text-inherit" data-dlq-refresh disabled={busy()} onClick={() => void load()}>
          {t('console.refresh')}
        </button>
      </div>
      <Show when={notice()}>
        <p class="m-0 text-green-700 dark:text-green-400" data-dlq-notice>
          {notice()}
        </p>
      </Show>
      <Show when={error()}>
        <p class="m-0 text-red-600" role="alert">
          {error()}
        </p>
      </Show>
      <ul class="list-none m-0 p-0 flex flex-col gap-2">
        <For each={entries()} fallback={<li class="text-gray-500">{t('console.dlq.empty')}</li>}>
          {(d) => (
            <li class="card flex flex-col gap-1" data-dead-letter={d.id}>
              <div class="flex flex-wrap gap-x-3 gap-y-1 items-baseline text-sm">
                <time class="font-mono text-xs text-gray-500" datetime={d.timestamp}>
                  {new Date(d.timestamp).toLocaleString()}
                </time>
                <span>
                  {t('console.dlq.topic')}: <code>{d.original_topic}</code>
                </span>
                <span>
                  {t('console.dlq.group')}: <code>{d.group}</code>
                </span>
                <span>
                  {t('console.dlq.type')}: <code>{String(d.event?.event_type ?? '—')}</code>
                </span>
                <span>
                  {t('console.dlq.retries')}: {d.retries}
                </span>
                <span>
                  {t('console.dlq.reason')}: <code>{d.reason}</code>
                </span>
              </div>
              <p class="m-0 text-red-700 dark:text-red-300" data-dlq-error>
                {d.error.message}
              </p>
              <details>
                <summary class="cursor-pointer text-sm">{t('console.raw')}</summary>
                <pre class="text-xs overflow-auto m-0 p-2 bg-gray-100 dark:bg-gray-900">
                  {d.raw ?? JSON.stringify(d.event, null, 2)}
                </pre>
              </details>
              <div class="flex gap-2">
                <button type="button" class="btn-primary" data-requeue disabled={busy()} onClick={() => requeue(d)}>
                  {t('console.dlq.requeue')}
                </button>
                <button
                  type="button"
                  class="btn text-inherit"
                  data-discard
                  disabled={busy()}
                  onClick={() => discard(d)}
                >
                  {t('console.dlq.discard')}
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
      <Show when={next()}>
        <button
          type="button"
          class="btn text-inherit self-start"
          data-dlq-more
          disabled={busy()}
          onClick={() => void load(true)}
        >
          {t('console.dlq.more')}
        </button>
      </Show>
    </div>
  );
}
