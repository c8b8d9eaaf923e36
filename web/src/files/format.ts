// Sizes and dates as people read them, in the current language; and path pieces for breadcrumbs.
import { lang, t } from '../i18n/index.ts';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return t('files.size.bytes', { n: bytes });
  const units = ['files.size.kb', 'files.size.mb', 'files.size.gb', 'files.size.tb'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  const digits = n < 10 ? 1 : 0;
  return t(units[i] as string, { n: n.toLocaleString(lang(), { maximumFractionDigits: digits }) });
}

export const formatDate = (iso: string) =>
  new Date(iso).toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' });

/** The folders from a root down to `path`: [{name, path}], the root first (named by its full path). */
export function crumbs(root: string, path: string): { name: string; path: string }[] {
  const sep = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  const out = [{ name: root, path: root }];
  const rest = path.slice(root.length).split(/[\\/]/).filter(Boolean);
  let at = root.replace(/[\\/]+$/, '');
  for (const name of rest) {
    at = `${at}${sep}${name}`;
    out.push({ name, path: at });
  }
  return out;
}

/** The folder holding `path`. */
export const parentOf = (path: string) => path.replace(/[\\/]+$/, '').replace(/[\\/][^\\/]*$/, '') || '/';

/** `base.one`, `base.few`, `base.many` or `base.other` by the current language's plural rules, with `{n}`. */
export const plural = (base: string, n: number) =>
  t(`${base}.${new Intl.PluralRules(lang()).select(n)}`, { n: n.toLocaleString(lang()) });
