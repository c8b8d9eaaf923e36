// The file tools on the real FilesService (guard, atomic writes, extraction, ingestion, search) on both engine pairs:
// happy paths, and refusals that come back as results with nothing read or written.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixturePath } from '../../../tests/fixtures/files/fixtures.ts';
import type { ChatTool, ToolContext } from '../types.ts';
import { chatTools } from './index.ts';
import { MAX_ENTRIES } from './listFiles.ts';
import { openToolsFixture, type ToolsFixture } from './toolsFixture.ts';

const services = inject('services');
const tools = new Map(chatTools().map((t) => [t.name, t]));
const tool = (name: string) => tools.get(name as ChatTool['name']) as ChatTool;

// biome-ignore lint/suspicious/noExplicitAny: results are checked field by field
type Result = any;

describe.each(['pglite', 'postgres'] as const)('file tools on %s', (engine) => {
  let fx: ToolsFixture;
  let ctx: ToolContext;
  const call = (name: string, args: unknown): Promise<Result> => tool(name).run(args, ctx);

  beforeAll(async () => {
    fx = await openToolsFixture(engine, services);
    ctx = fx.ctx('conv-files');
    writeFileSync(join(fx.desktop, 'todo.txt'), 'Buy milk.\nCall Anna about the lease.\n');
    writeFileSync(join(fx.outside, 'secret.txt'), 'the password is hunter2');
    copyFileSync(fixturePath('contractRu'), join(fx.desktop, 'Договор_оказания_услуг_2026.pdf'));
    copyFileSync(fixturePath('leaseEn'), join(fx.downloads, 'lease_agreement_flat_12.docx'));
    copyFileSync(fixturePath('contractEn'), join(fx.downloads, 'service_agreement.pdf'));
    copyFileSync(fixturePath('scan'), join(fx.downloads, 'scan.pdf'));
  }, 90_000);
  afterAll(() => fx?.close());

  it('list_files without a path gives the allowed folders', async () => {
    expect(await call('list_files', {})).toEqual({
      roots: [
        { path: fx.desktop, exists: true },
        { path: fx.downloads, exists: true },
      ],
      note: expect.any(String),
    });
  });

  it('list_files gives a folder’s entries with size, time and ingest status, folders first', async () => {
    mkdirSync(join(fx.desktop, 'Projects'), { recursive: true });
    await fx.files.ingestor.ingest(join(fx.desktop, 'todo.txt'));
    const result = await call('list_files', { path: 'Desktop' });
    expect(result).toMatchObject({ path: fx.desktop, kind: 'dir', total: 3 });
    expect(result.entries).toEqual([
      { name: 'Projects', kind: 'dir', mtime: expect.any(String) },
      { name: 'todo.txt', kind: 'file', size: 37, mtime: expect.any(String), ingest: 'indexed' },
      {
        name: 'Договор_оказания_услуг_2026.pdf',
        kind: 'file',
        size: expect.any(Number),
        mtime: expect.any(String),
        ingest: null,
      },
    ]);
    expect(result).not.toHaveProperty('more');
    expect(await call('list_files', { path: join(fx.desktop, 'todo.txt') })).toMatchObject({
      path: join(fx.desktop, 'todo.txt'),
      kind: 'file',
      size: 37,
      ingest: 'indexed',
    });
  });

  it(`list_files shows at most ${MAX_ENTRIES} entries and says how many more there are`, async () => {
    const many = join(fx.downloads, 'many');
    mkdirSync(many);
    for (let i = 0; i < MAX_ENTRIES + 7; i++) writeFileSync(join(many, `f${String(i).padStart(3, '0')}.txt`), 'x');
    const result = await call('list_files', { path: 'Downloads/many' });
    expect(result.entries).toHaveLength(MAX_ENTRIES);
    expect(result).toMatchObject({ total: MAX_ENTRIES + 7, more: 7, note: `showing the first 200 of 207 entries` });
  });

  it('list_files outside the allowed folders is the guard’s refusal', async () => {
    expect(await call('list_files', { path: fx.outside })).toEqual({
      error: { code: 'path_refused', reason: 'outside_roots', message: expect.stringContaining('outside the allowed') },
    });
    expect(await call('list_files', { path: 'Desktop/nothing-here' })).toMatchObject({ error: { code: 'not_found' } });
  });

  it('read_file gives a text file’s text', async () => {
    expect(await call('read_file', { path: 'Desktop/todo.txt' })).toEqual({
      path: join(fx.desktop, 'todo.txt'),
      kind: 'text',
      size: 37,
      pages: null,
      chars: 36,
      offset: 0,
      truncated: false,
      text: 'Buy milk.\nCall Anna about the lease.',
    });
  });

  it('read_file extracts a PDF with its pages marked, cuts it at max_chars and reads on from an offset', async () => {
    const path = join(fx.desktop, 'Договор_оказания_услуг_2026.pdf');
    const whole = await call('read_file', { path });
    expect(whole).toMatchObject({ kind: 'pdf', pages: 3, truncated: false });
    expect(whole.text).toMatch(/^\[page 1\]\nДОГОВОР ОКАЗАНИЯ УСЛУГ № 17\/2026/);
    expect(whole.text).toContain('\n\n[page 3]\n');
    expect(whole.chars).toBe(whole.text.length);

    const first = await call('read_file', { path, max_chars: 1000 });
    expect(first.text).toBe(whole.text.slice(0, first.text.length));
    expect(JSON.stringify(first.text).length - 2).toBeLessThanOrEqual(1000);
    expect(first).toMatchObject({ truncated: true, offset: 0, chars: whole.chars });
    const next = first.text.length;
    expect(first.note).toBe(
      `showing characters 0–${next} of ${whole.chars} (page 1 of 3); call read_file again with offset ${next} to read on`,
    );
    const second = await call('read_file', { path, offset: next, max_chars: 6000 });
    expect(second.text).toBe(whole.text.slice(next, next + second.text.length));
    expect(second.note).toMatch(/\(pages 1–3 of 3\)/);
    // The notes come before the text, so a cut result keeps them.
    expect(Object.keys(second).at(-1)).toBe('text');
  });

  it('read_file extracts a Word document and says when a PDF is a scan without text', async () => {
    const lease = await call('read_file', { path: 'Downloads/lease_agreement_flat_12.docx' });
    expect(lease).toMatchObject({ kind: 'docx', pages: null, truncated: false });
    expect(lease.text).toContain('The Tenant pays a security deposit of £1,670');
    const scan = await call('read_file', { path: 'Downloads/scan.pdf' });
    expect(scan).toMatchObject({ kind: 'pdf', text: expect.any(String), note: expect.stringContaining('scan') });
  });

  it('read_file outside the allow-list returns the guard’s refusal and reads nothing', async () => {
    const before = fx.audit.length;
    const result = await call('read_file', { path: join(fx.outside, 'secret.txt') });
    expect(result).toEqual({
      error: { code: 'path_refused', reason: 'outside_roots', message: expect.stringContaining('outside the allowed') },
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
    // A link inside an allowed folder that leads out is refused too.
    symlinkSync(join(fx.outside, 'secret.txt'), join(fx.desktop, 'link.txt'));
    const linked = await call('read_file', { path: 'Desktop/link.txt' });
    expect(linked).toMatchObject({ error: { code: 'path_refused', reason: 'symlink_escape' } });
    expect(JSON.stringify(linked)).not.toContain('hunter2');
    const traversal = await call('read_file', { path: 'Desktop/../Private/secret.txt' });
    expect(traversal).toMatchObject({ error: { code: 'path_refused' } });
    // Audited as refusals by this conversation; no read or open of the secret was ever attempted.
    const records = fx.audit.slice(before);
    expect(records.filter((r) => r.event === 'file.refused')).toHaveLength(3);
    expect(records.every((r) => r.who === 'chat:conv-files' && !r.ok)).toBe(true);
    expect(records.some((r) => r.action === 'read' && r.event !== 'file.refused')).toBe(false);
  });

  it('read_file on a folder or a missing file says so', async () => {
    expect(await call('read_file', { path: 'Desktop' })).toMatchObject({
      error: { code: 'bad_path', reason: 'is_a_directory' },
    });
    expect(await call('read_file', { path: 'Desktop/missing.pdf' })).toMatchObject({ error: { code: 'not_found' } });
    writeFileSync(join(fx.desktop, 'image.bin'), Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 9]));
    expect(await call('read_file', { path: 'Desktop/image.bin' })).toMatchObject({
      error: { code: 'unsupported_type' },
      path: join(fx.desktop, 'image.bin'),
    });
  });

  it('write_file creates a file atomically, making missing folders', async () => {
    const result = await call('write_file', {
      path: 'Desktop/notes/2026/summary.md',
      content: '# Итоги\n\nВсё хорошо.\n',
    });
    const path = join(fx.desktop, 'notes', '2026', 'summary.md');
    expect(result).toEqual({
      path,
      bytes: Buffer.byteLength('# Итоги\n\nВсё хорошо.\n'),
      replaced: false,
      created_folders: join(fx.desktop, 'notes', '2026'),
    });
    expect(readFileSync(path, 'utf8')).toBe('# Итоги\n\nВсё хорошо.\n');
    expect(readdirSync(join(fx.desktop, 'notes', '2026'))).toEqual(['summary.md']);
    expect(
      fx.audit.some((r) => r.event === 'file.write' && r.ok && r.path === path && r.who === 'chat:conv-files'),
    ).toBe(true);
  });

  it('write_file never replaces an existing file without overwrite: true, and replaces it atomically with it', async () => {
    const path = join(fx.desktop, 'todo.txt');
    const inode = statSync(path).ino;
    const refused = await call('write_file', { path: 'Desktop/todo.txt', content: 'gone' });
    expect(refused).toEqual({
      error: { code: 'exists', reason: 'exists', message: expect.stringContaining('overwrite: true') },
      path,
    });
    expect(readFileSync(path, 'utf8')).toBe('Buy milk.\nCall Anna about the lease.\n');
    expect(await call('write_file', { path: 'Desktop/todo.txt', content: 'gone', overwrite: false })).toMatchObject({
      error: { code: 'exists' },
    });

    const replaced = await call('write_file', { path: 'Desktop/todo.txt', content: 'Buy bread.\n', overwrite: true });
    expect(replaced).toEqual({ path, bytes: 11, replaced: true });
    expect(readFileSync(path, 'utf8')).toBe('Buy bread.\n');
    // A new file renamed over the old one (never truncated in place), and no temp file left behind.
    expect(statSync(path).ino).not.toBe(inode);
    expect(readdirSync(fx.desktop).filter((n) => n.startsWith('.titan-'))).toEqual([]);
  });

  it('write_file outside the allow-list or onto a folder writes nothing', async () => {
    expect(await call('write_file', { path: join(fx.outside, 'x.txt'), content: 'x' })).toMatchObject({
      error: { code: 'path_refused', reason: 'outside_roots' },
    });
    expect(readdirSync(fx.outside)).toEqual(['secret.txt']);
    expect(await call('write_file', { path: 'Desktop/Projects', content: 'x', overwrite: true })).toMatchObject({
      error: { code: 'bad_path', reason: 'is_a_directory' },
    });
  });

  it('ingest_file indexes a file now, then finds it unchanged; refuses folders and paths outside', async () => {
    expect(await call('ingest_file', { path: 'Downloads/lease_agreement_flat_12.docx' })).toEqual({
      path: join(fx.downloads, 'lease_agreement_flat_12.docx'),
      outcome: 'indexed',
      chunks: expect.any(Number),
    });
    expect(await call('ingest_file', { path: 'Downloads/lease_agreement_flat_12.docx' })).toMatchObject({
      outcome: 'unchanged',
    });
    expect(await call('ingest_file', { path: 'Downloads/service_agreement.pdf' })).toMatchObject({
      outcome: 'indexed',
    });
    expect(await call('ingest_file', { path: 'Downloads' })).toMatchObject({ error: { reason: 'is_a_directory' } });
    expect(await call('ingest_file', { path: 'Downloads/none.pdf' })).toMatchObject({ error: { code: 'not_found' } });
    expect(await call('ingest_file', { path: join(fx.outside, 'secret.txt') })).toMatchObject({
      error: { code: 'path_refused' },
    });
  });

  it('search_files ranks the ingested files for a question, with snippet, page and score', async () => {
    const result = await call('search_files', { query: 'how much is the security deposit for the flat', k: 3 });
    expect(result.results[0]).toEqual({
      path: join(fx.downloads, 'lease_agreement_flat_12.docx'),
      page: null,
      score: expect.any(Number),
      matches: expect.any(Number),
      snippet: expect.any(String),
      memory_id: expect.any(String),
    });
    const termination = await call('search_files', { query: 'termination notice period for the services agreement' });
    expect(termination.results[0]).toMatchObject({ path: join(fx.downloads, 'service_agreement.pdf'), page: 2 });
    expect(await call('search_files', { query: 'zzqx vvkw' })).toMatchObject({ results: [], note: expect.any(String) });
  });
});
