// Chunking: sections by heading, sizes within the target, overlap inside a section, pages kept, same input same output.
import { describe, expect, it } from 'vitest';
import { FIXTURES, type FixtureRole, fixturePath } from '../../../tests/fixtures/files/fixtures.ts';
import { type Chunk, chunkDocument, contextualText } from './chunk.ts';
import { headingOf } from './headings.ts';
import { extractText } from './index.ts';

const sentences = (n: number, prefix = 'Sentence') =>
  Array.from({ length: n }, (_, i) => `${prefix} number ${i + 1} says something ordinary about the matter.`);

/** The chunk opens with the last 10 to `overlapChars` characters of the chunk before it. */
function overlaps(prev: Chunk, next: Chunk, overlapChars: number): boolean {
  for (let k = Math.min(overlapChars, next.text.length); k >= 10; k--) {
    if (prev.text.endsWith(next.text.slice(0, k))) return true;
  }
  return false;
}

describe('headingOf', () => {
  it.each([
    ['1. ПРЕДМЕТ ДОГОВОРА', '', { text: '1. ПРЕДМЕТ ДОГОВОРА', level: 1 }],
    ['## Ingredients', '', { text: 'Ingredients', level: 2 }],
    ['2. Rent', '2.1. The rent is paid monthly.', { text: '2. Rent', level: 1 }],
    ['Статья 5. Арендная плата', '', { text: 'Статья 5. Арендная плата', level: 1 }],
    ['TERMS AND CONDITIONS', '', { text: 'TERMS AND CONDITIONS', level: 1 }],
  ])('%s is a heading', (line, next, heading) => {
    expect(headingOf(line, next)).toEqual(heading);
  });

  it.each([
    ['1. Купить молоко', '2. Позвонить маме'],
    ['1.1. Исполнитель обязуется оказать услуги.', ''],
    ['ИНН 7704123456 КПП 770401001', ''],
    ['Дата | Категория | Сумма', ''],
    ['A perfectly normal sentence in a paragraph.', ''],
    [`# ${'x'.repeat(120)}`, ''],
  ])('%s is not a heading', (line, next) => {
    expect(headingOf(line, next)).toBeNull();
  });
});

describe('chunkDocument', () => {
  it('splits at headings and names each chunk after its section', () => {
    const body = (s: string) => sentences(8, s).join(' ');
    const chunks = chunkDocument([{ page: null, text: `# Alpha\n\n${body('Alpha')}\n\n# Beta\n\n${body('Beta')}` }]);
    expect(chunks.map((c) => c.heading)).toEqual(['Alpha', 'Beta']);
    expect(chunks[0]?.text.startsWith('# Alpha')).toBe(true);
    expect(chunks[1]?.text.startsWith('# Beta')).toBe(true);
    expect(chunks[1]?.text).not.toContain('Alpha');
  });

  it('lets a tiny section join the next instead of standing alone', () => {
    const chunks = chunkDocument([{ page: null, text: `# Short\n\nOne line.\n\n# Long\n\n${sentences(8).join(' ')}` }]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.heading).toBe('Short');
  });

  it('cuts a long paragraph at sentence ends, overlapping the previous chunk, within the target', () => {
    const text = sentences(40).join(' ');
    const chunks = chunkDocument([{ page: 4, text }], { targetChars: 400, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(400);
      expect(c.page).toBe(4);
    }
    for (let i = 1; i < chunks.length; i++) {
      expect(overlaps(chunks[i - 1] as Chunk, chunks[i] as Chunk, 100)).toBe(true);
      expect(chunks[i]?.text).toMatch(/^Sentence number \d+/);
    }
    for (const s of sentences(40)) expect(chunks.some((c) => c.text.includes(s))).toBe(true);
  });

  it('splits a paragraph that would not fit beside the overlap, so the overlap stays', () => {
    const paragraph = `${sentences(4).join(' ')} Plus a somewhat longer closing tail, ending here now.`;
    expect(paragraph.length).toBeGreaterThan(280);
    expect(paragraph.length).toBeLessThanOrEqual(300);
    const chunks = chunkDocument([{ page: null, text: [paragraph, paragraph, paragraph].join('\n\n') }], {
      targetChars: 300,
      overlapChars: 50,
    });
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(300);
    for (let i = 1; i < chunks.length; i++) expect(overlaps(chunks[i - 1] as Chunk, chunks[i] as Chunk, 50)).toBe(true);
  });

  it('carries no overlap into a new section', () => {
    const text = `# One\n\n${sentences(20, 'One').join(' ')}\n\n# Two\n\n${sentences(20, 'Two').join(' ')}`;
    const chunks = chunkDocument([{ page: null, text }], { targetChars: 500, overlapChars: 120 });
    const firstOfTwo = chunks.find((c) => c.heading === 'Two');
    expect(firstOfTwo?.text.startsWith('# Two')).toBe(true);
  });

  it('never lets a chunk span pages, and keeps each page number', () => {
    const pages = [1, 2, 3].map((page) => ({ page, text: sentences(6, `Page${page}`).join(' ') }));
    const chunks = chunkDocument(pages, { targetChars: 2000 });
    expect(chunks.map((c) => c.page)).toEqual([1, 2, 3]);
    expect(chunks[1]?.text).toContain('Page2 number 1 ');
    expect(chunks[1]?.text).not.toContain('Page3');
    // The second page opens with the tail of the first: a sentence cut by the page break keeps its context.
    expect(overlaps(chunks[0] as Chunk, chunks[1] as Chunk, 200)).toBe(true);
  });

  it('splits text without sentence ends by lines, then words, then characters', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `row ${i} | value ${i * 3} | note`).join('\n');
    const words = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const blob = 'x'.repeat(2500);
    for (const text of [rows, words, blob]) {
      const chunks = chunkDocument([{ page: null, text }], { targetChars: 300, overlapChars: 50 });
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(300);
    }
    const rowChunks = chunkDocument([{ page: null, text: rows }], { targetChars: 300, overlapChars: 50 });
    for (const c of rowChunks) expect(c.text).toMatch(/^row \d+ \|/);
  });

  it('returns nothing for nothing, and numbers chunks from 0', () => {
    expect(chunkDocument([])).toEqual([]);
    expect(chunkDocument([{ page: 1, text: '  \n\n ' }])).toEqual([]);
    const chunks = chunkDocument([{ page: null, text: sentences(80).join('\n\n') }]);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
  });

  it('clamps an overlap larger than half the target', () => {
    const chunks = chunkDocument([{ page: null, text: sentences(30).join(' ') }], {
      targetChars: 300,
      overlapChars: 1000,
    });
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(300);
    expect(chunks.length).toBeGreaterThan(3);
  });
});

describe('chunking the fixtures', () => {
  it('chunks the Russian contract by its numbered sections, with pages', async () => {
    const chunks = chunkDocument((await extractText(fixturePath('contractRu'))).pages);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2, 3]));
    expect(chunks.map((c) => c.page)).toEqual([...chunks.map((c) => c.page)].sort());
    const subject = chunks.find((c) => c.text.includes('1. ПРЕДМЕТ ДОГОВОРА'));
    expect(subject).toMatchObject({ page: 1, heading: '1. ПРЕДМЕТ ДОГОВОРА' });
    expect(subject?.text).not.toContain('2. ПРАВА И ОБЯЗАННОСТИ СТОРОН');
    expect(chunks.find((c) => c.text.includes('РЕКВИЗИТЫ И ПОДПИСИ СТОРОН'))?.page).toBe(3);
    expect(chunks.find((c) => c.text.includes('Арбитражный суд'))?.heading).toMatch(/РАЗРЕШЕНИЕ СПОРОВ/);
  });

  it('chunks the English lease by its Word headings', async () => {
    const chunks = chunkDocument((await extractText(fixturePath('leaseEn'))).pages, { targetChars: 600 });
    expect(chunks.every((c) => c.page === null)).toBe(true);
    expect(chunks.find((c) => c.text.includes('£1,670'))?.heading).toBe('4. Security Deposit');
  });

  const readable = (Object.keys(FIXTURES) as FixtureRole[]).filter(
    (r) => !['lockedPdf', 'truncatedPdf', 'fakePdf', 'image', 'scan'].includes(r),
  );

  it.each(readable)('%s: chunks stay within the target and come out the same every time', async (role) => {
    const { pages } = await extractText(fixturePath(role));
    const opts = { targetChars: 500, overlapChars: 100 };
    const chunks = chunkDocument(pages, opts);
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(500);
      expect(c.text.trim()).not.toBe('');
    }
    expect(chunkDocument(structuredClone(pages), opts)).toEqual(chunks);
  });

  it('gives a scan no chunks', async () => {
    expect(chunkDocument((await extractText(fixturePath('scan'))).pages)).toEqual([]);
  });
});

describe('contextualText', () => {
  it('puts the title and a heading the text lacks in front', () => {
    const chunk: Chunk = { text: 'The rent is £1,450.', page: null, heading: '3. Rent', index: 2 };
    expect(contextualText(chunk, 'Lease (DOCX)')).toBe('Lease (DOCX) › 3. Rent\n\nThe rent is £1,450.');
    expect(contextualText({ ...chunk, text: '# 3. Rent\n\nThe rent is £1,450.' }, 'Lease')).toBe(
      'Lease\n\n# 3. Rent\n\nThe rent is £1,450.',
    );
    expect(contextualText({ text: 'plain', page: 1, index: 0 })).toBe('plain');
  });
});
