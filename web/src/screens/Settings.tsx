// The Settings screen: a form generated from the settings schema (GET /api/settings/schema), so every key is
// editable; the daemon validates on save and its message for each bad key is shown next to that key's field.
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, produce, reconcile, unwrap } from 'solid-js/store';
import { t } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { Form, type FormContext } from '../settings/context.ts';
import { Field } from '../settings/Field.tsx';
import { ObjectBody } from '../settings/ObjectField.tsx';
import { parseProblems } from '../settings/problems.ts';
import { Problems, RestartBadge } from '../settings/Row.tsx';
import { RunLocal } from '../settings/RunLocal.tsx';
import { SaveStatus } from '../settings/SaveStatus.tsx';
import { getIn, knownPaths, pathKey, type SchemaInfo, setIn } from '../settings/schema.ts';
import { UpdateCheck } from '../settings/UpdateCheck.tsx';

type Json = Record<string, unknown>;
const copy = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const sectionTitle = (key: string) => {
  const title = t(`settings.section.${key}`);
  return title === `settings.section.${key}` ? key : title;
};

export default function SettingsScreen() {
  const [info] = createResource(() => api<SchemaInfo>('/api/settings/schema'));
  const [state, setState] = createStore<{ v: Json | null }>({ v: null });
  const [problems, setProblems] = createSignal(new Map<string, string[]>());
  const [status, setStatus] = createSignal<'idle' | 'saving' | 'saved' | 'invalid' | 'error'>('idle');
  const [error, setError] = createSignal('');
  const [restart, setRestart] = createSignal<string[]>([]);

  const load = async () => {
    try {
      setState('v', reconcile(await api<Json>('/api/settings')));
      setProblems(new Map());
      setStatus('idle');
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : t('common.error'));
      setStatus('error');
    }
  };
  void load();

  const form: FormContext = {
    get: (path) => getIn(state.v, path),
    set: (path, value) => {
      setState(produce((s) => setIn(s.v, path, copy(value))));
      const key = pathKey(path);
      if (problems().has(key)) setProblems((prev) => new Map([...prev].filter(([k]) => k !== key)));
    },
    problems: (key) => problems().get(key) ?? [],
    isSecret: (key) => info()?.secret_paths.includes(key) ?? false,
    needsRestart: (key) => info()?.restart_keys.includes(key) ?? false,
  };

  // Messages for keys that have no field here (an unknown key, the top level) are listed above the form.
  const unplaced = createMemo(() => {
    const schema = info()?.schema;
    if (!schema || problems().size === 0) return [];
    const known = knownPaths(schema, state.v);
    return [...problems()].filter(([k]) => k === '' || !known.has(k)).flatMap(([k, ms]) => ms.map((m) => [k, m]));
  });

  const save = async (e: Event) => {
    e.preventDefault();
    setStatus('saving');
    setError('');
    setRestart([]);
    try {
      const res = await api<{ settings: Json; restart_required: string[] }>('/api/settings', {
        method: 'PUT',
        json: unwrap(state.v),
      });
      setState('v', reconcile(res.settings));
      setProblems(new Map());
      setRestart(res.restart_required);
      setStatus('saved');
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'invalid_settings') {
        setProblems(parseProblems(err.message));
        setStatus('invalid');
        queueMicrotask(() => document.querySelector('[data-error]')?.scrollIntoView({ block: 'center' }));
      } else {
        setError(err instanceof ApiFailure ? err.message : t('common.error'));
        setStatus('error');
      }
    }
  };

  const sections = () => Object.entries(info()?.schema.properties ?? {});
  const general = () => sections().filter(([, s]) => s.type !== 'object');

  return (
    <section data-screen="settings" class="p-4 max-w-4xl mx-auto">
      <form noValidate onSubmit={save} data-settings-form>
        <header class="sticky top-0 z-10 flex flex-wrap items-center gap-2 py-2 bg-gray-50 dark:bg-gray-900">
          <h1 class="text-xl m-0 mr-auto">{t('settings.title')}</h1>
          <button type="button" class="btn text-inherit" data-reset onClick={() => void load()}>
            {t('settings.reset')}
          </button>
          <button type="submit" class="btn-primary" data-save disabled={status() === 'saving' || !state.v}>
            {t('common.save')}
          </button>
        </header>
        <p class="mt-0 text-sm text-gray-600 dark:text-gray-400">{t('settings.intro')}</p>
        <SaveStatus
          status={status()}
          error={error()}
          restart={restart()}
          count={problems().size}
          unplaced={unplaced()}
        />
        <Show when={info() && state.v} fallback={<p>{t('common.loading')}</p>}>
          <Form.Provider value={form}>
            <Show when={general().length > 0}>
              <div class="card my-3" data-section="general">
                <h2 class="text-lg m-0 mb-1">{t('settings.section.general')}</h2>
                <For each={general()}>{([k, s]) => <Field path={[k]} schema={s} />}</For>
              </div>
            </Show>
            <For each={sections().filter(([, s]) => s.type === 'object')}>
              {([k, s]) => (
                <div class="card my-3" data-section={k}>
                  <h2 class="text-lg m-0 mb-1">
                    {sectionTitle(k)} <code class="text-sm font-normal text-gray-500">{k}</code>
                    <RestartBadge at={k} />
                  </h2>
                  <Problems at={k} />
                  <ObjectBody path={[k]} schema={s} />
                </div>
              )}
            </For>
          </Form.Provider>
        </Show>
      </form>
      <div class="grid gap-3 my-3 md:grid-cols-2" data-settings-extras>
        <UpdateCheck />
        <RunLocal />
      </div>
    </section>
  );
}
