// What the last save did: saved (and which changes wait for a restart), refused with a message per bad key (shown at
// the fields; those without a field are listed here), or failed.
import { For, Match, Switch } from 'solid-js';
import { t } from '../i18n/index.ts';

export function SaveStatus(props: {
  status: 'idle' | 'saving' | 'saved' | 'invalid' | 'error';
  error: string;
  restart: string[];
  count: number;
  unplaced: string[][];
}) {
  return (
    <div aria-live="polite" data-save-status={props.status}>
      <Switch>
        <Match when={props.status === 'saving'}>
          <p class="m-0">{t('settings.saving')}</p>
        </Match>
        <Match when={props.status === 'saved'}>
          <div class="rounded border border-solid border-green-600 bg-green-50 dark:bg-green-950 p-3 my-2" data-saved>
            <p class="m-0">{t('settings.saved')}</p>
            <Switch>
              <Match when={props.restart.length > 0}>
                <p class="m-0 mt-1">
                  {t('settings.restart')}{' '}
                  <For each={props.restart}>
                    {(k) => (
                      <code class="mr-2" data-restart={k}>
                        {k}
                      </code>
                    )}
                  </For>
                </p>
              </Match>
            </Switch>
          </div>
        </Match>
        <Match when={props.status === 'invalid'}>
          <div
            class="rounded border border-solid border-red-600 bg-red-50 dark:bg-red-950 p-3 my-2"
            role="alert"
            data-invalid
          >
            <p class="m-0">{t('settings.invalid', { count: props.count })}</p>
            <ul class="m-0 mt-1 pl-5">
              <For each={props.unplaced}>
                {([k, m]) => (
                  <li data-error={k}>
                    <code>{k}</code> {m}
                  </li>
                )}
              </For>
            </ul>
          </div>
        </Match>
        <Match when={props.status === 'error'}>
          <p class="m-0 text-red-600" role="alert">
            {props.error}
          </p>
        </Match>
      </Switch>
    </div>
  );
}
