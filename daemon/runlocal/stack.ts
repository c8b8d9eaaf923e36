// Run Local's docker compose driver: up (with health waiting, a reachability check, optional migration of the
// embedded engines' data, and the settings switched to the services), down, and status.

import { type DataEngines, existingData, exportData, importData } from '../cli/backupData.ts';
import { checkNeo4j, checkPostgres, checkRedis } from '../cli/doctorChecks.ts';
import type { Settings } from '../config/schema.ts';
import type { SettingsStore } from '../config/settingsStore.ts';
import { openEngines } from '../storage/engines.ts';
import { composeFile, ensureEnvFile, envFileOf, readEnvFile, servicesFor } from './composeFiles.ts';
import { type DockerStatus, docker, dockerStatus } from './docker.ts';
import { RunLocalError } from './runLocalError.ts';

export const SERVICES = ['redis', 'postgres', 'neo4j'] as const;

export const WHAT_DOCKER_ADDS =
  'With Docker, Run Local adds Redis Streams (the event bus and cache), Postgres + pgvector (the database and ' +
  'vector search) and Neo4j (the knowledge graph) as services of their own: larger stores, tools of their own ' +
  'to inspect them, and data kept in Docker volumes.';

export function withoutDocker(problem: string): string {
  return `${problem}: Titan uses its embedded engines (PGlite, the in-process bus and cache, the graph in SQL). ${WHAT_DOCKER_ADDS}`;
}

export interface ServiceState {
  service: string;
  state: string;
  health: string;
}

export interface StackDeps {
  env: NodeJS.ProcessEnv;
  settings: SettingsStore;
  progress: (line: string) => void;
  /** The engines in use now, whose data `up --migrate` copies (the daemon's own, or opened by the CLI). */
  source?: () => Promise<DataEngines>;
  /** How long to wait for the services to become healthy. Default 5 minutes. */
  healthTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** `docker compose ps --format json` prints one JSON array (older Compose) or one object per line (newer). */
export function parsePs(stdout: string): ServiceState[] {
  const text = stdout.trim();
  if (!text) return [];
  const rows = (text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l))) as Record<
    string,
    unknown
  >[];
  return rows.map((r) => ({
    service: String(r.Service ?? r.Name ?? ''),
    state: String(r.State ?? ''),
    health: String(r.Health ?? ''),
  }));
}

const healthy = (s: ServiceState) => s.health === 'healthy' || (s.health === '' && s.state === 'running');

async function compose(deps: StackDeps, dataDir: string): Promise<string[]> {
  const status = await dockerStatus(deps.env);
  if (!status.available)
    throw new RunLocalError('docker_unavailable', withoutDocker(status.problem ?? 'Docker is not available'));
  const file = composeFile(deps.env);
  if (!file) {
    throw new RunLocalError(
      'compose_missing',
      'the compose/ folder with docker-compose.yml was not found: set TITAN_COMPOSE_DIR to it',
    );
  }
  return ['compose', '-f', file, '--env-file', ensureEnvFile(dataDir).file, '-p', 'titan'];
}

export async function psStates(deps: StackDeps, base: string[]): Promise<ServiceState[]> {
  const r = await docker([...base, 'ps', '--all', '--format', 'json'], deps.env, undefined, 30_000);
  if (r.code !== 0) return [];
  try {
    return parsePs(r.stdout);
  } catch {
    return [];
  }
}

export interface UpResult {
  services: Settings['services'];
  migrated: { memories: number; rows: number } | null;
  restart_required: boolean;
}

async function waitHealthy(deps: StackDeps, base: string[]): Promise<void> {
  const deadline = Date.now() + (deps.healthTimeoutMs ?? 5 * 60_000);
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (;;) {
    const states = (await psStates(deps, base)).filter((s) => (SERVICES as readonly string[]).includes(s.service));
    deps.progress(
      `health: ${SERVICES.map((n) => `${n} ${states.find((s) => s.service === n)?.health || states.find((s) => s.service === n)?.state || 'missing'}`).join(', ')}`,
    );
    if (SERVICES.every((n) => states.some((s) => s.service === n && healthy(s)))) return;
    if (Date.now() > deadline) {
      throw new RunLocalError(
        'not_healthy',
        'the services did not become healthy in time: see `docker compose logs` in compose/',
      );
    }
    await sleep(2000);
  }
}

async function migrate(deps: StackDeps, next: Settings): Promise<UpResult['migrated']> {
  if (!deps.source) return null;
  deps.progress('copying the data from the embedded engines to the services…');
  const target = await openEngines(next, deps.settings.dir);
  try {
    const dst = { sql: target.sql, neo4j: target.neo4j, settings: next };
    const existing = await existingData(dst);
    if (Object.keys(existing).length) {
      deps.progress(
        `the services already hold data (${Object.entries(existing)
          .map(([t, n]) => `${n} in ${t}`)
          .join(', ')}): nothing copied`,
      );
      return null;
    }
    const { data } = await exportData(await deps.source());
    const done = await importData(dst, data);
    const rows = Object.values(done.tables).reduce((a, b) => a + b, 0);
    deps.progress(`copied ${done.memory.memories} memories, ${done.memory.relations} relations and ${rows} rows`);
    return { memories: done.memory.memories, rows };
  } finally {
    await target.close();
  }
}

export async function up(deps: StackDeps, opts: { migrate: boolean }): Promise<UpResult> {
  const base = await compose(deps, deps.settings.dir);
  deps.progress('starting Redis, Postgres and Neo4j with docker compose (the first time downloads their images)…');
  const r = await docker([...base, 'up', '-d', '--wait', ...SERVICES], deps.env, deps.progress);
  if (r.code !== 0) {
    const tail = `${r.stderr}${r.stdout}`.trim().split('\n').slice(-3).join(' / ');
    throw new RunLocalError('compose_failed', `docker compose up failed (exit ${r.code}): ${tail}`);
  }
  await waitHealthy(deps, base);
  const services = servicesFor(readEnvFile(envFileOf(deps.settings.dir)));
  const checks = [
    await checkRedis(services.redis),
    await checkPostgres(services.postgres),
    await checkNeo4j(services.neo4j),
  ];
  for (const c of checks) deps.progress(`${c.status === 'ok' ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  const bad = checks.find((c) => c.status !== 'ok');
  if (bad) throw new RunLocalError('not_reachable', `${bad.name} is running but Titan cannot reach it: ${bad.detail}`);
  const next = { ...deps.settings.get(), services };
  const migrated = opts.migrate ? await migrate(deps, next) : null;
  const { restartRequired } = deps.settings.update(next);
  deps.progress('the settings now use the services: restart Titan to switch to them');
  return { services, migrated, restart_required: restartRequired.includes('services') };
}

export async function down(deps: StackDeps): Promise<{ still_configured: boolean }> {
  const base = await compose(deps, deps.settings.dir);
  deps.progress('stopping Redis, Postgres and Neo4j (their data stays in Docker volumes)…');
  const r = await docker([...base, 'down'], deps.env, deps.progress);
  if (r.code !== 0) throw new RunLocalError('compose_failed', `docker compose down failed (exit ${r.code})`);
  const ours = JSON.stringify(servicesFor(readEnvFile(envFileOf(deps.settings.dir))));
  const still = JSON.stringify(deps.settings.get().services) === ours;
  if (still)
    deps.progress(
      'Titan’s settings still point at these services: start them again, or switch Services back to embedded',
    );
  return { still_configured: still };
}

export interface StackStatus {
  docker: DockerStatus;
  message: string;
  compose_file: string | null;
  services: ServiceState[];
  /** Titan's settings point at the Run Local services. */
  in_use: boolean;
  what_docker_adds: string;
}

export async function status(deps: Pick<StackDeps, 'env' | 'settings'>): Promise<StackStatus> {
  const d = await dockerStatus(deps.env);
  const file = composeFile(deps.env);
  const values = readEnvFile(envFileOf(deps.settings.dir));
  const inUse =
    Object.keys(values).length > 0 &&
    JSON.stringify(deps.settings.get().services) === JSON.stringify(servicesFor(values));
  const services =
    d.available && file
      ? await psStates({ ...deps, progress: () => {} }, [
          'compose',
          '-f',
          file,
          '--env-file',
          envFileOf(deps.settings.dir),
          '-p',
          'titan',
        ])
      : [];
  const message = !d.available
    ? withoutDocker(d.problem ?? 'Docker is not available')
    : !file
      ? `Docker ${d.version} is running, but the compose/ folder was not found: set TITAN_COMPOSE_DIR`
      : `Docker ${d.version} is running: Run Local can start Redis, Postgres and Neo4j`;
  return { docker: d, message, compose_file: file, services, in_use: inUse, what_docker_adds: WHAT_DOCKER_ADDS };
}
