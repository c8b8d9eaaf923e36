// The single executable as a user runs it (built by `make build`; tests/run.sh builds it first): starts in empty
// folders with nothing but itself, serves health, the API docs and the web UI from its embedded files, and stops.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { homeEnv, runTitan, runToEnd, type TitanProcess, tempHome } from '../helpers/titanProcess.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const EXE = join(ROOT, 'dist', 'titan-linux-x64');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const homes: string[] = [];
function home(): string {
  const dir = tempHome();
  homes.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the single executable', () => {
  // Not a skip: a missing executable means the build step failed, and that must show as a failure.
  it('has been built', () => {
    expect(existsSync(EXE), `${EXE} is missing: run \`make build\``).toBe(true);
  });

  it('prints its version without starting the daemon', async () => {
    const dir = home();
    const r = await runToEnd([EXE, '--version'], homeEnv(dir));
    expect(r.code).toBe(0);
    expect(r.out).toBe(`titan ${VERSION}\n`);
  });

  describe('started in an empty home', () => {
    let dir: string;
    let p: TitanProcess;
    let url: string;
    let model: FakeModelServer;
    const KEY = 'sk-executable-test';

    beforeAll(async () => {
      dir = home();
      // A model that answers, so titan doctor has nothing to fail on.
      model = await start({ apiKey: KEY });
      mkdirSync(join(dir, 'titan'));
      writeFileSync(
        join(dir, 'titan', 'settings.json'),
        JSON.stringify({
          model: { provider: 'openai-compatible', base_url: model.url, api_key: KEY, model: 'gpt-test' },
        }),
      );
      // Started from the home, not the checkout: nothing may be read relative to the working directory.
      p = runTitan([EXE], { ...homeEnv(dir), PWD: dir });
      url = await p.url;
    });

    afterAll(async () => {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await model.stop();
    });

    const unpacked = () => {
      const folders = readdirSync(join(dir, '.cache', 'titan'));
      return { folders, path: join(dir, '.cache', 'titan', folders[0] as string) };
    };

    it('is healthy on the embedded engines, with pgvector loaded', async () => {
      const res = await fetch(`${url}/api/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        status: string;
        version: string;
        engines: Record<string, { engine: string; ok: boolean }>;
      };
      expect(body.status).toBe('ok');
      expect(body.version).toBe(VERSION);
      expect(body.engines.sql).toMatchObject({ engine: 'pglite', ok: true });
      expect(p.out()).toContain('engines: sql=pglite bus=embedded');
    });

    it('serves the Swagger UI and its assets from inside itself', async () => {
      const page = await fetch(`${url}/docs`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/docs/assets/swagger-ui-bundle.js');
      const js = await fetch(`${url}/docs/assets/swagger-ui-bundle.js`);
      expect(js.status).toBe(200);
      expect((await js.text()).length).toBeGreaterThan(100_000);
      const spec = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { version: string } };
      expect(spec.info.version).toBe(VERSION);
    });

    it('serves the PWA: the built index, its hashed script and the service worker', async () => {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');
      // The embedded copy of web/dist/index.html (compared with the unpacked one: web/dist may be rebuilt since).
      expect(html).toBe(readFileSync(join(unpacked().path, 'web', 'index.html'), 'utf8'));
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${url}${script}`)).status).toBe(200);
      expect((await fetch(`${url}/sw.js`)).status).toBe(200);
    });

    it('unpacked its assets once into a versioned folder of the user cache', () => {
      const { folders, path } = unpacked();
      expect(folders).toEqual([expect.stringMatching(new RegExp(`^${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{12}$`))]);
      expect(existsSync(join(path, 'compose', 'docker-compose.yml'))).toBe(true);
      expect(readdirSync(path).sort()).toEqual([
        '.complete',
        'compose',
        'pglite',
        'pgvector',
        'proto',
        'swagger-ui',
        'web',
      ]);
    });

    it('passes titan doctor, which finds this daemon on its port', async () => {
      const r = await runToEnd([EXE, 'doctor'], { ...homeEnv(dir), TITAN_PORT: new URL(url).port });
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`port: .*a Titan ${VERSION.replace(/\./g, '\\.')} is already running there`));
      expect(r.out).toMatch(/✓ model: /);
      expect(r.out).toContain('All checks passed.');
      expect(r.code).toBe(0);
    });

    it('exits 0 on SIGTERM', async () => {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    });
  });
});
