// The Memory explorer: search (then edit, pin, delete one memory and see its provenance and history), the graph of
// entities and relations around a memory or an entity, and stats. State lives in the route, so links work.
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { go, route } from '../lib/route.ts';
import { memoryApi } from '../memory/api.ts';
import { Detail } from '../memory/Detail.tsx';
import { Graph } from '../memory/Graph.tsx';
import { HitList, SearchForm } from '../memory/Search.tsx';
import { Stats } from '../memory/Stats.tsx';

type Tab = 'search' | 'graph' | 'stats';
const TABS: Tab[] = ['search', 'graph', 'stats'];

export default function MemoryScreen() {
  const param = (k: string) => route().params.get(k) ?? '';
  const tab = (): Tab => ((TABS as string[]).includes(param('tab')) ? (param('tab') as Tab) : 'search');
  /** Moves to new route params, keeping the others; empty values are dropped. */
  const nav = (patch: Record<string, string>) => {
    const next: Record<string, string> = Object.fromEntries(route().params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next[k] = v;
      else delete next[k];
    }
    go('memory', next);
  };
  const [hits, { mutate }] = createResource(
    () => (param('q') ? { q: param('q'), kind: param('kind') } : false),
    ({ q, kind }) => memoryApi.query(q, kind),
  );
  const [notice, setNotice] = createSignal('');
  const partsOf = (id: string) => hits()?.find((h) => h.memory.id === id)?.parts;

  return (
    <section data-screen="memory" class="p-4 flex flex-col gap-3">
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="text-xl m-0 flex-1">{t('memory.title')}</h1>
        <div class="flex gap-1" role="tablist">
          <For each={TABS}>
            {(name) => (
              <button
                type="button"
                role="tab"
                class={tab() === name ? 'btn-primary' : 'btn'}
                aria-selected={tab() === name}
                data-tab={name}
                onClick={() => nav({ tab: name === 'search' ? '' : name })}
              >
                {t(`memory.tab.${name}`)}
              </button>
            )}
          </For>
        </div>
      </div>
      <Show when={notice()}>
        <p class="m-0 text-sm" role="status" data-memory-notice>
          {notice()}
        </p>
      </Show>
      <Switch>
        <Match when={tab() === 'search'}>
          <div class="grid gap-3 md:grid-cols-2 items-start">
            <div class="flex flex-col gap-2 min-w-0">
              <SearchForm
                q={param('q')}
                kind={param('kind')}
                onSearch={(q, kind) => {
                  setNotice('');
                  nav({ q, kind, id: '' });
                }}
              />
              <Show when={param('q')} fallback={<p class="m-0 text-gray-500">{t('memory.search.intro')}</p>}>
                <Show
                  when={!hits.error}
                  fallback={
                    <p class="m-0 text-red-600" role="alert">
                      {errorText(hits.error, t('common.error'))}
                    </p>
                  }
                >
                  <Show when={!hits.loading} fallback={<p class="m-0">{t('common.loading')}</p>}>
                    <HitList hits={hits() ?? []} selected={param('id')} onSelect={(id) => nav({ id })} />
                  </Show>
                </Show>
              </Show>
            </div>
            <div class="min-w-0">
              <Show when={param('id')} fallback={<p class="m-0 text-gray-500">{t('memory.pick')}</p>}>
                <Detail
                  id={param('id')}
                  parts={partsOf(param('id'))}
                  onOpen={(id) => nav({ id })}
                  onGraph={(id) => nav({ tab: 'graph', around: id })}
                  onChanged={(m) => mutate((all) => all?.map((h) => (h.memory.id === m.id ? { ...h, memory: m } : h)))}
                  onDeleted={(id) => {
                    mutate((all) => all?.filter((h) => h.memory.id !== id));
                    setNotice(t('memory.deleted'));
                    nav({ id: '' });
                  }}
                />
              </Show>
            </div>
          </div>
        </Match>
        <Match when={tab() === 'graph'}>
          <Graph
            around={param('around')}
            onAround={(around) => nav({ around })}
            onOpen={(id) => nav({ tab: '', id, q: param('q') })}
          />
        </Match>
        <Match when={tab() === 'stats'}>
          <Stats />
        </Match>
      </Switch>
    </section>
  );
}
