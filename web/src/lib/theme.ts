// Light and dark themes: follows the system until the user picks one; the pick is persisted.
import { createSignal } from 'solid-js';

type Theme = 'light' | 'dark';
const stored = localStorage.getItem('titan.theme');
const system: Theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
const [theme, setThemeSignal] = createSignal<Theme>(stored === 'dark' || stored === 'light' ? stored : system);
const apply = (t: Theme) => document.documentElement.classList.toggle('dark', t === 'dark');
apply(theme());

export { theme };
export function toggleTheme(): void {
  const next: Theme = theme() === 'dark' ? 'light' : 'dark';
  localStorage.setItem('titan.theme', next);
  apply(next);
  setThemeSignal(next);
}
