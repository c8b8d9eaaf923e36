// Durations as people read them (850 ms, 4.2 s, 3 min 5 s), in the current language.
import { lang, t } from '../i18n/index.ts';

export function formatDuration(ms: number): string {
  if (ms < 1000) return t('duration.ms', { n: Math.round(ms) });
  if (ms < 60_000) return t('duration.s', { n: (ms / 1000).toLocaleString(lang(), { maximumFractionDigits: 1 }) });
  const min = Math.floor(ms / 60_000);
  return t('duration.min', { m: min, s: Math.round((ms % 60_000) / 1000) });
}
