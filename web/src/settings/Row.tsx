// One labelled row of the settings form: the key (its last segment, the whole path as a tooltip), the control, and
// the daemon's messages for that key right under it.
import { For, type JSX, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { useForm } from './context.ts';

export function Problems(props: { at: string }) {
  const form = useForm();
  return (
    <For each={form.problems(props.at)}>
      {(message) => (
        <p class="m-0 mt-1 text-sm text-red-600 dark:text-red-400" data-error={props.at} role="alert">
          {message}
        </p>
      )}
    </For>
  );
}

export function RestartBadge(props: { at: string }) {
  const form = useForm();
  return (
    <Show when={form.needsRestart(props.at)}>
      <span class="ml-2 text-xs px-1 rounded bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200">
        {t('settings.needsRestart')}
      </span>
    </Show>
  );
}

export function Row(props: { at: string; name: string; for?: string; children: JSX.Element }) {
  return (
    <div class="grid gap-1 md:grid-cols-[14rem_1fr] items-start py-1" data-field={props.at}>
      <label class="font-mono text-sm pt-1.5 break-all" for={props.for} title={props.at}>
        {props.name}
        <RestartBadge at={props.at} />
      </label>
      <div class="min-w-0">
        {props.children}
        <Problems at={props.at} />
      </div>
    </div>
  );
}
