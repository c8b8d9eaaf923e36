// The files benchmark's data, all deterministic (seeded): a 500-file tree three folders deep (Russian and English
// notes and reports of varying size, renamed copies of the fixture DOCX/PDF/HTML/CSV/JSON files), 200 search
// queries about those files, and the watcher files that each carry one unique word to search for.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { FIXTURE_DIR, FIXTURES, type FixtureRole } from '../tests/fixtures/files/fixtures.ts';
import { mulberry32 } from '../tests/helpers/mulberry32.ts';

const memoryFixtures = join(import.meta.dirname, '..', 'tests', 'fixtures', 'memory');
const sentences = readFileSync(join(memoryFixtures, 'memories.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);
const CYRILLIC = /[а-яё]/i;
const RU = sentences.filter((s) => CYRILLIC.test(s));
const EN = sentences.filter((s) => !CYRILLIC.test(s));

/** mulberry32: a small seeded PRNG, so every run builds the same files. */
export const seeded = mulberry32;

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

const TOPICS = {
  ru: ['ремонт', 'отпуск', 'бюджет', 'работа', 'здоровье', 'дача', 'машина', 'учёба'],
  en: ['renovation', 'travel', 'budget', 'work', 'health', 'garden', 'car', 'courses'],
};
const SECTIONS = {
  ru: ['Итоги недели', 'Что сделать', 'Расходы', 'Встречи', 'Идеи', 'Договорённости', 'Вопросы'],
  en: ['Week summary', 'To do', 'Expenses', 'Meetings', 'Ideas', 'Agreements', 'Open questions'],
};

/** Paragraphs of fixture sentences in one language, with headings in Markdown, until about `bytes` long. */
function prose(rnd: () => number, lang: 'ru' | 'en', bytes: number, markdown: boolean, title: string): string {
  const pool = lang === 'ru' ? RU : EN;
  const parts = [markdown ? `# ${title}` : title, ''];
  let size = Buffer.byteLength(parts[0] as string);
  let paragraphs = 0;
  while (size < bytes) {
    if (paragraphs % 5 === 0 && paragraphs > 0) {
      const h = pick(rnd, SECTIONS[lang]);
      parts.push(markdown ? `## ${h}` : `${h}:`, '');
    }
    const n = 2 + Math.floor(rnd() * 5);
    const p = Array.from({ length: n }, () => pick(rnd, pool)).join(' ');
    parts.push(p, '');
    size += Buffer.byteLength(p) + 2;
    paragraphs++;
  }
  return parts.join('\n');
}

/** Fixture files worth copying into the tree, by kind (the broken and unsupported ones are left out). */
const COPIES: Record<'docx' | 'pdf' | 'other', FixtureRole[]> = {
  docx: ['leaseEn', 'leaseRu', 'meetingDocx'],
  pdf: ['contractRu', 'contractEn', 'invoiceRu', 'invoiceEn', 'itinerary', 'cv', 'scan'],
  other: ['webPage', 'expensesCsv', 'notesJson'],
};

export interface TreeFile {
  /** Relative to the user's home: Desktop/… or Downloads/… */
  rel: string;
  kind: string;
}

/**
 * Writes `n` files under `home` (Desktop/Архив/<year>/<topic>/…, Desktop/Projects/<year>/<topic>/…, Downloads/old/
 * <year>/<topic>/…): about 68 % text and Markdown from 0.4 to 48 KB (log-uniform), 12 % DOCX, 16 % PDF, 4 % HTML,
 * CSV and JSON — the binary ones renamed copies of the fixture set.
 */
export function writeTree(home: string, n = 500, seed = 2026): TreeFile[] {
  const rnd = seeded(seed);
  const files: TreeFile[] = [];
  for (let i = 0; i < n; i++) {
    const lang = rnd() < 0.5 ? 'ru' : 'en';
    const topic = pick(rnd, TOPICS[lang]);
    const year = 2021 + Math.floor(rnd() * 6);
    const top = pick(rnd, lang === 'ru' ? ['Desktop/Архив', 'Downloads/old'] : ['Desktop/Projects', 'Downloads/old']);
    const dir = `${top}/${year}/${topic}`;
    mkdirSync(join(home, dir), { recursive: true });
    const slot = i % 25;
    const num = String(i).padStart(3, '0');
    let rel: string;
    if (slot < 17) {
      const markdown = rnd() < 0.5;
      const bytes = Math.round(400 * 120 ** rnd());
      const name =
        lang === 'ru'
          ? `${markdown ? 'заметки' : 'отчёт'}_${topic}_${num}.${markdown ? 'md' : 'txt'}`
          : `${markdown ? 'notes' : 'report'}_${topic}_${num}.${markdown ? 'md' : 'txt'}`;
      rel = `${dir}/${name}`;
      const title = lang === 'ru' ? `Заметки: ${topic}, ${year} (№ ${num})` : `Notes: ${topic}, ${year} (no. ${num})`;
      writeFileSync(join(home, rel), prose(rnd, lang, bytes, markdown, title));
      files.push({ rel, kind: markdown ? 'md' : 'txt' });
      continue;
    }
    const group = slot < 20 ? 'docx' : slot < 24 ? 'pdf' : 'other';
    const source = FIXTURES[pick(rnd, COPIES[group])];
    const ext = extname(source);
    rel = `${dir}/${source.slice(0, -ext.length)}_${lang === 'ru' ? 'копия' : 'copy'}_${num}${ext}`;
    copyFileSync(join(FIXTURE_DIR, source), join(home, rel));
    files.push({ rel, kind: ext.slice(1) });
  }
  return files;
}

/** Questions a user would ask about the fixture files and the tree, Russian and English. */
const ABOUT_FILES = [
  'покажи договор PDF',
  'show me the lease agreement',
  'договор оказания услуг',
  'договор аренды квартиры',
  'счёт на оплату',
  'invoice INV-2026-031',
  'рецепт борща',
  'свёкла и капуста для борща',
  'itinerary Istanbul May',
  'flight to Istanbul hotel booking',
  'CV Anna Smirnova experience',
  'резюме Анны Смирновой',
  'meeting notes March 12',
  'протокол встречи',
  'ремонт в ванной плитка',
  'бригада Сергея ремонт',
  'что посмотреть в Казани за два дня',
  'выходные в Казани',
  'расходы за первый квартал',
  'expenses Q1 2026',
  'заявление в управляющую компанию',
  'старое письмо 1998',
  'список дел',
  'notes export March',
  'Brightline Northwind service agreement',
  'termination clause notice period',
  'payment terms within 14 days',
  'срок оплаты по договору',
  'ответственность сторон',
  'deposit and monthly rent',
  'залог и арендная плата',
  'garden tomatoes greenhouse',
  'car insurance renewal',
  'квартальный отчёт',
  'bank statement February',
  'renovation budget',
  'заметки про отпуск',
  'work notes 2024',
  'Архив 2023 бюджет',
  'report travel 2025',
];

/** 200 distinct queries: the ones above, the memory fixture's paraphrased questions, then 3–4 words of a sentence. */
export function searchQueries(n = 200, seed = 7): string[] {
  const memoryQueries = (JSON.parse(readFileSync(join(memoryFixtures, 'queries.json'), 'utf8')) as { q: string }[]).map(
    (q) => q.q,
  );
  const out = new Set([...ABOUT_FILES, ...memoryQueries]);
  const rnd = seeded(seed);
  while (out.size < n) {
    const words = (pick(rnd, sentences).match(/[\p{L}\d-]{5,}/gu) ?? []).filter((w) => !/^\d+$/.test(w));
    if (words.length < 3) continue;
    const start = Math.floor(rnd() * (words.length - 2));
    out.add(words.slice(start, start + 3 + Math.floor(rnd() * 2)).join(' '));
  }
  return [...out].slice(0, n);
}

/** A file for the watcher test: a paragraph plus one word no other file has, which is the query. */
export function watcherFile(i: number, seed = 99): { name: string; text: string; word: string } {
  const rnd = seeded(seed + i);
  const lang = i % 2 ? 'en' : 'ru';
  const word = `wq${String(i).padStart(2, '0')}${Math.floor(rnd() * 36 ** 5)
    .toString(36)
    .padStart(5, '0')}`;
  const body = prose(
    rnd,
    lang,
    600,
    false,
    lang === 'ru' ? `Скачано: квитанция ${word}` : `Downloaded: receipt ${word}`,
  );
  return { name: lang === 'ru' ? `квитанция_${i}.txt` : `receipt_${i}.txt`, text: `${body}\nКод: ${word}\n`, word };
}
