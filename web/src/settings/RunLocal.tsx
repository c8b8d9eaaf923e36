// Run Local (GET/POST /api/services/local): whether Docker answers, the compose services' states, and Up/Down as a
// job whose progress lines are read every second. Without Docker it says the embedded engines are in use and what
// Docker would add, and the buttons stay off.
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { ErrorText } from '../components/ErrorText.tsx';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { api } from '../lib/api.ts';

/** The web app's copies of the daemon's schemas (daemon/http/servicesRoutes.ts, daemon/runlocal/jobs.ts). */
interface LocalJob {
  id: string;
  action: 'up' | 'down';
  state: 'running' | 'done' | 'failed';
  lines: string[];
  started_at: string;
  finished_at: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}
interface LocalStatus {
  docker: { available: boolean; version: string | null; problem: string | null };
  message: string;
  compose_file: string | null;
  services: { service: string; state: string; health: string }[];
  in_use: boolean;
  what_docker_adds: string;
  job: LocalJob | null;
}

const POLL_MS = 1000;

export function RunLocal() {
  const [status, setStatus] = createSignal<LocalStatus | null>(null);
  const [job, setJob] = createSignal<LocalJob | null>(null);
  const [migrate, setMigrate] = createSignal(false);
  const [error, setError] = createSignal('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let log: HTMLPreElement | undefined;
  onCleanup(() => clearTimeout(timer));

  const fail = (err: unknown) => setError(errorText(err, t('common.error')));
  const load = async () => {
    try {
      const s = await api<LocalStatus>('/api/services/local');
      setStatus(s);
      if (s.job) follow(s.job);
    } catch (err) {
      fail(err);
    }
  };
  const follow = (j: LocalJob) => {
    setJob(j);
    queueMicrotask(() => log?.scrollTo({ top: log.scrollHeight }));
    clearTimeout(timer);
    if (j.state !== 'running') return;
    timer = setTimeout(async () => {
      try {
        const next = await api<LocalJob>(`/api/services/local/jobs/${encodeURIComponent(j.id)}`);
        if (next.state === 'running') follow(next);
        else {
          setJob(next);
          await load();
        }
      } catch (err) {
        fail(err);
      }
    }, POLL_MS);
  };
  const start = async (action: 'up' | 'down') => {
    setError('');
    try {
      follow(
        await api<LocalJob>(`/api/services/local/${action}`, {
          method: 'POST',
          ...(action === 'up' ? { json: { migrate: migrate() } } : {}),
        }),
      );
    } catch (err) {
      fail(err);
    }
  };
  onMount(() => void load());

  const running = () => job()?.state === 'running';
  const usable = () => !!status()?.docker.available && !!status()?.compose_file;

  return (
    <div
      class="card flex flex-col gap-2"
      data-run-local={status() ? (status()?.docker.available ? 'docker' : 'no-docker') : 'loading'}
    >
      <h2 class="text-lg m-0">{t('runlocal.title')}</h2>
      <p class="m-0 text-sm text-gray-600 dark:text-gray-400">{t('runlocal.intro')}</p>
      <Show when={status()} fallback={<p class="m-0">{error() || t('common.loading')}</p>}>
        {(s) => (
          <>
            <Show
              when={s().docker.available}
              fallback={
                <div
                  class="rounded border border-solid border-amber-500 bg-amber-50 dark:bg-amber-950 p-2 text-sm flex flex-col gap-1"
                  id="run-local-why"
                  data-no-docker
                >
                  <p class="m-0 font-semibold">{t('runlocal.noDocker')}</p>
                  <Show when={s().docker.problem}>
                    {(p) => (
                      <p class="m-0 text-gray-600 dark:text-gray-300">{t('runlocal.problem', { problem: p() })}</p>
                    )}
                  </Show>
                  <p class="m-0">{t('runlocal.embedded')}</p>
                  <p class="m-0">{t('runlocal.adds')}</p>
                </div>
              }
            >
              <p class="m-0 text-sm" data-docker-version>
                {t('runlocal.docker', { version: s().docker.version ?? '' })}
              </p>
              <Show when={!s().compose_file}>
                <p class="m-0 text-sm text-amber-700 dark:text-amber-300">{t('runlocal.noCompose')}</p>
              </Show>
            </Show>
            <p class="m-0 text-sm" data-run-local-in-use={s().in_use}>
              {s().in_use ? t('runlocal.inUse') : t('runlocal.notInUse')}
            </p>
            <Show when={s().services.length > 0}>
              <ul class="list-none m-0 p-0 text-sm" data-run-local-services>
                <For each={s().services}>
                  {(x) => (
                    <li>
                      <code>{x.service}</code> {x.state} <span class="text-gray-500">{x.health}</span>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </>
        )}
      </Show>
      <div class="flex flex-wrap items-center gap-2">
        <button
          type="button"
          class="btn-primary"
          data-run-local-up
          aria-describedby={status()?.docker.available ? undefined : 'run-local-why'}
          disabled={!usable() || running()}
          onClick={() => void start('up')}
        >
          {t('runlocal.up')}
        </button>
        <button
          type="button"
          class="btn"
          data-run-local-down
          aria-describedby={status()?.docker.available ? undefined : 'run-local-why'}
          disabled={!usable() || running()}
          onClick={() => void start('down')}
        >
          {t('runlocal.down')}
        </button>
        <label class="flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            checked={migrate()}
            disabled={!usable()}
            onChange={(e) => setMigrate(e.currentTarget.checked)}
          />
          {t('runlocal.migrate')}
        </label>
      </div>
      <ErrorText text={error()} small />
      <Show when={job()}>
        {(j) => (
          <div class="flex flex-col gap-1" data-run-local-job={j().state}>
            <p class="m-0 text-sm">{t(`runlocal.job.${j().action}.${j().state}`)}</p>
            <Show when={j().error}>{(e) => <p class="m-0 text-sm text-red-600">{e().message}</p>}</Show>
            <pre
              ref={log}
              class="m-0 p-2 text-xs max-h-48 overflow-auto bg-gray-100 dark:bg-gray-900 rounded"
              data-run-local-lines
            >
              {j().lines.join('\n')}
            </pre>
          </div>
        )}
      </Show>
    </div>
  );
}
