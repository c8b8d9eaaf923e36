// Plugins on a real daemon: a well-behaved plugin's tools reach the registry, callTool and a chat turn; a plugin that
// throws, hangs, exits or runs out of memory is contained (restarted, then disabled with the reason) while the daemon
// keeps serving; the sandbox refuses files, hosts and programs not declared; the example plugin reacts to a download.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../bus/event.ts';
import { ulid } from '../../bus/ulid.ts';
import type { PluginHost } from '../../daemon/autonomy/plugins/host.ts';
import type { PluginsFeature } from '../../daemon/autonomy/plugins/index.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { serverEngines } from '../helpers/serverEngines.ts';
import { readSse } from '../helpers/sse.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'plugins');
const EXAMPLES = join(ROOT, 'plugins');

const streams = (systemRetries: number) =>
  ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1', 'errors.dlq'].map((name) => ({
    name,
    maxlen: 10_000,
    rate_limit: 1000,
    retry_limit: name === 'system.v1' ? systemRetries : name === 'errors.dlq' ? 0 : 3,
  }));

/** The next status change of a plugin that matches `type` (registered before the action that causes it). */
function nextStatus(host: PluginHost, name: string, type: string): Promise<Body> {
  return new Promise((resolve) => {
    const off = host.onStatus((n, e) => {
      if (n !== name || e.type !== type) return;
      off();
      resolve(e as unknown as Body);
    });
  });
}

function pluginsSuite(name: string, engines: () => Promise<Engines>) {
  describe(`plugins: ${name}`, () => {
    let model: FakeModelServer;
    let d: TestDaemon;
    let env: Engines;
    let token: string;
    let host: PluginHost;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      let body: Body = {};
      try {
        body = text ? (JSON.parse(text) as Body) : {};
      } catch {
        body = { text };
      }
      return { status: res.status, body };
    };
    const plugin = async (n: string) =>
      ((await call('/api/plugins')).body.plugins as Body[]).find((p) => p.name === n) as Body;
    /** The daemon still answers: health, and a files request through the guard. */
    const stillServing = async () => {
      expect((await d.request('/api/health')).status).toBe(200);
      const listing = await call('/api/files?path=Desktop');
      expect(listing.status).toBe(200);
    };
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected the call to fail');
        },
        (err: Error & { code?: string }) => ({ code: err.code, message: err.message }),
      );

    beforeAll(async () => {
      model = await start({ structured: () => ({ text: 'not json' }) });
      env = await engines();
      d = await startDaemon({
        ...env.settings,
        model: {
          provider: 'openai-compatible',
          base_url: model.url,
          api_key: 'test-key',
          model: 'fake-chat',
          temperature: 0.3,
          max_tokens: 512,
        },
        bus: { streams: streams(1) },
        plugins: {
          enabled: true,
          dirs: [FIXTURES, EXAMPLES],
          disabled: [],
          watch: true,
          call_timeout_ms: 2000,
          event_timeout_ms: 2000,
          start_timeout_ms: 15_000,
          memory_mb: 32,
          max_restarts: 2,
          restart_window_s: 600,
          backoff_ms: 10,
          backoff_max_ms: 40,
        },
      });
      token = await d.login();
      host = (d.titan.autonomy.find((f) => f.name === 'plugins') as PluginsFeature).host;
    }, 120_000);
    afterAll(async () => {
      await d?.stop();
      await model?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('lists every plugin with its status, and a bad manifest as invalid with the reason per field', async () => {
      const res = await call('/api/plugins');
      expect(res.status).toBe(200);
      const byName = Object.fromEntries((res.body.plugins as Body[]).map((p) => [p.name, p]));
      for (const n of ['well', 'thrower', 'hanger', 'exiter', 'hog', 'downloads-notifier']) {
        expect(byName[n], n).toMatchObject({ status: 'running', reason: null, restarts: 0 });
      }
      expect(byName.broken?.status).toBe('invalid');
      expect(byName.broken?.reason).toContain('version: version looks like "1.0.0"');
      expect(byName.broken?.reason).toContain('tools.0.name');
      expect(byName.well).toMatchObject({ version: '1.2.0', permissions: { network: ['allowed.invalid'] } });
      const echo = ((byName.well?.tools ?? []) as Body[]).find((t) => t.tool === 'echo');
      expect(echo).toMatchObject({ name: 'well_echo', risk: 'read' });
      const docs = await d.request('/api/plugins/well/docs', { token });
      expect(docs.headers.get('content-type')).toContain('text/markdown');
      const md = await docs.text();
      expect(md).toContain('# well 1.2.0');
      expect(md).toContain('### `well_echo`');
      expect(md).toContain('"minLength": 1');
      expect((await call('/api/plugins/broken/docs')).status).toBe(409);
      expect((await call('/api/plugins/nobody/docs')).status).toBe(404);
      const openapi = (await (await d.request('/openapi.json')).json()) as { paths: Body };
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining(['/api/plugins', '/api/plugins/{name}/docs', '/api/plugins/reload']),
      );
    });

    it('offers the tools in the registry with their JSON schema and risk, and runs them through callTool', async () => {
      const tool = d.titan.tools.get('well_echo');
      expect(tool?.risk).toBe('read');
      expect(tool?.parameters).toMatchObject({ required: ['text'] });
      expect(d.titan.tools.get('well_save')?.risk).toBe('write');
      expect(d.titan.tools.ownerOf('hanger_spin')).toBe('plugin:hanger');
      expect(await host.callTool('well', 'echo', { text: 'hi' })).toEqual({ text: 'HI' });
      expect(await failure(host.callTool('well', 'echo', { text: 3 }))).toMatchObject({ code: 'invalid_arguments' });
      expect(await failure(host.callTool('well', 'nope', {}))).toMatchObject({ code: 'plugin_unknown_tool' });
      expect(await failure(host.callTool('nobody', 'echo', {}))).toMatchObject({ code: 'plugin_not_found' });
      // GET /api/tools lists them beside the built-in ones, with who provides them and the approval chat applies.
      const listed = (await call('/api/tools')).body.tools as Body[];
      expect(listed.find((t) => t.name === 'read_file')).toMatchObject({ source: 'built-in', risk: 'read' });
      expect(listed.find((t) => t.name === 'well_echo')).toMatchObject({
        source: 'plugin:well',
        risk: 'read',
        approval: 'auto',
        parameters: { required: ['text'] },
      });
      expect(listed.find((t) => t.name === 'well_save')).toMatchObject({ risk: 'write', approval: 'ask' });
    });

    it('lets the assistant call a plugin tool in a chat turn', async () => {
      model.script(
        { reply: { toolCalls: [{ name: 'well_echo', arguments: { text: 'hello plugin' } }] } },
        { reply: { text: 'It said HELLO PLUGIN.' } },
      );
      const conv = await call('/api/chat/conversations', { method: 'POST', json: {} });
      const res = await d.request(`/api/chat/conversations/${conv.body.id}/messages`, {
        method: 'POST',
        token,
        json: { text: 'Ask the plugin to echo' },
      });
      const events = await readSse(res);
      const call_ = events.find((e) => e.event === 'tool_call')?.data as Body;
      expect(call_.approval).toBe('auto');
      const result = events.find((e) => e.event === 'tool_result')?.data as Body;
      expect(result).toMatchObject({ name: 'well_echo', ok: true, result: { text: 'HELLO PLUGIN' } });
      expect(events.at(-1)?.event).toBe('done');
    });

    it('refuses files outside the declared folders, undeclared hosts, programs, and passes no secrets', async () => {
      const desk = join(d.userHome, 'Desktop');
      mkdirSync(join(desk, 'shared'), { recursive: true });
      writeFileSync(join(desk, 'shared', 'ok.txt'), 'shared text');
      writeFileSync(join(desk, 'secret.txt'), 'not for plugins');
      // The permission model: no direct reads outside the plugin's own folder, not even inside declared ones.
      expect(await host.callTool('well', 'read_direct', { path: join(desk, 'secret.txt') })).toMatchObject({
        refused: true,
        code: 'ERR_ACCESS_DENIED',
      });
      // Through the daemon: the declared folder is readable, the rest of the allowed folders are not.
      expect(await host.callTool('well', 'read_via_host', { path: 'Desktop/shared/ok.txt' })).toMatchObject({
        text: 'shared text',
      });
      expect(await host.callTool('well', 'read_via_host', { path: 'Desktop/secret.txt' })).toMatchObject({
        refused: true,
        code: 'plugin_refused',
      });
      expect(await host.callTool('well', 'read_via_host', { path: '/etc/passwd' })).toMatchObject({
        refused: true,
        code: 'path_refused',
      });
      expect(await host.callTool('well', 'save', { path: 'Desktop/shared/note.txt', text: 'n' })).toMatchObject({
        bytes: 1,
      });
      const outside = await failure(host.callTool('well', 'save', { path: 'Desktop/note.txt', text: 'n' }));
      expect(outside.message).toContain('may not write');
      // Network: undeclared hosts are refused before any connection; a declared one gets as far as DNS.
      expect(await host.callTool('well', 'fetch', { url: 'http://undeclared.invalid/' })).toMatchObject({
        code: 'ERR_NETWORK_REFUSED',
      });
      const port = Number(new URL(d.url).port);
      expect(await host.callTool('well', 'connect', { host: '127.0.0.1', port })).toMatchObject({
        code: 'ERR_NETWORK_REFUSED',
      });
      const declared = (await host.callTool('well', 'fetch', { url: 'http://allowed.invalid/' })) as Body;
      expect(declared.code).not.toBe('ERR_NETWORK_REFUSED');
      expect(await host.callTool('well', 'spawn', {})).toMatchObject({ code: 'ERR_ACCESS_DENIED' });
      const names = ((await host.callTool('well', 'env', {})) as { names: string[] }).names;
      expect(
        names.filter((n) => !['NODE_ENV', 'TZ', 'NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'].includes(n)),
      ).toEqual([]);
      await stillServing();
    });

    it('contains a plugin that throws: an error result, and the same process keeps running', async () => {
      const before = await plugin('thrower');
      expect(await failure(host.callTool('thrower', 'boom', {}))).toMatchObject({
        code: 'plugin_tool_failed',
        message: expect.stringContaining('boom: the plugin broke'),
      });
      expect(await host.callTool('thrower', 'stray', {})).toBe('answered anyway');
      expect(await host.callTool('thrower', 'ok', {})).toBe('still here');
      expect(await plugin('thrower')).toMatchObject({ status: 'running', restarts: 0, pid: before.pid });
      await stillServing();
    });

    it('retries a failing event handler through the bus, never twice to a plugin that handled it', async () => {
      const marker = ulid();
      const dead = new Promise<void>((resolve) => {
        const onAudit = (line: Body) => {
          if (line.event !== 'bus.dlq' || line.group !== 'plugins' || line.topic !== 'system.v1') return;
          if (!String(line.error).includes('thrower')) return;
          d.titan.logs.feed.off('audit', onAudit);
          resolve();
        };
        d.titan.logs.feed.on('audit', onAudit);
      });
      const id = await d.titan.bus.publish('system.v1', 'test.ping', { marker }, { source: 'test' });
      await dead;
      // retry_limit 1: the first delivery and one retry, then the dead-letter queue.
      expect(await host.callTool('thrower', 'attempts', { marker })).toBe(2);
      const seen = ((await host.callTool('well', 'seen', {})) as { events: Body[] }).events;
      expect(seen.filter((e) => (e.payload as Body).marker === marker)).toHaveLength(1);
      expect(id).toMatch(/^[0-9A-Z]{26}$/);
    });

    it('kills and restarts a plugin that hangs; the call fails with a timeout', async () => {
      const restarted = nextStatus(host, 'hanger', 'started');
      const crashed = nextStatus(host, 'hanger', 'crashed');
      expect(await failure(host.callTool('hanger', 'spin', {}))).toMatchObject({ code: 'plugin_timeout' });
      expect((await crashed).reason).toContain('did not finish within 2000 ms');
      await stillServing();
      await restarted;
      expect(await host.callTool('hanger', 'ping', {})).toBe('pong');
      expect(await plugin('hanger')).toMatchObject({ status: 'running', restarts: 1 });
    });

    it('restarts a plugin that exits, then disables it after repeated exits with the reason shown', async () => {
      for (let i = 1; i <= 2; i++) {
        const restarted = nextStatus(host, 'exiter', 'started');
        expect(await failure(host.callTool('exiter', 'exit', {}))).toMatchObject({ code: 'plugin_crashed' });
        await restarted;
        expect(await plugin('exiter')).toMatchObject({ status: 'running', restarts: i });
        await stillServing();
      }
      const disabled = nextStatus(host, 'exiter', 'disabled');
      await failure(host.callTool('exiter', 'exit', {}));
      await disabled;
      const view = await plugin('exiter');
      expect(view.status).toBe('disabled');
      expect(view.reason).toContain('3 failures');
      expect(view.reason).toContain('exited with code 3');
      expect(view.reason).toContain('leaving on purpose');
      expect(d.titan.tools.get('exiter_ping')).toBeUndefined();
      expect(await failure(host.callTool('exiter', 'ping', {}))).toMatchObject({ code: 'plugin_unavailable' });
      await stillServing();
      // The user fixes it and tries again.
      const enabled = await call('/api/plugins/exiter/enable', { method: 'POST' });
      expect(enabled.body).toMatchObject({ status: 'running', restarts: 0, reason: null });
      expect(await host.callTool('exiter', 'ping', {})).toBe('pong');
      expect(d.titan.tools.get('exiter_ping')).toBeDefined();
    });

    it('contains a memory blow-up: the heap limit ends the process, the reason says so, it restarts', async () => {
      const crashed = nextStatus(host, 'hog', 'crashed');
      const restarted = nextStatus(host, 'hog', 'started');
      expect(await failure(host.callTool('hog', 'grow', {}))).toMatchObject({ code: 'plugin_crashed' });
      expect((await crashed).reason).toContain('out of memory');
      await stillServing();
      await restarted;
      expect(await host.callTool('hog', 'ping', {})).toBe('pong');
    });

    it('turns a plugin off and on through the API; off is remembered in settings', async () => {
      const off = await call('/api/plugins/well/disable', { method: 'POST' });
      expect(off.body).toMatchObject({ status: 'disabled', reason: 'turned off by the user' });
      expect(d.titan.settings.get().plugins.disabled).toEqual(['well']);
      expect(d.titan.tools.get('well_echo')).toBeUndefined();
      const on = await call('/api/plugins/well/enable', { method: 'POST' });
      expect(on.body).toMatchObject({ status: 'running' });
      expect(d.titan.settings.get().plugins.disabled).toEqual([]);
      expect(await host.callTool('well', 'echo', { text: 'back' })).toEqual({ text: 'BACK' });
      expect((await call('/api/plugins/broken/enable', { method: 'POST' })).status).toBe(409);
    });

    it('loads a new plugin folder, reloads it when its code changes and drops it when it is removed', async () => {
      const dir = join(d.home, 'plugins', 'late');
      const manifest = {
        name: 'late',
        version: '0.1.0',
        description: 'Arrives while the daemon runs.',
        tools: [{ name: 'hello', description: 'Says hello.', risk: 'read' }],
      };
      const started = nextStatus(host, 'late', 'started');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.mjs'), "export default { tools: { hello: () => 'v1' } };");
      writeFileSync(join(dir, 'plugin.json'), JSON.stringify(manifest));
      await started;
      expect(await host.callTool('late', 'hello', {})).toBe('v1');
      const again = nextStatus(host, 'late', 'started');
      writeFileSync(join(dir, 'index.mjs'), "export default { tools: { hello: () => 'v2 is longer' } };");
      await again;
      expect(await host.callTool('late', 'hello', {})).toBe('v2 is longer');
      const stopped = nextStatus(host, 'late', 'stopped');
      rmSync(dir, { recursive: true });
      await stopped;
      expect(d.titan.tools.get('late_hello')).toBeUndefined();
      const list = await call('/api/plugins/reload', { method: 'POST' });
      expect((list.body.plugins as Body[]).map((p) => p.name)).not.toContain('late');
    });

    it('the example plugin notices a new file in Downloads and publishes a plugin.v1 notify event', async () => {
      let onNotify: (e: BusEvent) => void = () => {};
      const notified = new Promise<BusEvent>((resolve) => {
        onNotify = resolve;
      });
      // The subscription exists before the file appears.
      const sub = await d.titan.bus.subscribe('plugin.v1', `test-${ulid()}`, (e) => {
        if (e.event_type === 'notify' && e.meta.source === 'plugin:downloads-notifier') onNotify(e);
      });
      cpSync(join(FIXTURES, 'well', 'plugin.json'), join(d.userHome, 'Downloads', 'report.json'));
      const event = await notified;
      expect(event.payload).toMatchObject({
        plugin: 'downloads-notifier',
        title: 'New download',
        body: expect.stringContaining('report.json'),
      });
      const recent = (await host.callTool('downloads-notifier', 'recent', { limit: 5 })) as Body;
      expect((recent.files as Body[])[0]).toMatchObject({ name: 'report.json' });
      expect(String(recent.summary)).toContain('report.json');
      await d.titan.bus.unsubscribe(sub);
    }, 60_000);

    it('stops every plugin when plugins are turned off in settings, and starts them when turned on', async () => {
      const current = (await call('/api/settings')).body as Body;
      const plugins = current.plugins as Body;
      const stopped = nextStatus(host, 'well', 'stopped');
      const off = await call('/api/settings', {
        method: 'PUT',
        json: { ...current, plugins: { ...plugins, enabled: false } },
      });
      expect(off.status).toBe(200);
      await stopped;
      expect(d.titan.tools.list().filter((t) => t.name.startsWith('well_'))).toEqual([]);
      const started = nextStatus(host, 'well', 'started');
      await call('/api/settings', { method: 'PUT', json: { ...current, plugins: { ...plugins, enabled: true } } });
      await started;
      expect(await host.callTool('well', 'echo', { text: 'on' })).toEqual({ text: 'ON' });
      await stillServing();
    });
  });
}

pluginsSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));
pluginsSuite('Redis + Postgres + Neo4j', () => serverEngines(9));
