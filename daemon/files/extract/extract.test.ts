// Extraction over the committed fixture folder (tests/fixtures/files/set) plus hand-made broken and odd inputs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, type FixtureRole, fixturePath } from '../../../tests/fixtures/files/fixtures.ts';
import { decodeText } from './decode.ts';
import { htmlToText } from './htmlText.ts';
import { ExtractError, type ExtractErrorCode, type Extracted, extractBytes, extractText } from './index.ts';
import { detectLegacyEncoding } from './legacyEncoding.ts';

const read = (role: FixtureRole) => extractText(fixturePath(role));
const allText = (doc: Extracted) => doc.pages.map((p) => p.text).join('\n');

/** Encodes text in an 8-bit code page by inverting the platform's decoder. */
function encode8bit(text: string, encoding: string): Uint8Array {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(new Uint8Array([b])), b);
  return new Uint8Array([...text].map((c) => table.get(c) ?? 0x3f));
}

async function failure(run: Promise<unknown>): Promise<ExtractError> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExtractError);
  return err as ExtractError;
}

async function expectCode(run: Promise<unknown>, code: ExtractErrorCode): Promise<ExtractError> {
  const err = await failure(run);
  expect(err.code).toBe(code);
  return err;
}

describe('the fixture folder', () => {
  const kinds: Partial<Record<FixtureRole, Extracted['kind']>> = {
    contractRu: 'pdf',
    contractEn: 'pdf',
    leaseEn: 'docx',
    leaseRu: 'docx',
    invoiceRu: 'pdf',
    invoiceEn: 'pdf',
    notesMd: 'markdown',
    renovationTxt: 'text',
    meetingDocx: 'docx',
    expensesCsv: 'csv',
    notesJson: 'json',
    webPage: 'html',
    scan: 'pdf',
    letterCp1251: 'text',
    letterKoi8: 'text',
    todoUtf16: 'text',
    recipe: 'markdown',
    itinerary: 'pdf',
    cv: 'pdf',
    image: 'unsupported',
  };

  it('holds at least 20 files', () => {
    expect(Object.keys(FIXTURES).length).toBeGreaterThanOrEqual(20);
  });

  it.each(Object.entries(kinds) as [FixtureRole, Extracted['kind']][])('%s extracts as %s', async (role, kind) => {
    const doc = await read(role);
    expect(doc.kind).toBe(kind);
    if (kind !== 'unsupported' && role !== 'scan') expect(allText(doc).length).toBeGreaterThan(100);
  });
});

describe('PDF', () => {
  it('keeps Cyrillic and page numbers of the three-page Russian contract', async () => {
    const doc = await read('contractRu');
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2, 3]);
    const [one, two, three] = doc.pages.map((p) => p.text);
    expect(one).toContain('ДОГОВОР ОКАЗАНИЯ УСЛУГ № 17/2026');
    expect(one).toContain('1. ПРЕДМЕТ ДОГОВОРА');
    expect(one).toContain('Ковалёвой Марины');
    expect(two).toContain('4. СРОКИ ОКАЗАНИЯ УСЛУГ');
    expect(three).toContain('11. РЕКВИЗИТЫ И ПОДПИСИ СТОРОН');
    expect(three).toContain('Арбитражный суд города Москвы');
    expect(doc.noTextLayer).toBe(false);
    expect(doc.warnings).toEqual([]);
  });

  it('drops running footers but keeps paragraphs apart', async () => {
    const doc = await read('contractRu');
    expect(allText(doc)).not.toMatch(/страница \d из 3/);
    expect(doc.pages[0]?.text).toMatch(/нижеследующем\.\n\n1\. ПРЕДМЕТ ДОГОВОРА/);
  });

  it('reads the English contract over two pages', async () => {
    const doc = await read('contractEn');
    expect(doc.pages).toHaveLength(2);
    expect(doc.pages[0]?.text).toContain('SOFTWARE DEVELOPMENT SERVICES AGREEMENT');
    expect(doc.pages[1]?.text).toContain('8. TERMINATION');
  });

  it('reports a scan as having no text layer, not as an error', async () => {
    const doc = await read('scan');
    expect(doc.noTextLayer).toBe(true);
    expect(doc.pages).toEqual([{ page: 1, text: '' }]);
    expect(doc.warnings.join(' ')).toMatch(/no text layer/);
  });

  it('refuses a web page saved under a .pdf name with type_mismatch', async () => {
    const err = await expectCode(read('fakePdf'), 'type_mismatch');
    expect(err.message).toMatch(/not a PDF.*HTML page/);
    expect(err.file).toContain(FIXTURES.fakePdf);
  });

  it('refuses a truncated download with corrupt_file', async () => {
    const err = await expectCode(read('truncatedPdf'), 'corrupt_file');
    expect(err.message).toMatch(/damaged or incomplete/);
  });

  it('refuses a password-protected PDF with encrypted', async () => {
    await expectCode(read('lockedPdf'), 'encrypted');
  });

  it('refuses an empty .pdf and a header with nothing behind it as corrupt', async () => {
    await expectCode(extractBytes(new Uint8Array(), 'empty.pdf'), 'corrupt_file');
    await expectCode(extractBytes(Buffer.from('%PDF-1.7\n1 0 obj\n'), 'stub.pdf'), 'corrupt_file');
  });

  it('reads a PDF whatever its name says, with a warning', async () => {
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(fixturePath('invoiceEn')));
    const doc = await extractBytes(bytes, 'invoice.txt');
    expect(doc.kind).toBe('pdf');
    expect(allText(doc)).toContain('INV-2026-031');
    expect(doc.warnings[0]).toMatch(/named \.txt but the content is a PDF/);
  });
});

describe('DOCX', () => {
  it('keeps Word headings as # lines, lists and table rows', async () => {
    const doc = await read('leaseEn');
    const text = allText(doc);
    expect(doc.pages).toHaveLength(1);
    expect(doc.pages[0]?.page).toBeNull();
    expect(text).toMatch(/^# Residential Lease Agreement$/m);
    expect(text).toMatch(/^# 2\. Term of the Lease$/m);
    expect(text).toContain('Flat 12, 48 Willow Street');
    expect(text).toMatch(/^- No smoking is permitted/m);
    expect(text).toMatch(/^Kitchen \| Fridge-freezer, oven, washing machine, dishwasher \| Good, oven cleaned$/m);
    expect(doc.warnings).toEqual([]);
  });

  it('keeps Cyrillic in the Russian lease', async () => {
    const text = allText(await read('leaseRu'));
    expect(text).toMatch(/^# ДОГОВОР АРЕНДЫ КВАРТИРЫ № 3$/m);
    expect(text).toMatch(/^# 3\. Арендная плата и расчёты$/m);
    expect(text).toContain('именуемый в дальнейшем «Наймодатель»');
  });

  it('refuses a .docx that is not a Word document', async () => {
    await expectCode(extractBytes(Buffer.from('just some text'), 'memo.docx'), 'type_mismatch');
    await expectCode(extractBytes(Buffer.from('PK\u0003\u0004 not really a zip'), 'memo.docx'), 'corrupt_file');
  });

  it('tells a legacy Word file from a password-protected one', async () => {
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);
    await expectCode(extractBytes(ole, 'old.docx'), 'unsupported_type');
    const locked = Buffer.concat([ole, Buffer.from('EncryptedPackage', 'utf16le')]);
    await expectCode(extractBytes(locked, 'locked.docx'), 'encrypted');
  });
});

describe('text encodings', () => {
  it('detects windows-1251 and decodes the letter', async () => {
    const doc = await read('letterCp1251');
    expect(doc.encoding).toBe('windows-1251');
    expect(allText(doc)).toContain('Прошу принять меры в связи с протечкой кровли над квартирой № 57.');
    expect(allText(doc)).toContain('Генеральному директору ООО «УК Комфорт-Сервис»');
    expect(allText(doc)).not.toContain('\r');
    expect(doc.warnings.join(' ')).toMatch(/windows-1251/);
  });

  it('detects koi8-r and decodes the letter', async () => {
    const doc = await read('letterKoi8');
    expect(doc.encoding).toBe('koi8-r');
    expect(allText(doc)).toContain('В субботу собираемся в компьютерном клубе на Лиговском');
    expect(allText(doc)).toContain('Серёжа обещал принести');
  });

  it('reads UTF-16 with a BOM', async () => {
    const doc = await read('todoUtf16');
    expect(doc.encoding).toBe('utf-16le');
    expect(allText(doc)).toMatch(/^Список дел на выходные \/ Weekend to-do/);
    expect(allText(doc)).toContain('6. Позвонить маме!');
  });

  it('reads UTF-8 without and with a BOM', async () => {
    const notes = await read('renovationTxt');
    expect(notes.encoding).toBe('utf-8');
    expect(allText(notes)).toContain('Договор с бригадой');
    const csv = await read('expensesCsv');
    expect(csv.encoding).toBe('utf-8');
    expect(allText(csv).charCodeAt(0)).not.toBe(0xfeff);
  });

  it.each([
    ['windows-1251', 'Съешь же ещё этих мягких французских булок, да выпей чаю.'],
    ['koi8-r', 'Съешь же ещё этих мягких французских булок, да выпей чаю.'],
    ['ibm866', 'Съешь же ещё этих мягких французских булок, да выпей чаю.'],
    ['windows-1251', 'Привет, как дела?'],
    ['koi8-r', 'Привет, как дела?'],
    ['windows-1251', 'Добрий день! Це наш їжак, і він дуже гарний.'],
    ['windows-1252', 'Café crème brûlée, naïve façade — déjà vu.'],
  ])('tells %s from the others in "%s"', (encoding, text) => {
    expect(detectLegacyEncoding(encode8bit(text, encoding))).toBe(encoding);
  });

  it('reads UTF-16 without a BOM, little- and big-endian', () => {
    const text = 'Заметка: купить хлеб and milk.';
    expect(decodeText(Buffer.from(text, 'utf16le'))).toMatchObject({ text, encoding: 'utf-16le', guessed: true });
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(decodeText(be)).toMatchObject({ text, encoding: 'utf-16be' });
  });
});

describe('HTML, CSV, JSON, Markdown', () => {
  it('strips tags, scripts, styles and navigation from a saved page and decodes entities', async () => {
    const doc = await read('webPage');
    const text = allText(doc);
    expect(text).not.toMatch(/<\/?[a-z!][^>]*>/i);
    for (const junk of [
      'gtag',
      'secretAnalyticsToken',
      'do-not-index-this',
      'font-family',
      'Главная',
      'Отправить',
      '&nbsp;',
    ]) {
      expect(text).not.toContain(junk);
    }
    expect(text).toMatch(/^# Выходные в Казани: что посмотреть за два дня$/m);
    expect(text).toMatch(/^## День первый: Кремль и улица Баумана$/m);
    expect(text).toContain('суп с лапшой «токмач»');
    expect(text).toContain('Средний чек №1 по городу — около 900 ₽');
    expect(text).toMatch(/^Гостиница, 1 ночь \| 7 200$/m);
    expect(text).toContain('<Цены> указаны');
  });

  it('keeps preformatted line breaks and reads a page title', () => {
    const text = htmlToText('<title>T &amp; C</title><body>intro<pre>a  b\nc</pre>x<br>y</body>');
    expect(text).toBe('T & C\n\nintro\n\na b\nc\n\nx\ny');
  });

  it('writes CSV records as rows, with quoted delimiters and quotes intact', async () => {
    const text = allText(await read('expensesCsv'));
    expect(text.split('\n')[0]).toBe('Дата | Категория | Описание | Сумма, ₽ | Способ оплаты');
    expect(text).toContain('02.01.2026 | Продукты | Пятёрочка; молоко, хлеб, овощи | 1 245,80 | карта');
    expect(text).toContain('12.01.2026 | Здоровье | Аптека: витамины, "Нурофен" | 1 310,00 | карта');
  });

  it('flattens JSON to key: value lines', async () => {
    const text = allText(await read('notesJson'));
    expect(text).toContain('title: Подарки на Новый год');
    expect(text).toContain('tags: english, учёба');
    expect(text).not.toContain('{');
  });

  it('keeps invalid JSON as text, with a warning', async () => {
    const doc = await extractBytes(Buffer.from('{"title": "половина'), 'broken.json');
    expect(doc.kind).toBe('json');
    expect(allText(doc)).toContain('половина');
    expect(doc.warnings.join(' ')).toMatch(/not valid JSON/);
  });

  it('keeps Markdown as written', async () => {
    const text = allText(await read('recipe'));
    expect(text).toMatch(/^# Борщ по-домашнему/);
    expect(text).toContain('## Приготовление');
  });
});

describe('dispatch and limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'titan-extract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads text with an unknown extension as text and leaves binaries unsupported', async () => {
    expect((await extractBytes(Buffer.from('key = value\n'), 'settings.ini')).kind).toBe('text');
    const bin = await extractBytes(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]), 'data.bin');
    expect(bin).toMatchObject({ kind: 'unsupported', pages: [] });
    expect(bin.warnings[0]).toMatch(/\.bin/);
  });

  it('refuses binary content in a file named .txt', async () => {
    const err = await expectCode(
      extractBytes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), 'notes.txt'),
      'type_mismatch',
    );
    expect(err.message).toMatch(/an image/);
  });

  it('refuses a file over maxBytes before reading it', async () => {
    const path = join(dir, 'big.txt');
    writeFileSync(path, 'x'.repeat(2000));
    await expectCode(extractText(path, { maxBytes: 1000 }), 'too_large');
    await expectCode(extractBytes(Buffer.alloc(2000, 0x61), 'big.txt', { maxBytes: 1000 }), 'too_large');
    expect((await extractText(path, { maxBytes: 5000 })).pages[0]?.text).toHaveLength(2000);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(extractText(fixturePath('contractRu'), { signal: controller.signal })).rejects.toThrow('stop');
  });
});
