// The Scheduler screen: every job (built-in, user, goal) in a table — cron, on/off, next and last run — with run now,
// and the chosen job's run history (#/scheduler?job=<id>). While a job runs the table is read again every second.
import { createResource, For, onCleanup, Show } from 'solid-js';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { go, route } from '../lib/route.ts';
import { type Job, schedulerApi } from '../scheduler/api.ts';
import { JobRow } from '../scheduler/JobRow.tsx';
import { RunHistory } from '../scheduler/RunHistory.tsx';

const POLL_MS = 1000;

export default function SchedulerScreen() {
  const [jobs, { mutate, refetch }] = createResource(schedulerApi.list);
  const selected = () => route().params.get('job') ?? '';
  const selectedJob = () => jobs()?.find((j) => j.id === selected());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const list = await refetch();
      if (list?.some((j) => j.running)) poll();
    }, POLL_MS);
  };
  onCleanup(() => clearTimeout(timer));
  const replace = (job: Job) => mutate(jobs()?.map((j) => (j.id === job.id ? job : j)));

  return (
    <section data-screen="scheduler" class="p-4 flex flex-col gap-3">
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="text-xl m-0 mr-auto">{t('scheduler.title')}</h1>
        <button type="button" class="btn" data-jobs-refresh onClick={() => void refetch()}>
          {t('scheduler.refresh')}
        </button>
      </div>
      <p class="m-0 text-sm text-gray-600 dark:text-gray-400">{t('scheduler.intro')}</p>
      <Show when={jobs.error}>
        <p class="m-0 text-red-600" role="alert">
          {errorText(jobs.error, t('common.error'))}
        </p>
      </Show>
      <div class="overflow-x-auto card p-0">
        <table class="w-full border-collapse text-left block md:table" data-jobs>
          <thead class="hidden md:table-header-group">
            <tr class="text-sm text-gray-500 border-0 border-b border-solid border-gray-200 dark:border-gray-700">
              <th class="p-2 font-normal">{t('scheduler.col.id')}</th>
              <th class="p-2 font-normal">{t('scheduler.col.description')}</th>
              <th class="p-2 font-normal">{t('scheduler.cron')}</th>
              <th class="p-2 font-normal">{t('scheduler.enabled')}</th>
              <th class="p-2 font-normal">{t('scheduler.col.next')}</th>
              <th class="p-2 font-normal">{t('scheduler.col.last')}</th>
              <th class="p-2 font-normal" />
            </tr>
          </thead>
          <tbody class="block md:table-row-group">
            <For
              each={jobs()}
              fallback={
                <tr>
                  <td class="p-2 text-gray-500" colSpan={7}>
                    {jobs.loading ? t('common.loading') : t('scheduler.empty')}
                  </td>
                </tr>
              }
            >
              {(job) => (
                <JobRow
                  job={job}
                  selected={selected() === job.id}
                  onChange={replace}
                  onStarted={() => {
                    go('scheduler', { job: job.id });
                    void Promise.resolve(refetch()).then(poll);
                  }}
                  onHistory={() => go('scheduler', { job: job.id })}
                />
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={selectedJob()}>
        {(j) => <RunHistory jobId={j().id} version={`${j().last_run?.id ?? ''} ${j().running?.run_id ?? ''}`} />}
      </Show>
    </section>
  );
}
