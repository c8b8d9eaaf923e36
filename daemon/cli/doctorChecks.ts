// The checks `titan doctor` runs, in order, each answering ok/failed/skipped with what it saw and how to fix it.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { modelTarget } from '../chat/modelFailures.ts';
import type { Settings } from '../config/schema.ts';
import { allowedRoots, rootStatus } from '../files/roots.ts';
import { createNeo4j } from '../storage/neo4jClient.ts';
import { openPostgresSql } from '../storage/postgresSql.ts';
import { createRedis, describeRedis } from '../storage/redisClient.ts';

export const CHECK_TIMEOUT_MS = 3000;

export interface CheckResult {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  fix?: string;
}

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const failed = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'failed', detail, fix });
const skipped = (name: string, detail: string): CheckResult => ({ name, status: 'skipped', detail });

async function within<T>(ms: number, what: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      what,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const reason = (err: unknown) => {
  const e = err as Error & { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? (e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message);
};

export function checkDataDir(dir: string): CheckResult {
  const probe = join(dir, `.doctor-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return ok('data folder', `${dir} is writable`);
  } catch (err) {
    return failed(
      'data folder',
      `${dir} cannot be written (${reason(err)})`,
      'give your user write access to it, or point TITAN_HOME at a folder you own',
    );
  }
}

/** Free, or taken — by a Titan (its /api/health says so) or by something else. */
export async function checkPort(s: Settings['server']): Promise<CheckResult> {
  const name = 'port';
  if (s.port === 0) return ok(name, 'server.port is 0: a free port is picked at start');
  const free = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const srv = createServer();
    srv.once('error', (err) => resolve(err));
    srv.listen(s.port, s.host, () => srv.close(() => resolve(null)));
  });
  if (!free) return ok(name, `${s.host}:${s.port} is free`);
  if (free.code !== 'EADDRINUSE') {
    return failed(
      name,
      `${s.host}:${s.port} cannot be used (${free.code})`,
      'choose another server.port in Settings → Server',
    );
  }
  try {
    const res = await fetch(`http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}/api/health`, {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    const body = (await res.json()) as { version?: unknown; engines?: unknown };
    if (typeof body.version === 'string' && body.engines) {
      return ok(name, `${s.host}:${s.port} is in use: a Titan ${body.version} is already running there`);
    }
  } catch {
    // Not a Titan: fall through.
  }
  return failed(
    name,
    `${s.host}:${s.port} is in use by another program`,
    'stop that program, or choose another server.port in Settings → Server (or start with TITAN_PORT=<port>)',
  );
}

export function checkFolders(s: Settings, env: NodeJS.ProcessEnv): CheckResult[] {
  const roots = rootStatus(allowedRoots(s.folders.allowed, env));
  if (roots.length === 0) return [failed('folders', 'no allowed folder', 'add one in Settings → Folders')];
  return roots.map((r) =>
    r.problem
      ? failed(
          'folder',
          `${r.path}: ${r.problem}`,
          s.folders.allowed.length
            ? 'create it, or remove it from folders.allowed in Settings → Folders'
            : 'create it, or list the folders Titan may use in Settings → Folders',
        )
      : ok('folder', `${r.path} is present`),
  );
}

export async function checkRedis(s: Settings['services']['redis']): Promise<CheckResult> {
  if (!s) return skipped('redis', 'not configured: the embedded bus and cache are used');
  const client = createRedis(s, 'doctor');
  client.on('error', () => {});
  try {
    const pong = await within(CHECK_TIMEOUT_MS, client.ping());
    return ok('redis', `${describeRedis(s)} answers ${pong}`);
  } catch (err) {
    return failed(
      'redis',
      `${describeRedis(s)} does not answer (${reason(err)})`,
      'start Redis (titan services up, or make services), check services.redis, or set it to null to use the embedded bus',
    );
  } finally {
    client.disconnect();
  }
}

export async function checkPostgres(s: Settings['services']['postgres']): Promise<CheckResult> {
  if (!s) return skipped('postgres', 'not configured: the embedded database (PGlite) is used');
  const u = new URL(s.url);
  const target = `${u.host}${u.pathname}`;
  const sql = openPostgresSql(s.url, { max: 1 });
  try {
    await within(CHECK_TIMEOUT_MS, sql.query('SELECT 1'));
    const ext = await within(
      CHECK_TIMEOUT_MS,
      sql.query<{ installed: string | null }>(
        "SELECT installed_version AS installed FROM pg_available_extensions WHERE name = 'vector'",
      ),
    );
    if (ext.length === 0) {
      return failed(
        'postgres',
        `${target} answers, but has no pgvector extension`,
        'install pgvector on that server (the pgvector/pgvector:pg16 image has it), or use titan services up',
      );
    }
    return ok('postgres', `${target} answers; pgvector ${ext[0]?.installed ?? 'available (created at start)'}`);
  } catch (err) {
    return failed(
      'postgres',
      `${target} does not answer (${reason(err)})`,
      'start Postgres (titan services up, or make services), check services.postgres.url, or set it to null to use the embedded database',
    );
  } finally {
    await sql.close().catch(() => {});
  }
}

export async function checkNeo4j(s: Settings['services']['neo4j']): Promise<CheckResult> {
  if (!s) return skipped('neo4j', 'not configured: the graph lives in the SQL store');
  const driver = createNeo4j(s);
  const host = new URL(s.url).host;
  try {
    await within(CHECK_TIMEOUT_MS, driver.verifyConnectivity());
    return ok('neo4j', `${host} answers`);
  } catch (err) {
    return failed(
      'neo4j',
      `${host} does not answer (${reason(err)})`,
      'start Neo4j (titan services up, or make services), check services.neo4j (URL, user, password), or set it to null',
    );
  } finally {
    await driver.close().catch(() => {});
  }
}

/** GET {base}/models with the key: a refused key is named as such; a server without a model list still counts. */
export async function checkModel(s: Settings['model']): Promise<CheckResult> {
  const name = 'model';
  if (s.provider === 'none') return skipped(name, 'the chat model is turned off (provider "none")');
  let target: ReturnType<typeof modelTarget>;
  try {
    target = modelTarget(s);
  } catch (err) {
    return failed(name, 'not set up', (err as Error).message);
  }
  let res: Response;
  try {
    res = await fetch(`${target.baseUrl}/models`, {
      headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS * 2),
    });
  } catch (err) {
    return failed(
      name,
      `${target.baseUrl} is not reachable (${reason(err)})`,
      'check your network, or model.base_url in Settings → Model',
    );
  }
  if (res.status === 401 || res.status === 403) {
    return failed(
      name,
      `${target.baseUrl} refused the API key (HTTP ${res.status})`,
      'the API key was refused: set model.api_key in Settings → Model',
    );
  }
  if (res.status === 404) return ok(name, `${target.baseUrl} accepted the key (it lists no models)`);
  if (!res.ok) {
    return failed(
      name,
      `${target.baseUrl}/models answered HTTP ${res.status}`,
      'try again later, or check model.base_url in Settings → Model',
    );
  }
  const list = (await res.json().catch(() => null)) as { data?: { id?: unknown }[] } | null;
  const ids = (list?.data ?? []).map((m) => m.id);
  if (ids.length > 0 && !ids.includes(target.model)) {
    return failed(
      name,
      `${target.baseUrl} does not offer the model "${target.model}"`,
      `choose one it offers in Settings → Model (e.g. ${ids.slice(0, 3).join(', ')})`,
    );
  }
  return ok(name, `${target.baseUrl} accepted the key; model "${target.model}"`);
}
