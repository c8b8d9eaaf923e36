// The Goals screen: goals on the left (title, schedule, the last run's status), the chosen goal (#/goals?g=<id>, with
// &r=<run> for a run's steps) or its form (&edit=1; #/goals?edit=new for a new one) on the right.
import { createEffect, createResource, For, Match, Show, Switch } from 'solid-js';
import { errorText } from '../files/api.ts';
import { type Goal, goalsApi } from '../goals/api.ts';
import { GoalDetail } from '../goals/GoalDetail.tsx';
import { GoalForm } from '../goals/GoalForm.tsx';
import { RunBadge } from '../goals/RunBadge.tsx';
import { t } from '../i18n/index.ts';
import { go, route } from '../lib/route.ts';

function LastRun(props: { goal: Goal }) {
  // Keyed by the running run too, so the list follows a run the detail started or watched end.
  const [last] = createResource(
    () => `${props.goal.id} ${props.goal.running_run_id ?? ''} ${props.goal.updated_at}`,
    () => goalsApi.runs(props.goal.id, 1).then((p) => p.items[0] ?? null),
  );
  return (
    <Show when={last()} fallback={<span class="text-xs text-gray-500">{t('goals.neverRun')}</span>}>
      {(r) => <RunBadge status={r().status} />}
    </Show>
  );
}

export default function GoalsScreen() {
  const param = (k: string) => route().params.get(k) ?? '';
  const [goals, { refetch }] = createResource(goalsApi.list);
  const current = () => goals()?.find((g) => g.id === param('g')) ?? null;
  // A link to a goal made since the list was read (elsewhere, or through the API) reads the list again, once.
  let reread = '';
  createEffect(() => {
    const id = param('g');
    if (id && goals() && !current() && reread !== id) {
      reread = id;
      void refetch();
    }
  });
  const open = (g: string, extra: Record<string, string> = {}) => go('goals', { g, ...extra });

  return (
    <section data-screen="goals" class="p-4 flex flex-col gap-3">
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="text-xl m-0 mr-auto">{t('goals.title')}</h1>
        <button type="button" class="btn-primary" data-goal-new onClick={() => go('goals', { edit: 'new' })}>
          {t('goals.new')}
        </button>
      </div>
      <p class="m-0 text-sm text-gray-600 dark:text-gray-400">{t('goals.intro')}</p>
      <div class="grid gap-3 md:grid-cols-[18rem_1fr] items-start">
        <ul class="list-none m-0 p-0 flex flex-col gap-1" data-goal-list>
          <Show
            when={!goals.error}
            fallback={<li class="text-red-600">{errorText(goals.error, t('common.error'))}</li>}
          >
            <For
              each={goals()}
              fallback={<li class="text-gray-500 text-sm">{goals.loading ? t('common.loading') : t('goals.empty')}</li>}
            >
              {(g) => (
                <li>
                  <button
                    type="button"
                    class="w-full text-left text-inherit card cursor-pointer flex flex-col gap-1 hover:bg-gray-50 dark:hover:bg-gray-700"
                    classList={{ 'ring-2 ring-blue-500': param('g') === g.id }}
                    data-goal-item={g.id}
                    onClick={() => open(g.id)}
                  >
                    <span class="font-semibold break-words">{g.title}</span>
                    <span class="flex flex-wrap items-center gap-2 text-xs text-gray-500">
                      <Show when={g.schedule} fallback={t('goals.manualOnly')}>
                        {(s) => <code>{s()}</code>}
                      </Show>
                      <Show when={!g.enabled}>
                        <span>{t('goals.disabled')}</span>
                      </Show>
                      <span class="ml-auto">
                        <LastRun goal={g} />
                      </span>
                    </span>
                  </button>
                </li>
              )}
            </For>
          </Show>
        </ul>
        <Switch fallback={<p class="m-0 text-gray-500 hidden md:block">{t('goals.pick')}</p>}>
          <Match when={param('edit') === 'new'}>
            <GoalForm
              goal={null}
              onSaved={(g) => {
                void refetch();
                open(g.id);
              }}
              onCancel={() => go('goals')}
            />
          </Match>
          <Match when={current() && param('edit')}>
            <GoalForm
              goal={current()}
              onSaved={(g) => {
                void refetch();
                open(g.id);
              }}
              onCancel={() => open(param('g'))}
            />
          </Match>
          <Match when={current()}>
            {(g) => (
              <GoalDetail
                goal={g()}
                runId={param('r')}
                onRun={(r) => open(g().id, { r })}
                onEdit={() => open(g().id, { edit: '1' })}
                onDeleted={() => {
                  void refetch();
                  go('goals');
                }}
                onChanged={() => void refetch()}
              />
            )}
          </Match>
        </Switch>
      </div>
    </section>
  );
}
