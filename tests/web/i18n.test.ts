// RU/EN completeness: both dictionaries have exactly the same keys with non-empty strings, every t('key') used in
// the UI exists, and no component holds visible text outside t() (brand names and symbols aside).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'web', 'src');
/** One language's files merged; a key defined twice (in two screens' files) is a mistake worth failing on. */
function dictionary(lang: 'en' | 'ru'): { words: Record<string, string>; twice: string[] } {
  const dir = join(SRC, 'i18n', lang);
  const words: Record<string, string> = {};
  const twice: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const [k, v] of Object.entries(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>)) {
      if (k in words) twice.push(`${lang}/${file}: ${k}`);
      words[k] = v;
    }
  }
  return { words, twice };
}
const { words: en, twice: enTwice } = dictionary('en');
const { words: ru, twice: ruTwice } = dictionary('ru');
/** Words that are the same in both languages: product names and symbols. */
const ALLOWED = new Set(['Titan', 'OpenAI', 'OpenAI-compatible', 'RU', 'EN', 'JSON', 'Markdown', 'PDF']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Text between JSX tags (`>Save<`) and string literals in text-bearing attributes, minus expressions. */
function visibleTexts(code: string): string[] {
  const found: string[] = [];
  // Text nodes hold no code punctuation; what does is a TypeScript generic (`api<{…}>(…)`), not text.
  for (const m of code.matchAll(/(?<!=)>([^<>{}()=;'"`]*\p{L}[^<>{}()=;'"`]*)<(?=[/\p{L}])/gu)) {
    found.push((m[1] as string).trim());
  }
  for (const m of code.matchAll(/\b(?:title|placeholder|aria-label|alt)="([^"]*\p{L}[^"]*)"/gu))
    found.push(m[1] as string);
  const neutral = (w: string) => ALLOWED.has(w) || !/\p{L}/u.test(w) || /^[a-z]+:\/\//.test(w);
  return found.filter((s) => s && !s.split(/\s+/).every(neutral));
}

describe('i18n', () => {
  it('has the same keys in English and Russian, none empty', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    expect([...enTwice, ...ruTwice]).toEqual([]);
    for (const [k, v] of [...Object.entries(en), ...Object.entries(ru)]) expect(v.trim(), k).not.toBe('');
  });

  it('uses only keys that exist', () => {
    const missing: string[] = [];
    for (const file of sources(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) {
        if (!((m[1] as string) in en)) missing.push(`${file}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no hard-coded visible text in components', () => {
    const hardCoded: string[] = [];
    for (const file of sources(SRC).filter((f) => f.endsWith('.tsx'))) {
      for (const text of visibleTexts(readFileSync(file, 'utf8'))) hardCoded.push(`${file}: ${text}`);
    }
    expect(hardCoded).toEqual([]);
  });

  it('would catch a hard-coded string (the check itself can fail)', () => {
    expect(visibleTexts('<button>Save</button>')).toEqual(['Save']);
    expect(visibleTexts('<p title="Delete it">{t("x")}</p>')).toEqual(['Delete it']);
    expect(visibleTexts('<option>OpenAI</option><b>{t("a")}</b>')).toEqual([]);
  });
});
