// A job's run history (newest first, paged): status, trigger, start, duration, the output's summary or the error, and
// the progress lines a run left.
import { createResource, createSignal, For, Show } from 'solid-js';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { formatDuration } from '../lib/duration.ts';
import { type JobRun, schedulerApi } from './api.ts';
import { JobRunBadge } from './RunBadge.tsx';

/** `version` changes when a run starts or ends, so the history is read again. */
export function RunHistory(props: { jobId: string; version: string }) {
  const [more, setMore] = createSignal<JobRun[]>([]);
  const [page] = createResource(
    () => [props.jobId, props.version] as const,
    ([id]) => {
      setMore([]);
      return schedulerApi.runs(id);
    },
  );
  const [error, setError] = createSignal('');
  const runs = () => [...(page()?.runs ?? []), ...more()];
  const next = () => (more().length ? null : (page()?.next_before ?? null));
  const older = async () => {
    try {
      const r = await schedulerApi.runs(props.jobId, runs().at(-1)?.id);
      setMore([...more(), ...r.runs]);
    } catch (err) {
      setError(errorText(err, t('common.error')));
    }
  };

  return (
    <div class="card flex flex-col gap-2" data-job-history={props.jobId}>
      <h2 class="text-base m-0">{t('scheduler.history', { id: props.jobId })}</h2>
      <ErrorText text={error() || (page.error ? errorText(page.error, t('common.error')) : '')} />
      <ul class="list-none m-0 p-0 flex flex-col gap-1">
        <For
          each={runs()}
          fallback={<li class="text-sm text-gray-500">{page.loading ? t('common.loading') : t('scheduler.noRuns')}</li>}
        >
          {(r) => (
            <li
              class="border-0 border-b border-solid border-gray-200 dark:border-gray-700 py-1.5 text-sm flex flex-col gap-0.5"
              data-job-run={r.id}
              data-run-status={r.status}
            >
              <div class="flex flex-wrap items-center gap-2">
                <JobRunBadge status={r.status} />
                <span>{r.started_at ? formatDate(r.started_at) : t('scheduler.notStarted')}</span>
                <span class="text-gray-500">{t(`scheduler.trigger.${r.trigger}`)}</span>
                <Show when={r.duration_ms !== null}>
                  <span class="text-gray-500" data-run-duration>
                    {formatDuration(r.duration_ms ?? 0)}
                  </span>
                </Show>
              </div>
              <Show when={r.output}>
                {(o) => (
                  <p class="m-0" data-run-summary>
                    {o().summary}
                  </p>
                )}
              </Show>
              <Show when={r.error}>
                <p class="m-0 text-red-600" data-run-error>
                  {r.error}
                </p>
              </Show>
              <Show when={r.progress.length > 0}>
                <details>
                  <summary class="cursor-pointer text-xs text-gray-500">
                    {t('scheduler.progress', { n: r.progress.length })}
                  </summary>
                  <ol class="m-0 pl-5 text-xs">
                    <For each={r.progress}>{(line) => <li>{line}</li>}</For>
                  </ol>
                </details>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={next()}>
        <button type="button" class="btn self-start text-sm" onClick={() => void older()}>
          {t('scheduler.olderRuns')}
        </button>
      </Show>
    </div>
  );
}
