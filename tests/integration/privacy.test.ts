// Privacy: a daemon used broadly, under a recorder hooked into its socket layer (tests/helpers/netRecorder.ts), talks
// only to the model endpoint, its configured services, itself, and the releases API once the update check is on; it
// asks DNS for no name but loopback ones, and listens on loopback only — on the embedded and the server engines.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { serverEngines } from '../helpers/serverEngines.ts';
import {
  type ChildDaemon,
  exerciseDaemon,
  expectStatus,
  modelSettings,
  RECORDER,
  startChildDaemon,
} from '../helpers/titanSession.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FAKE_DOCKER = join(ROOT, 'tests', 'fixtures', 'fake-docker');

interface Rec {
  pid: number;
  kind: 'connect' | 'listen' | 'dns' | 'udp' | 'spawn' | 'marker' | 'start';
  argv?: string[];
  host?: string;
  port?: number;
  path?: string;
  name?: string;
  file?: string;
  args?: string[];
}

/** A releases API that counts the requests it gets. */
async function fakeReleases() {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ tag_name: 'v0.0.1', html_url: 'http://127.0.0.1/r', published_at: '2025-01-02T03:04:05Z' }),
    );
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, hits: () => hits, stop: () => server.close() };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);
const isLoopback = (host: string) => LOOPBACK_NAMES.has(host) || host.startsWith('127.') || host === '::ffff:127.0.0.1';

/** The host:port of a service URL (redis://…, postgres://…, bolt://…), with the scheme's default port. */
function hostPort(url: string, defaultPort: number): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || defaultPort}`;
}
/** Loopback spelled either way is one destination. */
const normal = (dest: string) => dest.replace(/^(localhost|::1|\[::1\]):/, '127.0.0.1:');

/** /proc/net/{tcp,tcp6,udp,udp6} by socket inode: addresses decoded from the kernel's hex. */
function socketTable(): Map<string, { proto: string; local: string; remote: string; state: string }> {
  const decode = (hex: string) => {
    const [addr = '', port = '0'] = hex.split(':');
    let ip: string;
    if (addr.length === 8) ip = (Buffer.from(addr, 'hex').reverse().toJSON().data as number[]).join('.');
    else {
      const words = addr.match(/.{8}/g) ?? [];
      const bytes = Buffer.concat(words.map((w) => Buffer.from(w, 'hex').reverse()));
      ip = bytes.subarray(0, 12).equals(Buffer.from('00000000000000000000ffff', 'hex'))
        ? [...bytes.subarray(12)].join('.')
        : (bytes.toString('hex').match(/.{4}/g) ?? []).join(':').replace(/(^|:)0{1,3}/g, '$1');
    }
    return `${ip}:${Number.parseInt(port, 16)}`;
  };
  const table = new Map<string, { proto: string; local: string; remote: string; state: string }>();
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const lines = readFileSync(`/proc/net/${proto}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      table.set(f[9] as string, {
        proto,
        local: decode(f[1] as string),
        remote: decode(f[2] as string),
        state: f[3] as string,
      });
    }
  }
  return table;
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parents) if (pp === tree[i]) tree.push(p);
  return tree;
}

/** The IP sockets the daemon and its children hold now, read from the kernel (plugins' too, which no hook sees). */
function openSockets(pid: number) {
  const table = socketTable();
  const found: { pid: number; proto: string; local: string; remote: string; state: string }[] = [];
  for (const p of processTree(pid)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${p}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      const sock = inode ? table.get(inode) : undefined;
      if (sock) found.push({ pid: p, ...sock });
    }
  }
  return found;
}
const hostOf = (addr: string) => addr.slice(0, addr.lastIndexOf(':'));

interface Engines {
  settings: Record<string, unknown>;
  /** host:port of each configured service. */
  services: string[];
  cleanup?(userHome: string): Promise<void>;
}

function privacySuite(name: string, engines: () => Promise<Engines>) {
  describe(`privacy: ${name}`, () => {
    let model: FakeModelServer;
    let releases: Awaited<ReturnType<typeof fakeReleases>>;
    let d: ChildDaemon;
    let services: string[] = [];
    let recordFile = '';
    let cleanup: () => Promise<void> = async () => {};
    const records = (): Rec[] =>
      existsSync(recordFile)
        ? readFileSync(recordFile, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Rec)
        : [];
    const sockets: ReturnType<typeof openSockets> = [];

    beforeAll(async () => {
      model = await start({ structured: () => ({ text: 'not json' }) });
      releases = await fakeReleases();
      const eng = await engines();
      services = eng.services;
      const dir = mkdtempSync(join(tmpdir(), 'titan-net-'));
      recordFile = join(dir, 'net.jsonl');
      d = await startChildDaemon({
        recordTo: recordFile,
        env: { PATH: `${FAKE_DOCKER}${delimiter}${process.env.PATH}`, FAKE_DOCKER_LOG: join(dir, 'docker.log') },
        settings: {
          ...eng.settings,
          ...modelSettings(model, 'sk-test-privacy'),
          update: { check: false, auto: false, repository: 'titan/titan', api_url: releases.url, cache_ttl_min: 0 },
          plugins: { dirs: [join(ROOT, 'plugins')] },
          triggers: {
            rules: [
              {
                id: 'desk',
                enabled: true,
                topic: 'fs.v1',
                event_type: 'file.created',
                path_glob: 'Desktop/**',
                action: { type: 'notify' },
              },
            ],
          },
          mcp: {
            servers: [
              {
                name: 'fixture',
                command: process.execPath,
                args: [join(ROOT, 'tests', 'fixtures', 'mcp', 'echoServer.ts')],
                // The MCP server is recorded too: the recorder rides along in its Node options.
                env: { NODE_OPTIONS: `--import=${RECORDER}`, TITAN_NET_RECORD: recordFile },
              },
            ],
          },
        },
      });
      cleanup = async () => {
        await eng.cleanup?.(d.userHome);
      };
      await exerciseDaemon(d, model);
      sockets.push(...openSockets(d.child.pid as number));
    }, 240_000);

    afterAll(async () => {
      await d?.stop();
      await cleanup();
      d?.remove();
      releases?.stop();
      await model?.stop();
      if (recordFile) rmSync(dirname(recordFile), { recursive: true, force: true });
    });

    it('makes no update request while the check is off, and one to the configured API once it is on', async () => {
      const off = expectStatus(await d.call('/api/update/check'), 200);
      expect(off.status).toBe('disabled');
      expect(releases.hits()).toBe(0);
      expect(records().filter((r) => r.kind === 'connect' && r.port === releases.port)).toEqual([]);

      appendFileSync(recordFile, `${JSON.stringify({ kind: 'marker' })}\n`);
      const settings = expectStatus(await d.call('/api/settings'), 200);
      const put = await d.call('/api/settings', {
        method: 'PUT',
        json: { ...settings, update: { ...(settings.update as object), check: true } },
      });
      expectStatus(put, 200);
      const on = expectStatus(await d.call('/api/update/check'), 200);
      expect(on.status).not.toBe('disabled');
      expect(releases.hits()).toBe(1);
    });

    it('connects only to the model, its services, itself and (after it was turned on) the update API', async () => {
      const all = records();
      const marker = all.findIndex((r) => r.kind === 'marker');
      const daemonPort = new URL(d.url).port;
      const allowed = new Set([normal(hostPort(model.url, 80)), `127.0.0.1:${daemonPort}`, ...services.map(normal)]);
      const unexpected = all
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.kind === 'connect' || r.kind === 'udp')
        .filter(({ r, i }) => {
          if (r.path !== undefined) return false; // a Unix socket: no network (checked below)
          const dest = normal(`${r.host}:${r.port}`);
          if (allowed.has(dest)) return false;
          return !(r.port === releases.port && marker >= 0 && i > marker);
        })
        .map(({ r }) => r);
      expect(unexpected).toEqual([]);
      // It did use the model: the set above is not vacuously small.
      expect(
        all.some((r) => r.kind === 'connect' && normal(`${r.host}:${r.port}`) === normal(hostPort(model.url, 80))),
      ).toBe(true);
      expect(all.filter((r) => r.kind === 'connect' && r.path !== undefined)).toEqual([]);
    });

    it('asks DNS for loopback names only', () => {
      const names = new Set(
        records()
          .filter((r) => r.kind === 'dns')
          .map((r) => r.name ?? ''),
      );
      expect([...names].filter((n) => !(isLoopback(n) || (isIP(n) && isLoopback(n))))).toEqual([]);
    });

    it('listens on loopback only and holds no connection elsewhere (kernel view, plugins and MCP servers included)', () => {
      const listening = sockets.filter(
        (s) => s.state === '0A' || (s.proto.startsWith('udp') && s.remote.endsWith(':0')),
      );
      expect(listening.length).toBeGreaterThan(0);
      expect(listening.filter((s) => !isLoopback(hostOf(s.local)))).toEqual([]);
      const established = sockets.filter((s) => s.state === '01');
      expect(established.filter((s) => !isLoopback(hostOf(s.remote)))).toEqual([]);
      const listens = records().filter((r) => r.kind === 'listen' && r.path === null);
      expect(listens.filter((r) => !isLoopback(String(r.host)))).toEqual([]);
    });

    it('starts only Node (plugins, MCP servers) and the docker CLI — no package manager, no downloader', () => {
      const started = records().filter((r) => r.kind === 'spawn');
      const programs = new Set(started.map((r) => String(r.file)));
      const expected = new Set([process.execPath, 'docker', join(FAKE_DOCKER, 'docker')]);
      expect([...programs].filter((p) => !expected.has(p))).toEqual([]);
      expect(started.some((r) => r.file === process.execPath)).toBe(true);
      // The recorder rode along into the MCP server, so its silence above means it made no connection.
      expect(records().some((r) => r.kind === 'start' && r.argv?.some((a) => a.endsWith('echoServer.ts')))).toBe(true);
    });
  });
}

privacySuite('embedded engines', async () => ({ settings: {}, services: [] }));

privacySuite('server engines', async () => {
  const engines = await serverEngines(12);
  const { redis, postgres, neo4j } = inject('services');
  return {
    settings: engines.settings,
    services: [hostPort(redis.url, 6379), hostPort(postgres.url, 5432), hostPort(neo4j.url, 7687)],
    cleanup: engines.cleanup,
  };
});
