// One run of a goal: its status, budget use and steps as a timeline (thought, tool call with its arguments,
// observation, answer, note), read again every second while the run is working; a running run can be cancelled.
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { Markdown } from '../chat/Markdown.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { formatDate } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { type GoalRun, type GoalStep, goalsApi, isActive } from './api.ts';
import { RunBadge } from './RunBadge.tsx';
import '../chat/chat.css';

const POLL_MS = 1000;
const KIND_STYLE: Record<GoalStep['kind'], string> = {
  thought: 'border-gray-400',
  tool_call: 'border-blue-500',
  observation: 'border-teal-500',
  answer: 'border-green-600',
  note: 'border-amber-500',
};

const show = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x, null, 2));

export function RunSteps(props: { goalId: string; runId: string; onChange: (run: GoalRun) => void }) {
  const [run, setRun] = createSignal<GoalRun | null>(null);
  const [steps, setSteps] = createSignal<GoalStep[]>([]);
  const [error, setError] = createSignal('');
  const [cancelling, setCancelling] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const load = async () => {
    try {
      const r = await goalsApi.run(props.goalId, props.runId);
      setRun(r.run);
      setSteps(r.steps);
      setError('');
      props.onChange(r.run);
      if (isActive(r.run.status) && !stopped) timer = setTimeout(() => void load(), POLL_MS);
    } catch (err) {
      setError(errorText(err, t('common.error')));
    }
  };
  void load();
  onCleanup(() => {
    stopped = true;
    clearTimeout(timer);
  });

  const cancel = async () => {
    setCancelling(true);
    try {
      setRun(await goalsApi.cancel(props.goalId, props.runId));
      clearTimeout(timer);
      await load();
    } catch (err) {
      setError(errorText(err, t('common.error')));
    } finally {
      setCancelling(false);
    }
  };

  return (
    <div class="card flex flex-col gap-2" data-run={props.runId} data-run-status={run()?.status}>
      <Show when={run()} fallback={<p class="m-0">{error() || t('common.loading')}</p>}>
        {(r) => (
          <>
            <div class="flex flex-wrap items-center gap-2">
              <h3 class="text-base m-0 mr-auto">{t('goals.run.title', { when: formatDate(r().created_at) })}</h3>
              <RunBadge status={r().status} />
              <Show when={isActive(r().status)}>
                <button
                  type="button"
                  class="btn text-sm"
                  data-run-cancel
                  disabled={cancelling()}
                  onClick={() => void cancel()}
                >
                  {t('goals.run.cancel')}
                </button>
              </Show>
            </div>
            <p class="m-0 text-sm text-gray-600 dark:text-gray-400" data-run-usage>
              {t('goals.run.usage', {
                steps: r().steps,
                maxSteps: r().budget.max_steps,
                tokens: r().tokens,
                maxTokens: r().budget.max_tokens,
              })}{' '}
              · {t(`goals.trigger.${r().trigger.kind}`)}
            </p>
            <Show when={r().error}>
              {(e) => (
                <p class="m-0 text-red-600" data-run-error>
                  {e().message}
                </p>
              )}
            </Show>
          </>
        )}
      </Show>
      <ErrorText text={run() ? error() : ''} />
      <ol class="list-none m-0 p-0 flex flex-col gap-2" data-steps>
        <For each={steps()} fallback={<li class="text-sm text-gray-500">{t('goals.run.noSteps')}</li>}>
          {(s) => (
            <li class={`border-l-4 border-solid border-0 pl-2 ${KIND_STYLE[s.kind]}`} data-step={s.kind}>
              <div class="flex flex-wrap gap-x-2 items-baseline text-xs text-gray-500">
                <span class="font-semibold text-gray-700 dark:text-gray-200">{t(`goals.step.${s.kind}`)}</span>
                <Show when={s.tool}>
                  <code data-step-tool>{s.tool}</code>
                </Show>
                <Show when={s.ok !== null}>
                  <span classList={{ 'text-red-600': s.ok === false, 'text-green-700': s.ok === true }}>
                    {s.ok ? t('goals.step.ok') : t('goals.step.failed')}
                  </span>
                </Show>
                <span class="ml-auto">{t('goals.step.tokens', { n: s.tokens })}</span>
              </div>
              <Show when={s.kind === 'tool_call' && s.args !== null && s.args !== undefined}>
                <pre class="text-xs m-0 mt-1 p-2 overflow-auto bg-gray-100 dark:bg-gray-900 rounded">
                  {show(s.args)}
                </pre>
              </Show>
              <Show when={s.text}>
                {(text) =>
                  s.kind === 'observation' ? (
                    <pre class="text-xs m-0 mt-1 p-2 overflow-auto max-h-48 bg-gray-100 dark:bg-gray-900 rounded whitespace-pre-wrap break-words">
                      {text()}
                    </pre>
                  ) : (
                    <Markdown text={text()} />
                  )
                }
              </Show>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
