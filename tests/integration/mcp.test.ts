// MCP end to end with the SDK's own client: Titan's tools over stdio (`titan mcp` in its own process, alone and
// relaying to a daemon) and over POST /mcp (token, Host/Origin, stateless), escapes refused by the guard and audited,
// writes gated by mcp.allow_writes; and Titan as a client of a fixture MCP server — its tools in chat, a killed
// server's tools withdrawn, its failed restarts shown, its return picked up.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolRegistry } from '../../daemon/chat/toolRegistry.ts';
import type { LogLine } from '../../daemon/logs/logs.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { rawRequest, startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { serverEngines } from '../helpers/serverEngines.ts';
import { readSse } from '../helpers/sse.ts';

type Body = Record<string, unknown>;
const FIXTURES = join(import.meta.dirname, '../fixtures/mcp');
const TITAN_MCP = join(FIXTURES, 'titanMcpStdio.ts');
const ECHO_SERVER = join(FIXTURES, 'echoServer.ts');
const SECRET = 'the passwd file holds root:x:0:0';

/** A Desktop with a note, and beside it a folder that is not allowed, reachable only by escapes. */
function seedHome(userHome: string): void {
  mkdirSync(join(userHome, 'Desktop'), { recursive: true });
  mkdirSync(join(userHome, 'Downloads'), { recursive: true });
  mkdirSync(join(userHome, 'Private'), { recursive: true });
  writeFileSync(join(userHome, 'Desktop', 'wifi.txt'), 'The wifi password is lighthouse-42.');
  writeFileSync(join(userHome, 'Private', 'secret.txt'), SECRET);
  symlinkSync(join(userHome, 'Private', 'secret.txt'), join(userHome, 'Desktop', 'shortcut.txt'));
}

const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

/** What every MCP transport must do: list, read, search memory, and refuse escapes with the guard's reason. */
async function commonChecks(client: Client, userHome: string): Promise<void> {
  const { tools } = await client.listTools();
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const name of ['list_files', 'read_file', 'write_file', 'memory_search', 'memory_save', 'graph_query']) {
    expect(byName.has(name), name).toBe(true);
  }
  expect(byName.get('read_file')?.annotations).toMatchObject({ readOnlyHint: true });
  expect(byName.get('write_file')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  expect(byName.get('read_file')?.inputSchema).toMatchObject({ type: 'object', required: ['path'] });

  const listed = await client.callTool({ name: 'list_files', arguments: { path: 'Desktop' } });
  expect(listed.isError).toBeFalsy();
  expect(text(listed)).toContain('wifi.txt');
  const read = await client.callTool({ name: 'read_file', arguments: { path: 'Desktop/wifi.txt' } });
  expect(text(read)).toContain('lighthouse-42');

  const saved = await client.callTool({
    name: 'memory_save',
    arguments: { text: 'The user keeps the spare key under the blue flowerpot.' },
  });
  expect(saved.isError).toBeFalsy();
  const found = await client.callTool({ name: 'memory_search', arguments: { query: 'where is the spare key' } });
  expect(text(found)).toContain('blue flowerpot');

  for (const path of ['../../etc/passwd', join(userHome, 'Private', 'secret.txt'), 'Desktop/shortcut.txt']) {
    const refused = await client.callTool({ name: 'read_file', arguments: { path } });
    expect(refused.isError, path).toBe(true);
    expect(JSON.parse(text(refused)).error, path).toMatchObject({ code: 'path_refused', reason: expect.any(String) });
    expect(text(refused)).not.toContain(SECRET);
  }
  const write = await client.callTool({ name: 'write_file', arguments: { path: 'Desktop/x.txt', content: 'x' } });
  expect(write.isError).toBe(true);
  expect(JSON.parse(text(write)).error).toMatchObject({ code: 'approval_unavailable' });
  expect(existsSync(join(userHome, 'Desktop', 'x.txt'))).toBe(false);
}

/** The audit lines of MCP tool calls refused for an escape, by `who`. */
function escapesAudited(lines: Body[], who: string): void {
  const refusals = lines.filter((l) => l.event === 'mcp.tool' && l.who === who && l.code === 'path_refused');
  expect(refusals.length).toBeGreaterThanOrEqual(3);
  expect(refusals.every((l) => l.tool === 'read_file' && l.outcome === 'error' && typeof l.reason === 'string')).toBe(
    true,
  );
  expect(lines.some((l) => l.who === who && l.code === 'approval_unavailable' && l.outcome === 'refused')).toBe(true);
}

function stdioClient(env: Record<string, string>, name: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [TITAN_MCP],
    env: { ...getDefaultEnvironment(), ...env },
    stderr: 'pipe',
  });
  return { transport, client: new Client({ name, version: '1.0.0' }) };
}

describe('mcp: titan mcp over stdio, no daemon running', () => {
  let home: string;
  let userHome: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'titan-mcp-'));
    userHome = join(home, 'user');
    seedHome(userHome);
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ folders: { allowed: [], trash_days: 30, watch: false } }),
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('serves the data dir in its own process; escapes are refused and audited as mcp:<client>', async () => {
    const { client, transport } = stdioClient({ TITAN_HOME: home, HOME: userHome, TITAN_PORT: '0' }, 'stdio-test');
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('titan');
    await commonChecks(client, userHome);
    await client.close();
    expect(stderr).toContain('no daemon is running');
    // The process closed Titan on stdin's end, so its audit file is complete.
    const audit = readFileSync(join(home, 'logs', 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Body);
    escapesAudited(audit, 'mcp:stdio-test');
    expect(audit.some((l) => l.event === 'file.refused' && l.who === 'mcp:stdio-test')).toBe(true);
  }, 90_000);
});

function httpSuite(name: string, engines: () => Promise<{ settings: Body; cleanup(home: string): Promise<void> }>) {
  describe(`mcp: POST /mcp on a daemon (${name})`, () => {
    let d: TestDaemon;
    let token: string;
    let env: Awaited<ReturnType<typeof engines>>;
    const connect = async (headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
      const client = new Client({ name: 'http-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${d.url}/mcp`), { requestInit: { headers } }));
      return client;
    };
    const settings = async (change: (s: Body) => void) => {
      const s = (await (await d.request('/api/settings', { token })).json()) as Body;
      change(s);
      const res = await d.request('/api/settings', { method: 'PUT', token, json: s });
      expect(res.status).toBe(200);
    };
    const audit = async () =>
      ((await (await d.request('/api/logs/audit?q=mcp&limit=500', { token })).json()) as { lines: Body[] }).lines;

    beforeAll(async () => {
      env = await engines();
      const userHome = mkdtempSync(join(tmpdir(), 'titan-mcp-user-'));
      seedHome(userHome);
      d = await startDaemon(
        { ...env.settings, folders: { allowed: [], trash_days: 30, watch: false } },
        { HOME: userHome },
      );
      token = await d.login();
    }, 120_000);
    afterAll(async () => {
      await d?.stop();
      await env?.cleanup(d?.userHome ?? '');
      if (d) rmSync(d.userHome, { recursive: true, force: true });
    });

    it('lists and calls Titan’s tools with a token; escapes are refused and audited as mcp:http', async () => {
      const client = await connect();
      await commonChecks(client, d.userHome);
      await client.close();
      escapesAudited(await audit(), 'mcp:http');
    });

    it('needs a token, refuses foreign Origins and Hosts, and opens no stream', async () => {
      await expect(connect({})).rejects.toThrow();
      const init = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      const accept = 'application/json, text/event-stream';
      const bare = await d.request('/mcp', { method: 'POST', json: init, headers: { accept } });
      expect(bare.status).toBe(401);
      const bad = await d.request('/mcp', { method: 'POST', json: init, token: 'not.a.jwt', headers: { accept } });
      expect(bad.status).toBe(401);
      const foreign = await d.request('/mcp', {
        method: 'POST',
        token,
        json: init,
        headers: { accept, origin: 'http://evil.example' },
      });
      expect(foreign.status).toBe(403);
      expect(((await foreign.json()) as Body).error).toMatchObject({ code: 'bad_origin' });
      const rebound = await rawRequest(d.url, {
        method: 'POST',
        path: '/mcp',
        headers: { host: 'evil.example', authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
        body: JSON.stringify(init),
      });
      expect(rebound.status).toBe(403);
      expect((await d.request('/mcp', { token, headers: { accept: 'text/event-stream' } })).status).toBe(405);
      const spec = (await (await d.request('/openapi.json')).json()) as { paths: Record<string, Body> };
      expect(spec.paths['/mcp']?.post).toBeDefined();
      expect(spec.paths['/api/mcp/servers']?.get).toBeDefined();
    });

    it('runs "ask" tools only while mcp.allow_writes is on, and serves nothing while mcp.server_enabled is off', async () => {
      await settings((s) => {
        (s.mcp as Body).allow_writes = true;
      });
      const client = await connect();
      const wrote = await client.callTool({
        name: 'write_file',
        arguments: { path: 'Desktop/from-mcp.txt', content: 'written over MCP' },
      });
      expect(wrote.isError).toBeFalsy();
      expect(readFileSync(join(d.userHome, 'Desktop', 'from-mcp.txt'), 'utf8')).toBe('written over MCP');
      expect(
        (await audit()).some(
          (l) => l.tool === 'write_file' && l.outcome === 'ok' && l.allowed_by === 'mcp.allow_writes',
        ),
      ).toBe(true);
      await settings((s) => {
        (s.chat as { tools: Body }).tools.graph_query = 'never';
        (s.mcp as Body).allow_writes = false;
      });
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('graph_query');
      const never = await client.callTool({ name: 'graph_query', arguments: { entity: 'x' } });
      expect(never.isError).toBe(true);
      await client.close();

      await settings((s) => {
        (s.mcp as Body).server_enabled = false;
      });
      const off = await d.request('/mcp', {
        method: 'POST',
        token,
        json: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        headers: { accept: 'application/json, text/event-stream' },
      });
      expect(off.status).toBe(404);
      expect(((await off.json()) as Body).error).toMatchObject({ code: 'mcp_off' });
      await settings((s) => {
        (s.mcp as Body).server_enabled = true;
        (s.chat as { tools: Body }).tools.graph_query = 'auto';
      });
    });

    it('titan mcp relays to the running daemon with a token of its data dir, naming the client', async () => {
      const port = new URL(d.url).port;
      const { client, transport } = stdioClient({ TITAN_HOME: d.home, HOME: d.userHome, TITAN_PORT: port }, 'relay');
      let stderr = '';
      transport.stderr?.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      await client.connect(transport);
      const read = await client.callTool({ name: 'read_file', arguments: { path: 'Desktop/wifi.txt' } });
      expect(text(read)).toContain('lighthouse-42');
      const refused = await client.callTool({ name: 'read_file', arguments: { path: '/etc/passwd' } });
      expect(refused.isError).toBe(true);
      await client.close();
      expect(stderr).toContain(`relaying to the daemon at`);
      const lines = await audit();
      expect(lines.some((l) => l.who === 'mcp:relay' && l.tool === 'read_file' && l.outcome === 'ok')).toBe(true);
      expect(lines.some((l) => l.who === 'mcp:relay' && l.code === 'path_refused')).toBe(true);
    }, 60_000);
  });
}

httpSuite('embedded engines', async () => ({ settings: {}, cleanup: async () => {} }));
httpSuite('Redis + Postgres + Neo4j', () => serverEngines(10));

/** Resolves once `ok()` holds, checked after each change of the registry. */
function untilTools(tools: ToolRegistry, ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ok()) return resolve();
    const off = tools.onChange(() => {
      if (!ok()) return;
      off();
      resolve();
    });
  });
}

/** Resolves with the first app log line `match` accepts, from now on. */
function untilLog(d: TestDaemon, match: (l: LogLine) => boolean): Promise<LogLine> {
  return new Promise((resolve) => {
    const on = (l: LogLine) => {
      if (!match(l)) return;
      d.titan.logs.feed.off('line', on);
      resolve(l);
    };
    d.titan.logs.feed.on('line', on);
  });
}

describe('mcp: Titan as the client of an MCP server', () => {
  let d: TestDaemon;
  let model: FakeModelServer;
  let token: string;
  let dir: string;
  const pidFile = () => join(dir, 'pid');
  const onceFile = () => join(dir, 'once');
  const servers = async () =>
    ((await (await d.request('/api/mcp/servers', { token })).json()) as { servers: Body[] }).servers;

  beforeAll(async () => {
    model = await start({ structured: () => ({ text: 'not json' }) });
    dir = mkdtempSync(join(tmpdir(), 'titan-mcp-fixture-'));
    d = await startDaemon({
      model: {
        provider: 'openai-compatible',
        base_url: model.url,
        api_key: 'test-key',
        model: 'fake-chat',
        temperature: 0.3,
        max_tokens: 512,
      },
      folders: { allowed: [], trash_days: 30, watch: false },
      mcp: {
        server_enabled: true,
        allow_writes: false,
        servers: [
          {
            name: 'fixture',
            command: process.execPath,
            args: [ECHO_SERVER],
            env: { FIXTURE_PID_FILE: pidFile(), FIXTURE_ONCE_FILE: onceFile(), FIXTURE_TOKEN: 'sk-fixture-secret' },
            timeout_ms: 20_000,
          },
        ],
      },
    });
    token = await d.login();
    await untilTools(d.titan.tools, () => d.titan.tools.get('mcp_fixture_echo') !== undefined);
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
    await model?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers the server’s tools in chat with its schemas, read-only only where the server says so', async () => {
    expect(await servers()).toEqual([
      {
        name: 'fixture',
        transport: 'stdio',
        status: 'connected',
        tools: ['mcp_fixture_echo', 'mcp_fixture_add', 'mcp_fixture_note'],
        error: null,
        retry_at: null,
      },
    ]);
    expect(d.titan.tools.get('mcp_fixture_echo')?.risk).toBe('read');
    expect(d.titan.tools.get('mcp_fixture_note')?.risk).toBe('write');
    expect(d.titan.tools.ownerOf('mcp_fixture_add')).toBe('mcp:fixture');

    model.script(
      { reply: { toolCalls: [{ name: 'mcp_fixture_echo', arguments: { text: 'hello over MCP' } }] } },
      { reply: { text: 'It said hello.' } },
    );
    const conv = (await (
      await d.request('/api/chat/conversations', { method: 'POST', token, json: {} })
    ).json()) as Body;
    const res = await d.request(`/api/chat/conversations/${conv.id}/messages`, {
      method: 'POST',
      token,
      json: { text: 'Ask the fixture to echo hello' },
    });
    const events = await readSse(res);
    expect(events.find((e) => e.event === 'tool_call')?.data).toMatchObject({ approval: 'auto' });
    expect(events.find((e) => e.event === 'tool_result')?.data).toMatchObject({
      ok: true,
      name: 'mcp_fixture_echo',
      result: { text: 'echo: hello over MCP' },
    });
    const sent = model.requests.find(
      (r) => r.path === '/v1/chat/completions' && !('response_format' in (r.body as Body)),
    );
    const specs = ((sent?.body ?? {}) as { tools: { function: { name: string; parameters: Body } }[] }).tools;
    expect(specs.find((t) => t.function.name === 'mcp_fixture_add')?.function.parameters).toMatchObject({
      type: 'object',
      required: ['a', 'b'],
    });
    const add = await d.titan.tools
      .get('mcp_fixture_add')
      ?.run({ a: 2, b: 3 }, { signal: new AbortController().signal } as never);
    expect(add).toEqual({ result: { sum: 5 }, text: '5' });
  });

  it('masks the server’s env in the settings API and keeps it when the masked value comes back', async () => {
    const s = (await (await d.request('/api/settings', { token })).json()) as { mcp: { servers: Body[] } };
    expect(s.mcp.servers[0]?.env).toMatchObject({ FIXTURE_TOKEN: '********' });
    expect(JSON.stringify(s)).not.toContain('sk-fixture-secret');
    const pid = readFileSync(pidFile(), 'utf8');
    const res = await d.request('/api/settings', { method: 'PUT', token, json: s });
    expect(res.status).toBe(200);
    expect(readFileSync(join(d.home, 'settings.json'), 'utf8')).toContain('sk-fixture-secret');
    // Unchanged settings leave the connection alone: same process, still connected.
    expect(readFileSync(pidFile(), 'utf8')).toBe(pid);
    expect((await servers())[0]).toMatchObject({ status: 'connected' });
  });

  it('withdraws a killed server’s tools, shows why its restarts fail, and takes it back when it starts again', async () => {
    const withdrawn = untilTools(d.titan.tools, () => d.titan.tools.get('mcp_fixture_echo') === undefined);
    const refusedRestart = untilLog(
      d,
      (l) => l.msg === 'mcp server unavailable' && String(l.error).includes('refusing to start again'),
    );
    process.kill(Number(readFileSync(pidFile(), 'utf8')), 'SIGKILL');
    await withdrawn;
    const [lost] = await servers();
    expect(lost).toMatchObject({ status: 'error', tools: [], error: expect.stringContaining('closed') });

    await refusedRestart;
    const [failing] = await servers();
    expect(failing).toMatchObject({ status: 'error', error: expect.stringContaining('refusing to start again') });
    expect(Date.parse(String(failing?.retry_at))).toBeGreaterThan(0);

    const back = untilTools(d.titan.tools, () => d.titan.tools.get('mcp_fixture_echo') !== undefined);
    rmSync(onceFile());
    await back;
    expect((await servers())[0]).toMatchObject({ status: 'connected', error: null });
  }, 60_000);

  it('closes a server removed from settings and withdraws its tools', async () => {
    const withdrawn = untilTools(d.titan.tools, () => d.titan.tools.get('mcp_fixture_echo') === undefined);
    const s = (await (await d.request('/api/settings', { token })).json()) as { mcp: { servers: Body[] } };
    s.mcp.servers = [];
    expect((await d.request('/api/settings', { method: 'PUT', token, json: s })).status).toBe(200);
    await withdrawn;
    expect(await servers()).toEqual([]);
  });
});
