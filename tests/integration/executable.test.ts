// The single executable as a user runs it (built by `make build`; tests/run.sh builds it first): starts in empty
// folders with nothing but itself, serves health, the API docs and the web UI from its embedded files, runs a plugin
// in its sandbox, and stops.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { readSse } from '../helpers/sse.ts';
import { homeEnv, runTitan, runToEnd, type TitanProcess, tempHome } from '../helpers/titanProcess.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const EXE = join(ROOT, 'dist', 'titan-linux-x64');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const PLUGINS = join(ROOT, 'tests', 'fixtures', 'plugins');

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
      // A model that answers, so titan doctor has nothing to fail on; memory extraction kept off the chat script.
      model = await start({ apiKey: KEY, structured: () => ({ text: 'not json' }) });
      mkdirSync(join(dir, 'titan'));
      // Plugins where a user installs them: the data dir's plugins/ folder.
      for (const name of ['well', 'hog']) {
        cpSync(join(PLUGINS, name), join(dir, 'titan', 'plugins', name), { recursive: true });
      }
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
        'plugin-runtime',
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

    describe('a plugin', () => {
      type Body = Record<string, unknown>;
      let token: string;
      const api = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
        const headers = new Headers(init.headers);
        if (token) headers.set('authorization', `Bearer ${token}`);
        if (init.json !== undefined) headers.set('content-type', 'application/json');
        const body = init.json === undefined ? init.body : JSON.stringify(init.json);
        return fetch(`${url}${path}`, { ...init, headers, body });
      };
      const plugin = async (name: string) =>
        ((await (await api('/api/plugins')).json()) as { plugins: Body[] }).plugins.find((p) => p.name === name);
      /** The assistant calls `tool` in a chat turn scripted on the model; the tool_result event's body. */
      const callInChat = async (tool: string, args: Record<string, unknown>) => {
        model.script({ reply: { toolCalls: [{ name: tool, arguments: args }] } }, { reply: { text: 'Done.' } });
        const conv = (await (await api('/api/chat/conversations', { method: 'POST', json: {} })).json()) as Body;
        const res = await api(`/api/chat/conversations/${conv.id}/messages`, {
          method: 'POST',
          json: { text: `Use ${tool}` },
        });
        expect(res.status).toBe(200);
        const events = await readSse(res);
        expect(events.at(-1)?.event).toBe('done');
        return events.find((e) => e.event === 'tool_result')?.data as Body;
      };

      beforeAll(async () => {
        const res = await api('/api/auth/setup', { method: 'POST', json: { password: 'executable plugin test' } });
        token = ((await res.json()) as { token: string }).token;
      });

      it('runs from the data dir’s plugins folder with its tools, as the hidden plugin-host command', async () => {
        await expect.poll(async () => (await plugin('well'))?.status).toBe('running');
        const well = await plugin('well');
        expect(well).toMatchObject({ status: 'running', reason: null, restarts: 0 });
        expect(((well?.tools ?? []) as Body[]).map((t) => t.name)).toContain('well_echo');
        // The process is the executable itself, not a Node found on PATH, loading the unpacked runtime.
        const runtime = join(unpacked().path, 'plugin-runtime', 'child.cjs');
        const cmdline = readFileSync(`/proc/${well?.pid}/cmdline`, 'utf8').split('\0');
        expect(cmdline.slice(0, 3)).toEqual([EXE, '__plugin-host', runtime]);
        // Node's options reach a single executable only through NODE_OPTIONS: the runtime file, never the whole cache.
        const environ = readFileSync(`/proc/${well?.pid}/environ`, 'utf8').split('\0');
        const pluginDir = join(dir, 'titan', 'plugins', 'well');
        expect(environ.find((e) => e.startsWith('NODE_OPTIONS='))).toBe(
          `NODE_OPTIONS="--permission" "--allow-fs-read=${runtime}" "--allow-fs-read=${pluginDir}" ` +
            '"--max-old-space-size=128" "--disable-warning=SecurityWarning" "--disable-warning=ExperimentalWarning"',
        );
      });

      it('answers a tool call the assistant makes in a chat turn', async () => {
        expect(await callInChat('well_echo', { text: 'from the executable' })).toMatchObject({
          name: 'well_echo',
          ok: true,
          result: { text: 'FROM THE EXECUTABLE' },
        });
      });

      it('reads its own folder but nothing else: the permission model refuses, the unpacked cache included', async () => {
        const own = join(dir, 'titan', 'plugins', 'well', 'plugin.json');
        expect(await callInChat('well_read_direct', { path: own })).toMatchObject({
          result: { text: expect.stringContaining('"name": "well"') },
        });
        writeFileSync(join(dir, 'Desktop', 'secret.txt'), 'not for plugins');
        // (Node lets a single executable read its own binary under the permission model: the code and assets in it.)
        for (const path of [join(dir, 'Desktop', 'secret.txt'), join(unpacked().path, 'web', 'index.html')]) {
          expect(await callInChat('well_read_direct', { path })).toMatchObject({
            ok: true,
            result: { refused: true, code: 'ERR_ACCESS_DENIED' },
          });
        }
        expect(await callInChat('well_spawn', {})).toMatchObject({ result: { code: 'ERR_ACCESS_DENIED' } });
        // No environment but the IPC channel's, NODE_ENV and TZ: the NODE_OPTIONS that carried the flags is gone.
        const env = (await callInChat('well_env', {})).result as { names: string[] };
        expect(env.names.filter((n) => !['NODE_ENV', 'TZ'].includes(n) && !n.startsWith('NODE_CHANNEL_'))).toEqual([]);
      });

      it('stops at its heap cap: out of memory, restarted, answering again', async () => {
        await expect.poll(async () => (await plugin('hog'))?.status).toBe('running');
        const grew = await callInChat('hog_grow', {});
        expect(grew).toMatchObject({ ok: false });
        expect(JSON.stringify(grew)).toContain('out of memory (over its 128 MB heap limit)');
        await expect.poll(async () => (await plugin('hog'))?.status, { timeout: 15_000 }).toBe('running');
        expect(await callInChat('hog_ping', {})).toMatchObject({ ok: true, result: 'pong' });
        expect((await fetch(`${url}/api/health`)).status).toBe(200);
      });
    });

    it('exits 0 on SIGTERM', async () => {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    });
  });
});
