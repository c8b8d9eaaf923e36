// The files API end to end on a real daemon: the fixture folder copied into a temp Desktop/Downloads is rescanned and
// searchable («покажи договор PDF» → the contract PDF; "show me the lease agreement" → the lease); listing, Range
// downloads, streamed uploads, trash and restore, rename, refusals with audit records, and the watcher — on the
// embedded engines and on Redis + Postgres + Neo4j.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR, FIXTURES } from '../fixtures/files/fixtures.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { serverEngines } from '../helpers/serverEngines.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

/** Contracts and invoices land in Downloads, the rest on the Desktop, as a user's would. */
const inDownloads = (name: string) => /договор|agreement|счёт|invoice|statement|report/i.test(name);

async function until<T>(what: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function filesApiSuite(name: string, engines: () => Promise<Engines>) {
  describe(`files API: ${name}`, () => {
    let d: TestDaemon;
    let token: string;
    let env: Engines;
    let desk: string;
    let down: string;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : {}) as Body };
    };
    const search = async (q: string) =>
      ((await call(`/api/files/search?q=${encodeURIComponent(q)}&k=5`)).body.results as Body[]).map((r) => r.path);
    let rescanId = '';
    const rescanDone = async () => {
      const job = (await call(`/api/files/jobs/${rescanId}`)).body;
      return job.state === 'running' ? undefined : job;
    };

    beforeAll(async () => {
      env = await engines();
      // The folders are filled before the daemon starts: its first rescan must find them (as after time offline).
      d = await startDaemon({ ...env.settings, folders: { allowed: [], trash_days: 30, watch: true } });
      desk = join(d.userHome, 'Desktop');
      down = join(d.userHome, 'Downloads');
      token = await d.login();
      for (const f of readdirSync(FIXTURE_DIR))
        copyFileSync(join(FIXTURE_DIR, f), join(inDownloads(f) ? down : desk, f));
      // The start-up rescan may still be running (a request would join it): wait it out, then rescan for real.
      await until(async () => {
        const jobs = (await call('/api/files/jobs')).body.jobs as Body[];
        return jobs.some((j) => j.state === 'running') ? undefined : true;
      });
      rescanId = String((await call('/api/files/rescan', { method: 'POST' })).body.id);
      await until(rescanDone, 120_000);
    }, 180_000);
    afterAll(async () => {
      await d?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('finds the contract PDF first for «покажи договор PDF» and the lease for "show me the lease agreement"', async () => {
      expect((await search('покажи договор PDF'))[0]).toBe(join(down, FIXTURES.contractRu));
      expect((await search('show me the lease agreement'))[0]).toBe(join(down, FIXTURES.leaseEn));
      const hit = (
        (await call(`/api/files/search?q=${encodeURIComponent('договор оказания услуг')}`)).body.results as Body[]
      )[0];
      expect(hit).toMatchObject({ path: join(down, FIXTURES.contractRu), page: expect.any(Number) });
      expect(String(hit?.snippet).length).toBeGreaterThan(20);
    });

    it('reports what the rescan did and each file’s ingest status in listings', async () => {
      const job = (await rescanDone()) as Body;
      expect(job.state).toBe('done');
      expect(job.total).toBeGreaterThanOrEqual(20);
      expect(job.done).toBe(job.total);
      // The watcher may have indexed some files first: the rescan then finds them unchanged.
      const o = job.outcomes as Record<string, number>;
      expect((o.indexed ?? 0) + (o.unchanged ?? 0)).toBeGreaterThanOrEqual(15);
      expect(o.failed).toBeGreaterThanOrEqual(2);
      const roots = (await call('/api/files')).body.roots as Body[];
      expect(roots.map((r) => r.path)).toEqual([desk, down]);
      const listing = await call('/api/files?path=Desktop');
      const entries = listing.body.entries as Body[];
      const scan = entries.find((e) => e.name === FIXTURES.scan);
      expect(scan?.ingest).toMatchObject({ status: 'no_text' });
      expect(entries.find((e) => e.name === FIXTURES.recipe)?.ingest).toMatchObject({ status: 'indexed' });
      expect(entries.find((e) => e.name === FIXTURES.image)?.ingest).toBeNull();
      const one = await call(`/api/files?path=${encodeURIComponent(join(down, FIXTURES.contractRu))}`);
      expect(one.body).toMatchObject({ kind: 'file', ingest: { status: 'indexed', kind: 'pdf', pages: 3 } });
      const broken = await call(`/api/files?path=${encodeURIComponent(`Downloads/${FIXTURES.truncatedPdf}`)}`);
      expect(broken.body.ingest).toMatchObject({ status: 'failed', error: expect.any(String) });
    });

    it('downloads whole files and byte ranges with the exact name', async () => {
      const path = `Downloads/${FIXTURES.contractRu}`;
      const bytes = readFileSync(join(down, FIXTURES.contractRu));
      const whole = await d.request(`/api/files/download?path=${encodeURIComponent(path)}`, { token });
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('application/pdf');
      expect(whole.headers.get('content-disposition')).toContain(
        `filename*=UTF-8''${encodeURIComponent(FIXTURES.contractRu)}`,
      );
      expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
      const part = await d.request(`/api/files/download?path=${encodeURIComponent(path)}`, {
        token,
        headers: { range: 'bytes=10-19' },
      });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
      const past = await call(`/api/files/download?path=${encodeURIComponent(path)}`, {
        headers: { range: `bytes=${bytes.length}-` },
      });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    });

    it('uploads by streaming, never overwrites silently, and makes the upload searchable', async () => {
      const form = () => {
        const f = new FormData();
        f.append(
          'file',
          new Blob(['Квитанция за электричество: 1 234 рубля, оплатить до 10 декабря.']),
          'квитанция.txt',
        );
        return f;
      };
      const first = await call('/api/files/upload?path=Downloads', { method: 'POST', body: form() });
      expect(first.status).toBe(201);
      expect((first.body.files as Body[])[0]).toMatchObject({
        path: join(down, 'квитанция.txt'),
        bytes: expect.any(Number),
      });
      const second = await call('/api/files/upload?path=Downloads', { method: 'POST', body: form() });
      expect((second.body.files as Body[])[0]).toMatchObject({ path: join(down, 'квитанция (1).txt') });
      const over = new FormData();
      over.append('file', new Blob(['replaced']), 'квитанция.txt');
      const replaced = await call('/api/files/upload?path=Downloads&overwrite=true', { method: 'POST', body: over });
      expect(replaced.status).toBe(201);
      expect(readFileSync(join(down, 'квитанция.txt'), 'utf8')).toBe('replaced');
      expect(
        await until(async () =>
          (await search('квитанция электричество')).includes(join(down, 'квитанция (1).txt')) ? true : undefined,
        ),
      ).toBe(true);
    });

    it('refuses bad uploads with a status that says why and leaves nothing behind', async () => {
      const notForm = await call('/api/files/upload?path=Downloads', { method: 'POST', json: { a: 1 } });
      expect(notForm.status).toBe(415);
      // Like browsers, the parser keeps only the last segment of a sent name: "../escape.txt" lands as escape.txt.
      const sneaky = new FormData();
      sneaky.append('file', new Blob(['x']), '../escape.txt');
      const kept = await call('/api/files/upload?path=Downloads', { method: 'POST', body: sneaky });
      expect((kept.body.files as Body[])[0]).toMatchObject({ path: join(down, 'escape.txt') });
      expect(existsSync(join(d.userHome, 'escape.txt'))).toBe(false);
      const spoofed = new FormData();
      spoofed.append('file', new Blob(['x']), 'invoice\u202Efdp.exe');
      const refused = await call('/api/files/upload?path=Downloads', { method: 'POST', body: spoofed });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'path_refused' } });
      expect(readdirSync(down).some((n) => n.includes('fdp.exe') || n.startsWith('.titan-'))).toBe(false);
      const outside = new FormData();
      outside.append('file', new Blob(['x']), 'a.txt');
      const out = await call(`/api/files/upload?path=${encodeURIComponent(d.userHome)}`, {
        method: 'POST',
        body: outside,
      });
      expect(out.status).toBe(403);
      expect(out.body).toMatchObject({ error: { code: 'path_refused' } });
    });

    it('moves deleted files to the trash: gone from search, and back after a restore', async () => {
      const path = join(down, FIXTURES.leaseEn);
      const del = await call(`/api/files?path=${encodeURIComponent(path)}`, { method: 'DELETE' });
      expect(del.status).toBe(200);
      expect(existsSync(path)).toBe(false);
      await until(async () => ((await search('show me the lease agreement')).includes(path) ? undefined : true));
      const trash = (await call('/api/files/trash')).body.items as Body[];
      expect(trash[0]).toMatchObject({ id: del.body.id, original_path: path, kind: 'file' });
      const restored = await call(`/api/files/trash/${del.body.id}/restore`, { method: 'POST' });
      expect(restored.body).toEqual({ path });
      await until(async () => ((await search('show me the lease agreement'))[0] === path ? true : undefined));
      expect((await call('/api/files/trash/01ARZ3NDEKTSV4RRFFQ69G5FAV/restore', { method: 'POST' })).status).toBe(404);
    });

    it('renames a file and its search results follow it', async () => {
      const from = join(desk, FIXTURES.recipe);
      const to = join(desk, 'borscht_recipe.md');
      const res = await call('/api/files/rename', { method: 'POST', json: { from, to } });
      expect(res.status).toBe(200);
      await until(async () => ((await search('рецепт борща свёкла'))[0] === to ? true : undefined));
      expect(await search('рецепт борща свёкла')).not.toContain(from);
    });

    it('picks up a file that lands in Downloads through the watcher', async () => {
      writeFileSync(join(down, 'boarding_pass.txt.part'), 'partial');
      writeFileSync(join(down, 'boarding_pass.txt'), 'Boarding pass: flight TK1724 to Istanbul, gate B12, seat 14C.');
      await until(async () =>
        (await search('boarding pass gate seat'))[0] === join(down, 'boarding_pass.txt') ? true : undefined,
      );
      expect(
        ((await call('/api/files?path=Downloads')).body.entries as Body[]).find(
          (e) => e.name === 'boarding_pass.txt.part',
        )?.ingest,
      ).toBeNull();
    });

    it('refuses paths outside the allowed folders with 403 or 400 and audits each refusal', async () => {
      const cases: [string, number][] = [
        ['../../etc/passwd', 403],
        ['/etc/passwd', 403],
        [`${d.userHome}/Desktop2/x`, 403],
        ['Desktop/a\u0000b', 400],
        ['~/Desktop/x', 400],
      ];
      for (const [path, status] of cases) {
        const res = await call(`/api/files/download?path=${encodeURIComponent(path)}`);
        expect(res.status, path).toBe(status);
        expect((res.body.error as Body).message, path).toEqual(expect.any(String));
      }
      const audit = await until(async () => {
        const lines = (await call('/api/logs/audit?limit=200')).body.lines as Body[] | undefined;
        return lines?.some((l) => l.event === 'file.refused') ? lines : undefined;
      });
      expect(audit.filter((l) => l.event === 'file.refused').length).toBeGreaterThanOrEqual(cases.length);
      expect(audit.some((l) => l.event === 'file.allowed')).toBe(true);
    });

    it('reports the allowed folders in /api/health', async () => {
      const health = await call('/api/health');
      expect(health.body.folders).toEqual([
        { path: desk, exists: true },
        { path: down, exists: true },
      ]);
    });
  });
}

filesApiSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));

filesApiSuite('Redis + Postgres + Neo4j', () => serverEngines(5));
