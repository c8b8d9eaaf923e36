// One job in the table: id and kind, what it does, its cron (edited in place; the daemon's message for a cron it
// cannot read is shown by the field), on/off, the next run, the last run's status and duration, run now, history.
import { createSignal, Show } from 'solid-js';
import { Badge } from '../components/Badge.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { createAction } from '../lib/action.ts';
import { formatDuration } from '../lib/duration.ts';
import { type Job, schedulerApi } from './api.ts';
import { JobRunBadge } from './RunBadge.tsx';

/** A built-in job's description in the reader's language when the i18n files have it; the daemon's otherwise. */
function described(job: Job): string {
  const key = `scheduler.job.${job.id}`;
  const text = job.kind === 'builtin' ? t(key) : key;
  return text === key ? job.description : text;
}

/** A cell's column name, shown only at phone width where the table's rows become cards. */
const Label = (props: { text: string }) => <span class="md:hidden text-xs text-gray-500 mr-1">{props.text}:</span>;

export function JobRow(props: {
  job: Job;
  selected: boolean;
  onChange: (job: Job) => void;
  onStarted: () => void;
  onHistory: () => void;
}) {
  const j = () => props.job;
  const [editing, setEditing] = createSignal(false);
  const [cron, setCron] = createSignal('');
  const [cronError, setCronError] = createSignal('');
  const { busy, error, run: act } = createAction();
  const goal = () => j().kind === 'goal';

  const saveCron = (e: Event) => {
    e.preventDefault();
    setCronError('');
    void act(async () => {
      props.onChange(await schedulerApi.patch(j().id, { cron: cron() }));
      setEditing(false);
    }, setCronError);
  };
  const toggle = (on: boolean) => act(async () => props.onChange(await schedulerApi.patch(j().id, { enabled: on })));
  const runNow = () =>
    act(async () => {
      await schedulerApi.run(j().id);
      props.onStarted();
    });

  return (
    <tr
      class="block md:table-row border-0 border-b border-solid border-gray-200 dark:border-gray-700 align-top py-1 md:py-0"
      classList={{ 'bg-blue-50 dark:bg-blue-950': props.selected }}
      data-job={j().id}
      data-job-kind={j().kind}
    >
      <td class="block md:table-cell px-2 py-1 md:p-2">
        <code class="font-semibold">{j().id}</code>
        <div class="inline-block ml-2 md:block md:ml-0 md:mt-1">
          <Badge tone={j().kind === 'builtin' ? 'idle' : 'busy'} label={t(`scheduler.kind.${j().kind}`)} />
        </div>
      </td>
      <td class="block md:table-cell px-2 py-1 md:p-2 md:min-w-48" data-job-description>
        {described(j())}
      </td>
      <td class="block md:table-cell px-2 py-1 md:p-2 md:min-w-40">
        <Label text={t('scheduler.cron')} />
        <Show
          when={editing()}
          fallback={
            <div class="inline-flex items-center gap-1">
              <code data-job-cron>{j().cron}</code>
              <Show when={!goal()}>
                <button
                  type="button"
                  class="btn text-xs px-1.5 py-0.5"
                  data-cron-edit
                  title={t('scheduler.editCron')}
                  onClick={() => {
                    setCron(j().cron);
                    setCronError('');
                    setEditing(true);
                  }}
                >
                  ✎
                </button>
              </Show>
            </div>
          }
        >
          <form class="flex flex-col gap-1" onSubmit={saveCron} data-cron-form>
            <input
              class="input font-mono text-sm"
              name="cron"
              aria-label={t('scheduler.cron')}
              value={cron()}
              onInput={(e) => setCron(e.currentTarget.value)}
            />
            <Show when={cronError()}>
              <p class="m-0 text-xs text-red-600" data-error="cron">
                {cronError()}
              </p>
            </Show>
            <div class="flex gap-1">
              <button type="submit" class="btn-primary text-xs px-2 py-1" data-cron-save disabled={busy()}>
                {t('common.save')}
              </button>
              <button type="button" class="btn text-xs px-2 py-1" onClick={() => setEditing(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        </Show>
      </td>
      <td class="block md:table-cell px-2 py-1 md:p-2">
        <label class="inline-flex items-center gap-2">
          <input
            type="checkbox"
            data-job-enabled
            aria-label={t('scheduler.enabled')}
            title={goal() ? t('scheduler.goalJob') : t('scheduler.enabled')}
            checked={j().enabled}
            disabled={busy() || goal()}
            onChange={(e) => void toggle(e.currentTarget.checked)}
          />
          <span class="md:hidden text-sm">{t('scheduler.enabled')}</span>
        </label>
      </td>
      <td class="block md:table-cell px-2 py-1 md:p-2 whitespace-nowrap text-sm" data-job-next>
        <Label text={t('scheduler.col.next')} />
        {j().enabled && j().next_run_at ? formatDate(j().next_run_at as string) : '—'}
      </td>
      <td class="block md:table-cell px-2 py-1 md:p-2 text-sm" data-job-last>
        <Label text={t('scheduler.col.last')} />
        <Show
          when={j().running}
          fallback={
            <Show when={j().last_run} fallback={<span class="text-gray-500">{t('scheduler.never')}</span>}>
              {(r) => (
                <div class="flex flex-col gap-0.5">
                  <span class="flex items-center gap-1">
                    <JobRunBadge status={r().status} />
                    <Show when={r().duration_ms !== null}>
                      <span class="text-gray-500">{formatDuration(r().duration_ms ?? 0)}</span>
                    </Show>
                  </span>
                  <Show when={r().summary ?? r().error}>
                    {(s) => <span class="text-xs text-gray-600 dark:text-gray-400 line-clamp-2">{s()}</span>}
                  </Show>
                </div>
              )}
            </Show>
          }
        >
          {(running) => (
            <div class="flex flex-col gap-0.5">
              <JobRunBadge status="running" />
              <Show when={running().progress.at(-1)}>
                {(line) => <span class="text-xs text-gray-600 dark:text-gray-400">{line()}</span>}
              </Show>
            </div>
          )}
        </Show>
        <ErrorText text={error()} small />
      </td>
      <td class="block md:table-cell px-2 py-1 md:p-2">
        <div class="flex flex-wrap gap-1">
          <button
            type="button"
            class="btn text-sm"
            data-job-run
            disabled={busy() || !!j().running}
            onClick={() => void runNow()}
          >
            {t('scheduler.runNow')}
          </button>
          <button type="button" class="btn text-sm" data-job-history-open onClick={props.onHistory}>
            {t('scheduler.historyButton')}
          </button>
        </div>
      </td>
    </tr>
  );
}
