// A goal's form (new or edit): title, instructions, a cron schedule, the budget and the tools granted beyond the
// read-only default. The daemon checks it; its message for each bad field (a schedule cron cannot read, an unknown
// tool, a budget out of range) is shown next to that field.
import { createResource, createSignal, For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { ApiFailure } from '../lib/api.ts';
import { parseProblems } from '../settings/problems.ts';
import { type Goal, type GoalInput, goalsApi } from './api.ts';
import { toolChoices } from './tools.ts';

const FIELD_OF: Record<string, string> = { invalid_schedule: 'schedule', unknown_tool: 'allowed_tools' };

function Problem(props: { messages: string[] | undefined; name: string }) {
  return (
    <For each={props.messages ?? []}>
      {(m) => (
        <p class="m-0 text-sm text-red-600" data-error={props.name}>
          {m}
        </p>
      )}
    </For>
  );
}

export function GoalForm(props: { goal: Goal | null; onSaved: (g: Goal) => void; onCancel: () => void }) {
  const g = props.goal;
  const [title, setTitle] = createSignal(g?.title ?? '');
  const [instructions, setInstructions] = createSignal(g?.instructions ?? '');
  const [schedule, setSchedule] = createSignal(g?.schedule ?? '');
  const [maxSteps, setMaxSteps] = createSignal(g ? String(g.budget.max_steps) : '');
  const [maxTokens, setMaxTokens] = createSignal(g ? String(g.budget.max_tokens) : '');
  const [enabled, setEnabled] = createSignal(g?.enabled ?? true);
  const [granted, setGranted] = createSignal<string[]>(g?.allowed_tools ?? []);
  const [problems, setProblems] = createSignal(new Map<string, string[]>());
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [tools] = createResource(toolChoices);

  const toggle = (name: string, on: boolean) =>
    setGranted(on ? [...granted(), name] : granted().filter((n) => n !== name));
  const number = (s: string) => (s.trim() === '' ? undefined : Number(s));

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setProblems(new Map());
    const budget = { max_steps: number(maxSteps()), max_tokens: number(maxTokens()) };
    const input: GoalInput = {
      title: title(),
      instructions: instructions(),
      schedule: schedule().trim() || null,
      allowed_tools: granted(),
      enabled: enabled(),
      ...(budget.max_steps !== undefined || budget.max_tokens !== undefined
        ? { budget: Object.fromEntries(Object.entries(budget).filter(([, v]) => v !== undefined)) }
        : {}),
    };
    try {
      props.onSaved(g ? await goalsApi.update(g.id, input) : await goalsApi.create(input));
    } catch (err) {
      if (err instanceof ApiFailure && FIELD_OF[err.code]) {
        setProblems(new Map([[FIELD_OF[err.code] as string, [err.message]]]));
      } else if (err instanceof ApiFailure && err.code === 'invalid_input') {
        setProblems(parseProblems(err.message.replace(/^invalid body: /, '')));
      } else {
        setError(err instanceof ApiFailure ? err.message : t('common.error'));
      }
    } finally {
      setBusy(false);
    }
  };
  const at = (k: string) => problems().get(k);
  const unplaced = () =>
    [...problems()]
      .filter(
        ([k]) =>
          !['title', 'instructions', 'schedule', 'budget.max_steps', 'budget.max_tokens', 'allowed_tools'].includes(k),
      )
      .flatMap(([, ms]) => ms);

  return (
    <form class="card flex flex-col gap-3" noValidate onSubmit={save} data-goal-form>
      <h2 class="text-lg m-0">{g ? t('goals.form.edit') : t('goals.form.new')}</h2>
      <label class="flex flex-col gap-1">
        <span>{t('goals.form.title')}</span>
        <input class="input" name="title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        <Problem messages={at('title')} name="title" />
      </label>
      <label class="flex flex-col gap-1">
        <span>{t('goals.form.instructions')}</span>
        <textarea
          class="input min-h-28"
          name="instructions"
          value={instructions()}
          onInput={(e) => setInstructions(e.currentTarget.value)}
        />
        <Problem messages={at('instructions')} name="instructions" />
      </label>
      <label class="flex flex-col gap-1">
        <span>{t('goals.form.schedule')}</span>
        <input
          class="input font-mono"
          name="schedule"
          placeholder="0 9 * * 1-5"
          value={schedule()}
          onInput={(e) => setSchedule(e.currentTarget.value)}
        />
        <span class="text-xs text-gray-500">{t('goals.form.scheduleHint')}</span>
        <Problem messages={at('schedule')} name="schedule" />
      </label>
      <div class="grid gap-3 sm:grid-cols-2">
        <label class="flex flex-col gap-1">
          <span>{t('goals.form.maxSteps')}</span>
          <input
            class="input"
            type="number"
            min="0"
            name="max_steps"
            placeholder={t('goals.form.default')}
            value={maxSteps()}
            onInput={(e) => setMaxSteps(e.currentTarget.value)}
          />
          <Problem messages={at('budget.max_steps')} name="budget.max_steps" />
        </label>
        <label class="flex flex-col gap-1">
          <span>{t('goals.form.maxTokens')}</span>
          <input
            class="input"
            type="number"
            min="1"
            name="max_tokens"
            placeholder={t('goals.form.default')}
            value={maxTokens()}
            onInput={(e) => setMaxTokens(e.currentTarget.value)}
          />
          <Problem messages={at('budget.max_tokens')} name="budget.max_tokens" />
        </label>
      </div>
      <label class="flex items-center gap-2">
        <input
          type="checkbox"
          name="enabled"
          checked={enabled()}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        <span>{t('goals.form.enabled')}</span>
      </label>
      <fieldset class="border border-gray-200 dark:border-gray-700 rounded p-2 m-0" data-tools>
        <legend class="px-1">{t('goals.form.tools')}</legend>
        <p class="m-0 mb-2 text-xs text-gray-500">{t('goals.form.toolsHint')}</p>
        <Show
          when={tools()}
          fallback={<p class="m-0 text-sm">{tools.error ? t('common.error') : t('common.loading')}</p>}
        >
          {(list) => (
            <div class="grid gap-1 sm:grid-cols-2">
              <For each={list()}>
                {(tool) => (
                  <label class="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      name={`tool:${tool.name}`}
                      checked={granted().includes(tool.name)}
                      onChange={(e) => toggle(tool.name, e.currentTarget.checked)}
                    />
                    <code>{tool.name}</code>
                    <span class="text-xs text-gray-500">
                      {tool.plugin
                        ? t('goals.form.pluginTool', { plugin: tool.plugin, risk: t(`goals.risk.${tool.risk}`) })
                        : tool.mcp
                          ? t('goals.form.mcpTool', { server: tool.mcp })
                          : t(`goals.policy.${tool.policy}`)}
                    </span>
                  </label>
                )}
              </For>
            </div>
          )}
        </Show>
        <Problem messages={at('allowed_tools')} name="allowed_tools" />
      </fieldset>
      <For each={unplaced()}>
        {(m) => (
          <p class="m-0 text-sm text-red-600" data-error="">
            {m}
          </p>
        )}
      </For>
      <Show when={error()}>
        <p class="m-0 text-red-600" role="alert">
          {error()}
        </p>
      </Show>
      <div class="flex gap-2">
        <button type="submit" class="btn-primary" data-goal-save disabled={busy()}>
          {t('common.save')}
        </button>
        <button type="button" class="btn" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
