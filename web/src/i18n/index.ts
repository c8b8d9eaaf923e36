// RU/EN: every visible string comes from en.json / ru.json through t(); the choice is persisted. A test checks both
// files have the same keys and that components hold no hard-coded text.
import { createSignal } from 'solid-js';
import en from './en.json';
import ru from './ru.json';

export type Lang = 'en' | 'ru';
export type Key = keyof typeof en;
const dictionaries: Record<Lang, Record<string, string>> = { en, ru };
const stored = localStorage.getItem('titan.lang');
const initial: Lang = stored === 'ru' || stored === 'en' ? stored : navigator.language.startsWith('ru') ? 'ru' : 'en';
const [lang, setLangSignal] = createSignal<Lang>(initial);
document.documentElement.lang = initial;

export { lang };

export function setLang(next: Lang): void {
  localStorage.setItem('titan.lang', next);
  document.documentElement.lang = next;
  setLangSignal(next);
}

/** The string for `key` in the current language; `{name}` placeholders filled from `vars`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text = dictionaries[lang()][key] ?? dictionaries.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}
