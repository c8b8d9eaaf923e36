// Hash routes (#/chat, #/files?path=…): the daemon serves one page, and links survive reloads and the PWA's start.
import { createSignal } from 'solid-js';

export type Screen = 'chat' | 'files' | 'memory' | 'goals' | 'scheduler' | 'plugins' | 'console' | 'settings';
const SCREENS: Screen[] = ['chat', 'files', 'memory', 'goals', 'scheduler', 'plugins', 'console', 'settings'];

function parse(): { screen: Screen; params: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const screen = (SCREENS as string[]).includes(path) ? (path as Screen) : 'chat';
  return { screen, params: new URLSearchParams(query) };
}

const [route, setRoute] = createSignal(parse());
addEventListener('hashchange', () => setRoute(parse()));

export { route };
export function go(screen: Screen, params: Record<string, string> = {}): void {
  const q = new URLSearchParams(params).toString();
  location.hash = `#/${screen}${q ? `?${q}` : ''}`;
}
