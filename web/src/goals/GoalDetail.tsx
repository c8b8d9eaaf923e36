// One goal: what it is told, when it runs, its budget and tools; run it now, edit, delete; its run history (newest
// first, paged) with the chosen run's steps below.
import { createResource, createSignal, For, Show } from 'solid-js';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { createAction } from '../lib/action.ts';
import { type Goal, type GoalRun, goalsApi } from './api.ts';
import { RunBadge } from './RunBadge.tsx';
import { RunSteps } from './RunSteps.tsx';

export function GoalDetail(props: {
  goal: Goal;
  runId: string;
  onRun: (runId: string) => void;
  onEdit: () => void;
  onDeleted: () => void;
  onChanged: () => void;
}) {
  const [more, setMore] = createSignal<GoalRun[]>([]);
  const [runs, { refetch }] = createResource(
    () => props.goal.id,
    (id) => goalsApi.runs(id),
  );
  const { busy, error, run: act } = createAction();
  const all = () => [...(runs()?.items ?? []), ...more()];
  const next = () => (more().length ? null : (runs()?.next_before ?? null));

  const runNow = () =>
    act(async () => {
      const { run_id } = await goalsApi.start(props.goal.id);
      await refetch();
      props.onChanged();
      props.onRun(run_id);
    });
  const remove = () => {
    if (!confirm(t('goals.confirmDelete', { title: props.goal.title }))) return;
    void act(async () => {
      await goalsApi.remove(props.goal.id);
      props.onDeleted();
    });
  };
  const loadMore = () =>
    act(async () => {
      const before = all().at(-1)?.id;
      const page = await goalsApi.runs(props.goal.id, 100, before);
      setMore([...more(), ...page.items]);
    });
  /** A run's status changed while watched: the history and the list show it too. */
  let lastStatus = '';
  const onRunChange = (run: GoalRun) => {
    if (lastStatus && lastStatus !== run.status) {
      void refetch();
      props.onChanged();
    }
    lastStatus = run.status;
  };

  return (
    <div class="flex flex-col gap-3 min-w-0" data-goal={props.goal.id}>
      <div class="card flex flex-col gap-2">
        <div class="flex flex-wrap items-center gap-2">
          <h2 class="text-lg m-0 mr-auto break-words">{props.goal.title}</h2>
          <button
            type="button"
            class="btn-primary"
            data-goal-run
            disabled={busy() || !!props.goal.running_run_id}
            onClick={() => void runNow()}
          >
            {t('goals.runNow')}
          </button>
          <button type="button" class="btn" data-goal-edit onClick={props.onEdit}>
            {t('goals.edit')}
          </button>
          <button type="button" class="btn" data-goal-delete disabled={busy()} onClick={remove}>
            {t('common.delete')}
          </button>
        </div>
        <ErrorText text={error()} />
        <p class="m-0 whitespace-pre-wrap break-words text-sm">{props.goal.instructions}</p>
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 m-0 text-sm">
          <dt class="text-gray-500">{t('goals.schedule')}</dt>
          <dd class="m-0">
            <Show when={props.goal.schedule} fallback={t('goals.manualOnly')}>
              {(s) => <code>{s()}</code>}
            </Show>
            <Show when={!props.goal.enabled}> · {t('goals.disabled')}</Show>
          </dd>
          <dt class="text-gray-500">{t('goals.budget')}</dt>
          <dd class="m-0">
            {t('goals.budgetValue', { steps: props.goal.budget.max_steps, tokens: props.goal.budget.max_tokens })}
          </dd>
          <dt class="text-gray-500">{t('goals.tools')}</dt>
          <dd class="m-0 break-words">
            <Show when={props.goal.allowed_tools.length > 0} fallback={t('goals.toolsDefault')}>
              <For each={props.goal.allowed_tools}>{(n) => <code class="mr-2">{n}</code>}</For>
            </Show>
          </dd>
        </dl>
      </div>
      <div class="card flex flex-col gap-1">
        <h3 class="text-base m-0 mb-1">{t('goals.history')}</h3>
        <Show when={!runs.error} fallback={<p class="m-0 text-red-600">{errorText(runs.error, t('common.error'))}</p>}>
          <ul class="list-none m-0 p-0 flex flex-col gap-1" data-goal-runs>
            <For each={all()} fallback={<li class="text-sm text-gray-500">{t('goals.noRuns')}</li>}>
              {(r) => (
                <li>
                  <button
                    type="button"
                    class="w-full text-left text-inherit bg-transparent border-0 rounded p-1.5 hover:bg-gray-100 dark:hover:bg-gray-700 cursor-pointer flex flex-wrap items-center gap-2 text-sm"
                    classList={{ 'ring-2 ring-blue-500': props.runId === r.id }}
                    data-goal-run-row={r.id}
                    onClick={() => props.onRun(r.id)}
                  >
                    <RunBadge status={r.status} />
                    <span>{formatDate(r.created_at)}</span>
                    <span class="text-gray-500">{t('goals.run.short', { steps: r.steps, tokens: r.tokens })}</span>
                    <Show when={(r.summary ?? r.error?.message)?.replace(/[*_`]+/g, '')}>
                      {(s) => <span class="basis-full text-gray-600 dark:text-gray-400 truncate">{s()}</span>}
                    </Show>
                  </button>
                </li>
              )}
            </For>
          </ul>
          <Show when={next()}>
            <button type="button" class="btn self-start text-sm" disabled={busy()} onClick={() => void loadMore()}>
              {t('goals.olderRuns')}
            </button>
          </Show>
        </Show>
      </div>
      <Show when={props.runId} keyed>
        {(id) => <RunSteps goalId={props.goal.id} runId={id} onChange={onRunChange} />}
      </Show>
    </div>
  );
}
