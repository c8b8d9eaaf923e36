// The Console screen: the live log, the audit trail (file operations, tool calls, sign-ins, bus actions) and the
// dead-letter queue, one tab each; the tab is in the address (#/console?tab=audit) so it survives a reload.
import { For, Match, Switch } from 'solid-js';
import { DeadLetters } from '../console/DeadLetters.tsx';
import { LogView } from '../console/LogView.tsx';
import { t } from '../i18n/index.ts';
import { go, route } from '../lib/route.ts';

const TABS = [
  { id: 'logs', label: 'console.tab.logs' },
  { id: 'audit', label: 'console.tab.audit' },
  { id: 'dlq', label: 'console.tab.dlq' },
] as const;

export default function ConsoleScreen() {
  const tab = () => {
    const wanted = route().params.get('tab');
    return TABS.some((x) => x.id === wanted) ? (wanted as string) : 'logs';
  };
  return (
    <section data-screen="console" class="p-4 flex flex-col gap-3 h-full box-border">
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="text-xl m-0 mr-4">{t('console.title')}</h1>
        <div role="tablist" class="flex gap-1">
          <For each={TABS}>
            {(x) => (
              <button
                type="button"
                role="tab"
                class="btn text-inherit"
                classList={{ 'ring-2 ring-blue-500': tab() === x.id }}
                aria-selected={tab() === x.id}
                data-tab={x.id}
                onClick={() => go('console', { tab: x.id })}
              >
                {t(x.label)}
              </button>
            )}
          </For>
        </div>
      </div>
      <Switch>
        <Match when={tab() === 'logs'}>
          <LogView stream="app" />
        </Match>
        <Match when={tab() === 'audit'}>
          <LogView stream="audit" />
        </Match>
        <Match when={tab() === 'dlq'}>
          <DeadLetters />
        </Match>
      </Switch>
    </section>
  );
}
