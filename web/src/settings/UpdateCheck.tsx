// "Check for update" (GET /api/update/check?refresh=true): the running and the latest version, and whether an update
// is available (with the release link), up to date, off in settings, or could not be checked (with the reason).
import { createSignal, Match, Show, Switch } from 'solid-js';
import { ErrorText } from '../components/ErrorText.tsx';
import { t } from '../i18n/index.ts';
import { createAction } from '../lib/action.ts';
import { api } from '../lib/api.ts';

/** The web app's copy of the daemon's UpdateAnswerSchema (daemon/update/check.ts). */
export interface UpdateAnswer {
  status: 'available' | 'current' | 'disabled' | 'unknown';
  current: string;
  latest?: string;
  url?: string;
  published_at?: string;
  notes?: string;
  message: string;
  checked_at?: string;
  cached: boolean;
}

export function UpdateCheck() {
  const [answer, setAnswer] = createSignal<UpdateAnswer | null>(null);
  const { busy, error, run } = createAction();
  const check = () => run(async () => setAnswer(await api<UpdateAnswer>('/api/update/check?refresh=true')));

  return (
    <div class="card flex flex-col gap-2" data-update-check={answer()?.status ?? 'idle'}>
      <div class="flex flex-wrap items-center gap-2">
        <h2 class="text-lg m-0 mr-auto">{t('update.title')}</h2>
        <button type="button" class="btn" data-update-button disabled={busy()} onClick={() => void check()}>
          {busy() ? t('update.checking') : t('update.check')}
        </button>
      </div>
      <ErrorText text={error()} />
      <Show when={answer()} fallback={<p class="m-0 text-sm text-gray-500">{t('update.intro')}</p>}>
        {(a) => (
          <>
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 m-0 text-sm">
              <dt class="text-gray-500">{t('update.current')}</dt>
              <dd class="m-0 font-mono" data-update-current>
                {a().current}
              </dd>
              <Show when={a().latest}>
                <dt class="text-gray-500">{t('update.latest')}</dt>
                <dd class="m-0 font-mono" data-update-latest>
                  {a().latest}
                </dd>
              </Show>
            </dl>
            <div aria-live="polite" data-update-status={a().status}>
              <Switch>
                <Match when={a().status === 'available'}>
                  <p class="m-0 text-blue-700 dark:text-blue-300">
                    {t('update.available', { latest: a().latest ?? '', current: a().current })}{' '}
                    <Show when={a().url}>
                      {(href) => (
                        <a href={href()} target="_blank" rel="noopener noreferrer" data-update-link>
                          {t('update.open')}
                        </a>
                      )}
                    </Show>
                  </p>
                </Match>
                <Match when={a().status === 'current'}>
                  <p class="m-0 text-green-700 dark:text-green-400">{t('update.upToDate', { current: a().current })}</p>
                </Match>
                <Match when={a().status === 'disabled'}>
                  <p class="m-0 text-gray-600 dark:text-gray-400">{t('update.disabled')}</p>
                </Match>
                <Match when={a().status === 'unknown'}>
                  <p class="m-0 text-amber-700 dark:text-amber-300">
                    {t('update.unknown', { reason: a().message.replace(/^could not check for updates:\s*/i, '') })}
                  </p>
                </Match>
              </Switch>
            </div>
          </>
        )}
      </Show>
    </div>
  );
}
