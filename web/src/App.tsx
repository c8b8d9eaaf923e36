// The app frame: login gate, navigation, theme and language switches, and the current screen.
import { createResource, createSignal, For, lazy, Match, Show, Switch } from 'solid-js';
import { type Key, lang, setLang, t } from './i18n/index.ts';
import { api, setUnauthorizedHandler, token } from './lib/api.ts';
import { go, route, type Screen } from './lib/route.ts';
import { toggleTheme } from './lib/theme.ts';
import { Bell } from './notifications/Bell.tsx';
import { Login } from './screens/Login.tsx';

const ChatScreen = lazy(() => import('./screens/Chat.tsx'));
const FilesScreen = lazy(() => import('./screens/Files.tsx'));
const MemoryScreen = lazy(() => import('./screens/Memory.tsx'));
const GoalsScreen = lazy(() => import('./screens/Goals.tsx'));
const SchedulerScreen = lazy(() => import('./screens/Scheduler.tsx'));
const PluginsScreen = lazy(() => import('./screens/Plugins.tsx'));
const ConsoleScreen = lazy(() => import('./screens/Console.tsx'));
const SettingsScreen = lazy(() => import('./screens/Settings.tsx'));

const NAV: { screen: Screen; label: Key }[] = [
  { screen: 'chat', label: 'nav.chat' },
  { screen: 'files', label: 'nav.files' },
  { screen: 'memory', label: 'nav.memory' },
  { screen: 'goals', label: 'nav.goals' },
  { screen: 'scheduler', label: 'nav.scheduler' },
  { screen: 'plugins', label: 'nav.plugins' },
  { screen: 'console', label: 'nav.console' },
  { screen: 'settings', label: 'nav.settings' },
];

export function App() {
  const [signedIn, setSignedIn] = createSignal(token.get() !== null);
  setUnauthorizedHandler(() => {
    token.clear();
    setSignedIn(false);
  });
  const [status] = createResource(() => api<{ setup_required: boolean }>('/api/auth/status'));

  return (
    <Show
      when={signedIn()}
      fallback={
        <Show when={status()} fallback={<p class="p-4">{t('common.loading')}</p>}>
          {(s) => <Login setupRequired={s().setup_required} onDone={() => setSignedIn(true)} />}
        </Show>
      }
    >
      <div class="flex flex-col md:flex-row h-screen">
        <nav
          class="flex md:flex-col gap-1 p-2 bg-blue-900 text-white md:w-44 shrink-0 overflow-x-auto"
          aria-label={t('app.name')}
        >
          <span class="font-bold px-2 py-1 hidden md:block">{t('app.name')}</span>
          <For each={NAV}>
            {(n) => (
              <a
                href={`#/${n.screen}`}
                data-nav={n.screen}
                class="px-2 py-1 rounded hover:bg-blue-700 no-underline text-white"
                classList={{ 'bg-blue-700': route().screen === n.screen }}
              >
                {t(n.label)}
              </a>
            )}
          </For>
          <div class="md:mt-auto flex md:flex-col gap-1">
            <Bell />
            <button
              type="button"
              class="px-2 py-1 rounded hover:bg-blue-700 text-left"
              title={t('theme.toggle')}
              onClick={toggleTheme}
            >
              ◐
            </button>
            <button
              type="button"
              data-lang-toggle
              class="px-2 py-1 rounded hover:bg-blue-700 text-left"
              title={t('lang.toggle')}
              onClick={() => setLang(lang() === 'en' ? 'ru' : 'en')}
            >
              {lang() === 'en' ? 'RU' : 'EN'}
            </button>
            <button
              type="button"
              class="px-2 py-1 rounded hover:bg-blue-700 text-left"
              onClick={() => {
                token.clear();
                setSignedIn(false);
                go('chat');
              }}
            >
              {t('nav.logout')}
            </button>
          </div>
        </nav>
        <main class="flex-1 min-w-0 min-h-0 overflow-auto">
          <Switch>
            <Match when={route().screen === 'chat'}>
              <ChatScreen />
            </Match>
            <Match when={route().screen === 'files'}>
              <FilesScreen />
            </Match>
            <Match when={route().screen === 'memory'}>
              <MemoryScreen />
            </Match>
            <Match when={route().screen === 'goals'}>
              <GoalsScreen />
            </Match>
            <Match when={route().screen === 'scheduler'}>
              <SchedulerScreen />
            </Match>
            <Match when={route().screen === 'plugins'}>
              <PluginsScreen />
            </Match>
            <Match when={route().screen === 'console'}>
              <ConsoleScreen />
            </Match>
            <Match when={route().screen === 'settings'}>
              <SettingsScreen />
            </Match>
          </Switch>
        </main>
      </div>
    </Show>
  );
}
