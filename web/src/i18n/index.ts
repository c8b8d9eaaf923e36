// RU/EN: every visible string comes from the i18n files (i18n/en/*.json, i18n/ru/*.json — one file per screen, so
// screens are translated side by side) through t(); the choice is persisted. A test checks both languages have the
// same keys and that components hold no hard-coded text.
import { createSignal } from 'solid-js';
import type enCommon from './en/common.json';

export type Lang = 'en' | 'ru';
/** Keys are checked against the English files at test time; the type stays open so screens add their own. */
export type Key = keyof typeof enCommon | (string & {});

const merge = (files: Record<string, { default: Record<string, string> }>) =>
  Object.assign({}, ...Object.values(files).map((m) => m.default)) as Record<string, string>;
const dictionaries: Record<Lang, Record<string, string>> = {
  en: merge(import.meta.glob('./en/*.json', { eager: true })),
  ru: merge(import.meta.glob('./ru/*.json', { eager: true })),
};

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
