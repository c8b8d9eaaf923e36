// titan doctor against the real services and the fake model server: every check passes on a good setup; a bad key,
// a taken port, a missing folder, an unreachable service and invalid settings each fail with their fix.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runDoctor } from '../../daemon/cli/doctor.ts';
import { bufferIo } from '../../daemon/cli/io.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { startDaemon } from '../helpers/daemon.ts';
import { openTestDb } from '../helpers/memoryDb.ts';

const KEY = 'sk-doctor-good-key';
const dirs: string[] = [];
let model: FakeModelServer;

beforeAll(async () => {
  model = await start({ apiKey: KEY });
});
afterAll(async () => {
  await model.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data dir with these settings and a home with the allowed folder present. */
function setup(settings: Record<string, unknown>): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'titan-doctor-'));
  dirs.push(home);
  mkdirSync(join(home, 'Desktop'));
  mkdirSync(join(home, 'data'));
  writeFileSync(join(home, 'data', 'settings.json'), JSON.stringify(settings));
  return { ...process.env, HOME: home, TITAN_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, '.config') };
}

async function doctor(env: NodeJS.ProcessEnv) {
  const io = bufferIo(env);
  const results = await runDoctor(io);
  const by = (name: string) => results.filter((r) => r.name === name);
  return { results, text: io.text(), by, one: (name: string) => by(name)[0] };
}

const base = (home: string) => ({
  server: { host: '127.0.0.1', port: 0 },
  folders: { allowed: [join(home, 'Desktop')], trash_days: 30, watch: false },
  model: { provider: 'openai-compatible', base_url: model.url, api_key: KEY, model: 'gpt-test' },
});
const homeOf = (env: NodeJS.ProcessEnv) => env.HOME as string;

describe('titan doctor', () => {
  it('passes every check on the server engines with a good model key', async () => {
    const { postgres, neo4j, redis } = inject('services');
    const db = await openTestDb('postgres', postgres.url);
    await db.sql.close();
    try {
      const env = setup({});
      writeFileSync(
        join(env.TITAN_HOME as string, 'settings.json'),
        JSON.stringify({
          ...base(homeOf(env)),
          services: {
            redis: { url: `${redis.url}/11` },
            postgres: { url: db.url },
            neo4j: { url: neo4j.url, user: neo4j.user, password: neo4j.password },
          },
        }),
      );
      const d = await doctor(env);
      expect(d.results.filter((r) => r.status !== 'ok')).toEqual([]);
      expect(d.results.map((r) => r.name)).toEqual([
        'settings',
        'data folder',
        'port',
        'folder',
        'redis',
        'postgres',
        'neo4j',
        'model',
      ]);
      expect(d.one('redis')?.detail).toMatch(/answers PONG$/);
      expect(d.one('postgres')?.detail).toMatch(/answers; pgvector \d/);
      expect(d.text).toMatch(/^✓ settings: .*settings\.json is valid$/m);
      const ask = model.requests.findLast((r) => r.path === '/v1/models');
      expect(ask?.headers.authorization).toBe(`Bearer ${KEY}`);
    } finally {
      await db.drop();
    }
  });

  it('names a refused API key, skips the services that are not configured, and skips a model turned off', async () => {
    const env = setup({});
    const settings = base(homeOf(env));
    writeFileSync(
      join(env.TITAN_HOME as string, 'settings.json'),
      JSON.stringify({ ...settings, model: { ...settings.model, api_key: 'sk-wrong' } }),
    );
    const d = await doctor(env);
    expect(d.one('model')).toMatchObject({
      status: 'failed',
      fix: 'the API key was refused: set model.api_key in Settings → Model',
    });
    expect(d.text).toContain('✗ model: ');
    expect(d.text).toContain('    fix: the API key was refused: set model.api_key in Settings → Model');
    expect(d.one('redis')).toMatchObject({
      status: 'skipped',
      detail: 'not configured: the embedded bus and cache are used',
    });
    expect(d.one('postgres')?.status).toBe('skipped');

    writeFileSync(
      join(env.TITAN_HOME as string, 'settings.json'),
      JSON.stringify({ ...settings, model: { ...settings.model, provider: 'none' } }),
    );
    expect((await doctor(env)).one('model')?.status).toBe('skipped');
  });

  it('fails unreachable services with a fix, each within its timeout', async () => {
    const closed: Server = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const env = setup({});
    writeFileSync(
      join(env.TITAN_HOME as string, 'settings.json'),
      JSON.stringify({
        ...base(homeOf(env)),
        services: {
          redis: { url: `redis://127.0.0.1:${port}` },
          postgres: { url: `postgres://titan:x@127.0.0.1:${port}/titan` },
          neo4j: { url: `bolt://127.0.0.1:${port}`, user: 'neo4j', password: 'x' },
        },
      }),
    );
    const d = await doctor(env);
    for (const name of ['redis', 'postgres', 'neo4j']) {
      expect(d.one(name), name).toMatchObject({ status: 'failed' });
      expect(d.one(name)?.fix).toMatch(/titan services up/);
    }
    expect(d.one('postgres')?.detail).toMatch(/ECONNREFUSED/);
  });

  it('tells a port held by a Titan from one held by another program, and names a missing folder', async () => {
    const titan = await startDaemon();
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const env = setup({});
      const home = homeOf(env);
      const write = (port: number) =>
        writeFileSync(
          join(env.TITAN_HOME as string, 'settings.json'),
          JSON.stringify({
            ...base(home),
            server: { host: '127.0.0.1', port },
            folders: { allowed: [join(home, 'Desktop'), join(home, 'Gone')], trash_days: 30, watch: false },
          }),
        );
      write(Number(new URL(titan.url).port));
      let d = await doctor(env);
      expect(d.one('port')).toMatchObject({ status: 'ok' });
      expect(d.one('port')?.detail).toMatch(/a Titan \d+\.\d+\.\d+ is already running there$/);
      expect(d.by('folder').map((r) => r.status)).toEqual(['ok', 'failed']);
      expect(d.by('folder')[1]?.detail).toBe(`${join(home, 'Gone')}: the folder does not exist`);

      write((blocker.address() as { port: number }).port);
      d = await doctor(env);
      expect(d.one('port')).toMatchObject({ status: 'failed' });
      expect(d.one('port')?.detail).toMatch(/is in use by another program$/);
    } finally {
      blocker.close();
      await titan.stop();
    }
  }, 120_000);

  it('as a command: lists each bad setting, stops there, and exits 1', async () => {
    const env = setup({ server: { port: 'eighty' }, colour: 'blue' });
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', join(import.meta.dirname, '..', '..', 'daemon', 'main.ts'), 'doctor'],
      { env: { ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(out).toMatch(/^✗ settings: .*settings\.json is not valid:$/m);
    expect(out).toContain('      - colour: unknown key — remove it or check its spelling');
    expect(out).toMatch(/fix: correct those keys in/);
    expect(out).not.toMatch(/^. port:/m);
    expect(out).toContain('1 check(s) failed.');
  });
});
