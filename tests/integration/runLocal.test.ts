// Run Local: without a Docker engine (this machine: a docker CLI, no engine) the API and CLI explain that the embedded
// engines are in use; with a fake `docker` on PATH that records its calls, up runs compose, waits for health, copies
// the embedded data into the real test Postgres and Neo4j, and switches the settings; down stops the stack.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../daemon/cli/index.ts';
import { bufferIo } from '../../daemon/cli/io.ts';
import { SettingsStore } from '../../daemon/config/settingsStore.ts';
import { RunLocalError } from '../../daemon/runlocal/runLocalError.ts';
import { status, up } from '../../daemon/runlocal/stack.ts';
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { openPostgresSql } from '../../daemon/storage/postgresSql.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { openTestDb, type TestDb } from '../helpers/memoryDb.ts';

const FAKE = resolve(import.meta.dirname, '..', 'fixtures', 'fake-docker');
const COMPOSE = resolve(import.meta.dirname, '..', '..', 'compose', 'docker-compose.yml');
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'titan-runlocal-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

function fakeEnv(log: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: `${FAKE}${delimiter}${process.env.PATH}`, FAKE_DOCKER_LOG: log, ...extra };
}

/** The recorded docker calls, each as its argument list. */
const calls = (log: string) =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/\t$/, '').split('\t'));

async function until<T>(probe: () => Promise<T>, done: (t: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Run Local without a Docker engine', () => {
  let d: TestDaemon;
  let token: string;
  beforeAll(async () => {
    d = await startDaemon();
    token = await d.login();
  }, 120_000);
  afterAll(() => d?.stop());

  it('says the embedded engines are in use and what Docker would add; up is refused with that explanation', async () => {
    const res = await d.request('/api/services/local', { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json & { docker: Json; message: string };
    expect(body.docker.available).toBe(false);
    expect(body.message).toMatch(
      /^Docker is (not installed|installed but its engine is not running .*): Titan uses its embedded engines/,
    );
    expect(body.message).toContain('With Docker, Run Local adds Redis Streams');
    expect(body.services).toEqual([]);
    const refused = await d.request('/api/services/local/up', { method: 'POST', token, json: {} });
    expect(refused.status).toBe(409);
    const err = (await refused.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('docker_unavailable');
    expect(err.error.message).toBe(body.message);
  });

  it('titan services up and status exit 1 with the same explanation', async () => {
    const home = temp();
    const env = { ...process.env, TITAN_HOME: home, HOME: home };
    const upRun = bufferIo(env);
    expect(await runCli(['services', 'up'], upRun)).toBe(1);
    expect(upRun.text()).toMatch(/^titan: Docker is .*: Titan uses its embedded engines/);
    const st = bufferIo(env);
    expect(await runCli(['services', 'status'], st)).toBe(1);
    expect(st.text()).toContain('With Docker, Run Local adds');
    expect(await runCli(['services', 'sideways'], bufferIo(env))).toBe(2);
  });
});

describe('Run Local with a (fake) Docker engine', () => {
  const { postgres, neo4j, redis } = inject('services');
  let db: TestDb;
  let d: TestDaemon;
  let token: string;
  let log: string;
  const marker = `rl${Date.now().toString(36)}`;

  beforeAll(async () => {
    db = await openTestDb('postgres', postgres.url);
    log = join(temp(), 'docker.log');
    writeFileSync(log, '');
    d = await startDaemon({ folders: { allowed: [], trash_days: 30, watch: false } }, fakeEnv(log));
    token = await d.login();
    // The stack's env file, pointing at the real test services as if compose had started them there.
    const pg = new URL(db.url as string);
    mkdirSync(join(d.home, 'runlocal'));
    writeFileSync(
      join(d.home, 'runlocal', 'compose.env'),
      [
        'REDIS_PASSWORD=',
        `REDIS_PORT=${new URL(redis.url).port}`,
        `POSTGRES_PASSWORD=${decodeURIComponent(pg.password)}`,
        `POSTGRES_USER=${pg.username}`,
        `POSTGRES_DB=${pg.pathname.slice(1)}`,
        `POSTGRES_PORT=${pg.port}`,
        `NEO4J_PASSWORD=${neo4j.password}`,
        `NEO4J_BOLT_PORT=${new URL(neo4j.url).port}`,
        'GRAFANA_PASSWORD=unused',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await d?.stop();
    await db?.sql.close();
    await db?.drop();
    const driver = createNeo4j(neo4j);
    await driver.executeQuery(
      'MATCH (n:Entity) WHERE n.name ENDS WITH $m DETACH DELETE n',
      { m: marker },
      { database: 'neo4j' },
    );
    await driver.close();
  });

  it('up runs compose, waits for health, copies the embedded data, and switches the settings; down stops it', async () => {
    await d.request('/api/memory/embeddings', {
      method: 'POST',
      token,
      json: { texts: [`The ${marker} lighthouse is in Porto`] },
    });
    await d.request('/api/memory/graph', {
      method: 'POST',
      token,
      json: {
        relations: [
          {
            from: { name: `Keeper ${marker}`, type: 'person' },
            to: { name: `Porto ${marker}`, type: 'place' },
            type: 'works_in',
          },
        ],
      },
    });
    const st = (await (await d.request('/api/services/local', { token })).json()) as Json & { docker: Json };
    expect(st.docker).toEqual({ available: true, version: '27.3.1-fake', problem: null });
    expect(st.message).toBe('Docker 27.3.1-fake is running: Run Local can start Redis, Postgres and Neo4j');
    expect(st.services).toHaveLength(3);
    expect(st.in_use).toBe(false);

    const started = await d.request('/api/services/local/up', { method: 'POST', token, json: { migrate: true } });
    expect(started.status).toBe(202);
    const job = (await started.json()) as Json;
    expect(job.state).toBe('running');
    // A second one while the first runs is refused.
    const again = await d.request('/api/services/local/up', { method: 'POST', token, json: {} });
    expect(again.status).toBe(409);
    const done = await until(
      async () =>
        (await (await d.request(`/api/services/local/jobs/${job.id}`, { token })).json()) as Json & { lines: string[] },
      (j) => j.state !== 'running',
      'the up job',
    );
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    expect(done.lines).toEqual(
      expect.arrayContaining([
        'Container titan-postgres-1  Healthy',
        'health: redis healthy, postgres healthy, neo4j healthy',
        expect.stringMatching(/^✓ postgres: 127\.0\.0\.1:\d+\/\w+ answers; pgvector/),
        expect.stringMatching(/^copied [1-9]\d* memories, [1-9]\d* relations and \d+ rows$/),
        'the settings now use the services: restart Titan to switch to them',
      ]),
    );
    expect(done.result).toMatchObject({ restart_required: true });

    const envFile = join(d.home, 'runlocal', 'compose.env');
    const base = ['compose', '-f', COMPOSE, '--env-file', envFile, '-p', 'titan'];
    const recorded = calls(log);
    expect(recorded).toContainEqual(['version', '--format', '{{.Server.Version}}']);
    expect(recorded).toContainEqual([...base, 'up', '-d', '--wait', 'redis', 'postgres', 'neo4j']);
    expect(recorded).toContainEqual([...base, 'ps', '--all', '--format', 'json']);

    const file = JSON.parse(readFileSync(join(d.home, 'settings.json'), 'utf8')) as { services: Json };
    expect(file.services).toEqual({
      redis: { url: `redis://127.0.0.1:${new URL(redis.url).port}` },
      postgres: { url: db.url },
      neo4j: { url: `bolt://127.0.0.1:${new URL(neo4j.url).port}`, user: 'neo4j', password: neo4j.password },
    });
    // The data is in the services now.
    const target = openPostgresSql(db.url as string, { max: 1 });
    try {
      const rows = await target.query<{ text: string }>('SELECT text FROM memories WHERE text LIKE $1', [
        `%${marker}%`,
      ]);
      expect(rows.map((r) => r.text)).toEqual([`The ${marker} lighthouse is in Porto`]);
    } finally {
      await target.close();
    }
    const driver = createNeo4j(neo4j);
    try {
      const { records } = await driver.executeQuery(
        'MATCH (a:Entity {name: $a})-[r:RELATES {type: $t}]->(b:Entity {name: $b}) RETURN count(r) AS n',
        { a: `Keeper ${marker}`, b: `Porto ${marker}`, t: 'works_in' },
        { database: 'neo4j' },
      );
      expect(Number(records[0]?.get('n'))).toBe(1);
    } finally {
      await driver.close();
    }
    expect(((await (await d.request('/api/services/local', { token })).json()) as Json).in_use).toBe(true);

    const stop = (await (await d.request('/api/services/local/down', { method: 'POST', token })).json()) as Json;
    const stopped = await until(
      async () => (await (await d.request(`/api/services/local/jobs/${stop.id}`, { token })).json()) as Json,
      (j) => j.state !== 'running',
      'the down job',
    );
    expect(stopped).toMatchObject({ state: 'done', result: { still_configured: true } });
    expect(calls(log)).toContainEqual([...base, 'down']);
  });

  it('waits while the services start, and gives up when they never become healthy', async () => {
    const home = temp();
    const env = {
      ...process.env,
      ...fakeEnv(join(home, 'docker.log'), { FAKE_DOCKER_STARTING: '2' }),
      TITAN_HOME: home,
      HOME: home,
    };
    writeFileSync(join(home, 'docker.log'), '');
    const settings = new SettingsStore(env);
    mkdirSync(join(home, 'runlocal'));
    // Unreachable ports: the wait is what is tested here, then the reachability check fails.
    writeFileSync(
      join(home, 'runlocal', 'compose.env'),
      'REDIS_PASSWORD=\nREDIS_PORT=1\nPOSTGRES_PASSWORD=x\nPOSTGRES_PORT=1\nNEO4J_PASSWORD=x\nNEO4J_BOLT_PORT=1\nGRAFANA_PASSWORD=x\n',
    );
    const lines: string[] = [];
    let slept = 0;
    const deps = { env, settings, progress: (l: string) => lines.push(l), sleep: async () => void slept++ };
    const err = await up(deps, { migrate: false }).catch((e: unknown) => e);
    expect(lines.filter((l) => l.startsWith('health:'))).toEqual([
      'health: redis starting, postgres starting, neo4j starting',
      'health: redis starting, postgres starting, neo4j starting',
      'health: redis healthy, postgres healthy, neo4j healthy',
    ]);
    expect(slept).toBe(2);
    expect(err).toBeInstanceOf(RunLocalError);
    expect((err as RunLocalError).code).toBe('not_reachable');
    // Nothing switched when the services cannot be reached.
    expect(settings.get().services.postgres).toBeNull();

    const never = { ...deps, env: { ...env, FAKE_DOCKER_STARTING: '1000' }, healthTimeoutMs: 0 };
    const late = await up(never, { migrate: false }).catch((e: unknown) => e);
    expect((late as RunLocalError).code).toBe('not_healthy');
  });

  it('titan services status lists the compose services', async () => {
    const home = temp();
    const env = { ...process.env, ...fakeEnv(join(home, 'docker.log')), TITAN_HOME: home, HOME: home };
    const out = bufferIo(env);
    expect(await runCli(['services', 'status'], out)).toBe(0);
    expect(out.text()).toContain('Docker 27.3.1-fake is running');
    expect(out.text()).toContain('  postgres: running (healthy)');
    expect((await status({ env, settings: new SettingsStore(env) })).compose_file).toBe(COMPOSE);
  });
});
