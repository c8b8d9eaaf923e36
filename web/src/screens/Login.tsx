// First run and login: set the app password (then choose the model and confirm the folders), or sign in.
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { t } from '../i18n/index.ts';
import { ApiFailure, api, token } from '../lib/api.ts';

interface Root {
  path: string;
  exists: boolean;
  problem?: string;
}

export function Login(props: { setupRequired: boolean; onDone: () => void }) {
  const [step, setStep] = createSignal<'password' | 'model' | 'folders'>('password');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [password, setPassword] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [provider, setProvider] = createSignal('openai');
  const [baseUrl, setBaseUrl] = createSignal('');
  const [apiKey, setApiKey] = createSignal('');
  const [model, setModel] = createSignal('gpt-4o-mini');

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : t('common.error'));
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (e: Event) => {
    e.preventDefault();
    if (props.setupRequired && password() !== repeat()) return setError(t('login.mismatch'));
    void run(async () => {
      const path = props.setupRequired ? '/api/auth/setup' : '/api/auth/login';
      const res = await api<{ token: string }>(path, { method: 'POST', json: { password: password() } });
      token.set(res.token);
      if (props.setupRequired) setStep('model');
      else props.onDone();
    });
  };

  const saveModel = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const current = await api<Record<string, unknown>>('/api/settings');
      const next = {
        ...current,
        model: {
          ...(current.model as object),
          provider: provider(),
          base_url: baseUrl().trim() || null,
          api_key: apiKey(),
          model: model(),
        },
      };
      await api('/api/settings', { method: 'PUT', json: next });
      setStep('folders');
    });
  };

  const [roots] = createResource(
    () => step() === 'folders',
    async () => (await api<{ roots: Root[] }>('/api/files')).roots,
  );

  return (
    <div class="max-w-md mx-auto mt-16 p-4 card flex flex-col gap-3" data-screen="login">
      <Switch>
        <Match when={step() === 'password'}>
          <h1 class="text-xl m-0">{props.setupRequired ? t('login.setupTitle') : t('login.title')}</h1>
          <Show when={props.setupRequired}>
            <p class="m-0">{t('login.setupIntro')}</p>
          </Show>
          <form class="flex flex-col gap-2" onSubmit={submitPassword}>
            <label>
              {t('login.password')}
              <input
                class="input"
                type="password"
                name="password"
                autocomplete="current-password"
                required
                minLength={8}
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <Show when={props.setupRequired}>
              <label>
                {t('login.passwordRepeat')}
                <input
                  class="input"
                  type="password"
                  name="repeat"
                  autocomplete="new-password"
                  required
                  value={repeat()}
                  onInput={(e) => setRepeat(e.currentTarget.value)}
                />
              </label>
            </Show>
            <button class="btn-primary" type="submit" disabled={busy()}>
              {props.setupRequired ? t('login.create') : t('login.submit')}
            </button>
          </form>
        </Match>
        <Match when={step() === 'model'}>
          <h2 class="text-lg m-0">{t('setup.modelTitle')}</h2>
          <p class="m-0">{t('setup.modelIntro')}</p>
          <form class="flex flex-col gap-2" onSubmit={saveModel}>
            <label>
              {t('setup.provider')}
              <select
                class="input"
                name="provider"
                value={provider()}
                onChange={(e) => setProvider(e.currentTarget.value)}
              >
                <option value="openai">OpenAI</option>
                <option value="openai-compatible">OpenAI-compatible</option>
                <option value="none">—</option>
              </select>
            </label>
            <label>
              {t('setup.baseUrl')}
              <input
                class="input"
                name="base_url"
                value={baseUrl()}
                placeholder="http://127.0.0.1:11434/v1"
                onInput={(e) => setBaseUrl(e.currentTarget.value)}
              />
            </label>
            <label>
              {t('setup.apiKey')}
              <input
                class="input"
                type="password"
                name="api_key"
                value={apiKey()}
                onInput={(e) => setApiKey(e.currentTarget.value)}
              />
            </label>
            <label>
              {t('setup.model')}
              <input class="input" name="model" value={model()} onInput={(e) => setModel(e.currentTarget.value)} />
            </label>
            <div class="flex gap-2">
              <button class="btn-primary" type="submit" disabled={busy()}>
                {t('setup.save')}
              </button>
              <button class="btn" type="button" onClick={() => setStep('folders')}>
                {t('setup.skip')}
              </button>
            </div>
          </form>
        </Match>
        <Match when={step() === 'folders'}>
          <h2 class="text-lg m-0">{t('setup.foldersTitle')}</h2>
          <p class="m-0">{t('setup.foldersIntro')}</p>
          <ul data-roots>
            <For each={roots() ?? []}>
              {(r) => (
                <li>
                  <code>{r.path}</code>
                  <Show when={!r.exists}> — {t('setup.missing')}</Show>
                </li>
              )}
            </For>
          </ul>
          <button class="btn-primary" type="button" onClick={() => props.onDone()}>
            {t('setup.save')}
          </button>
        </Match>
      </Switch>
      <Show when={error()}>
        <p class="m-0 text-red-600" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}
