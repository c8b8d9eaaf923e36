// The offline embedder: deterministic across processes, unit length, and its similarities make sense in Russian and English.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EmbedderAbortedError } from '../errors/embedderAbortedError.ts';
import { EmptyTextError } from '../errors/emptyTextError.ts';
import { hash32, normalizeText, OFFLINE_MODEL, OfflineEmbedder } from './offline.ts';
import { stem } from './stem.ts';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(cos(a, a));

async function one(e: OfflineEmbedder, text: string): Promise<number[]> {
  const [v] = await e.embed([text]);
  if (!v) throw new Error('no vector');
  return v;
}

describe('OfflineEmbedder', () => {
  const e = new OfflineEmbedder({ dimensions: 384 });

  it('has a fixed model id and the configured dimensions', async () => {
    expect(e.model).toBe(OFFLINE_MODEL);
    expect(OFFLINE_MODEL).toBe('titan-ngram-v1');
    for (const dimensions of [8, 384, 3072]) {
      const v = await one(new OfflineEmbedder({ dimensions }), 'договор аренды');
      expect(v).toHaveLength(dimensions);
    }
  });

  it('gives the same vector for the same text in this process and in a child process', async () => {
    const text = 'Договор аренды квартиры, lease agreement №42 — Ёлка';
    const a = await one(e, text);
    expect(await one(new OfflineEmbedder({ dimensions: 384 }), text)).toEqual(a);
    const dir = mkdtempSync(join(tmpdir(), 'titan-offline-'));
    try {
      const script = join(dir, 'print.ts');
      const url = pathToFileURL(join(import.meta.dirname, 'offline.ts')).href;
      writeFileSync(
        script,
        `import { OfflineEmbedder } from ${JSON.stringify(url)};\n` +
          `const [v] = await new OfflineEmbedder({ dimensions: 384 }).embed([process.argv[2]]);\n` +
          `process.stdout.write(JSON.stringify(v));\n`,
      );
      const out = execFileSync(process.execPath, [script, text], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual(a);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns unit-length vectors that differ between texts', async () => {
    const texts = ['договор', 'invoice', 'a', '42', '!!!', 'Ёжик в тумане'];
    const vs = await e.embed(texts);
    for (const v of vs) expect(norm(v)).toBeCloseTo(1, 10);
    for (let i = 0; i < vs.length; i++) {
      for (let j = i + 1; j < vs.length; j++) expect(cos(vs[i] ?? [], vs[j] ?? [])).toBeLessThan(0.9);
    }
  });

  it('ranks Russian word forms above an unrelated text', async () => {
    const q = await one(e, 'договор аренды');
    const near = await one(e, 'договора аренды квартиры');
    const far = await one(e, 'счёт на оплату');
    expect(cos(q, near)).toBeGreaterThan(cos(q, far) + 0.3);
  });

  it('ranks English word forms above an unrelated text', async () => {
    const q = await one(e, 'lease agreement');
    const near = await one(e, 'the lease agreements');
    const far = await one(e, 'invoice');
    expect(cos(q, near)).toBeGreaterThan(cos(q, far) + 0.3);
  });

  it('spreads Russian and English texts over many dimensions (not degenerate)', async () => {
    for (const text of ['Договор аренды квартиры на улице Ленина', 'Lease agreement for the flat on Lenin street']) {
      const v = await one(e, text);
      expect(v.filter((x) => x !== 0).length).toBeGreaterThan(50);
      expect(Math.max(...v.map(Math.abs))).toBeLessThan(0.5);
    }
  });

  it('treats case, ё/е, NFKC forms and extra whitespace as the same text', async () => {
    const a = await one(e, 'Счёт  на\tоплату');
    expect(await one(e, 'счет на оплату')).toEqual(a);
    expect(await one(e, 'ﬁle')).toEqual(await one(e, 'file'));
    expect(normalizeText('  ÉCOLE\u00a0Ёж ')).toBe('école еж');
  });

  it('stems Russian and English word forms to one stem', () => {
    expect(new Set(['договор', 'договора', 'договоров', 'договором'].map(stem))).toEqual(new Set(['договор']));
    expect(new Set(['agreement', 'agreements'].map(stem))).toEqual(new Set(['agreement']));
    expect(new Set(['lease', 'leases', 'leased', 'leasing'].map(stem)).size).toBe(1);
    expect(stem('дом')).toBe('дом');
  });

  it('keeps the hash and the vectors of titan-ngram-v1 fixed (a change here needs a new model id)', async () => {
    expect(hash32(0x811c9dc5, '')).toBe(2872998923);
    expect(hash32(0x811c9dc5, 'договор')).toBe(3967239126);
    expect(hash32(0x811c9dc5, 'lease')).toBe(204703412);
    expect(hash32(0x811c9dc5, 'xleasex', 1, 6)).toBe(204703412);
    const v = await one(new OfflineEmbedder({ dimensions: 16 }), 'договор аренды');
    expect(v.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([
      0.097823, 0.097823, -0.195646, -0.195646, 0.097823, -0.342381, -0.29347, -0.097823, -0.195646, 0, 0.097823,
      0.440204, -0.391293, 0.489116, -0.195646, -0.097823,
    ]);
  });

  it('refuses an empty or whitespace-only text with a typed error naming its position', async () => {
    await expect(e.embed(['ok', '  \n '])).rejects.toMatchObject({ code: 'embedder_empty_text', index: 1 });
    await expect(e.embed([''])).rejects.toBeInstanceOf(EmptyTextError);
  });

  it('embeds a batch in order and honours an aborted signal', async () => {
    const [a, b] = await e.embed(['first', 'second']);
    expect(a).toEqual(await one(e, 'first'));
    expect(b).toEqual(await one(e, 'second'));
    await expect(e.embed(['x'], AbortSignal.abort())).rejects.toBeInstanceOf(EmbedderAbortedError);
  });
});
