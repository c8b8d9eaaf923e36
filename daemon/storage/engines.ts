// Decides once, from the settings, which engine serves each concern, opens it, and reports whether it answers.
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import type { Settings } from '../config/schema.ts';
import { migrate } from './migrate.ts';
import { createNeo4j } from './neo4jClient.ts';
import { openPgliteSql } from './pgliteSql.ts';
import { openPostgresSql } from './postgresSql.ts';
import { createRedis, describeRedis, type RedisClient } from './redisClient.ts';
import { type Sql, SqlUnavailableError } from './sql.ts';
import { outageOf } from './unavailable.ts';

export type Concern = 'sql' | 'bus' | 'graph' | 'cache';

export interface EngineStatus {
  engine: string;
  target: string;
  ok: boolean;
  latency_ms: number;
  error?: string;
}

export interface Engines {
  sql: Sql;
  redis: RedisClient | null;
  neo4j: Driver | null;
  health(): Promise<Record<Concern, EngineStatus>>;
  /** The 503 message when `err` says one of these services cannot be reached (it is retried); else null. */
  outage(err: unknown): string | null;
  close(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 2000;

async function probe(engine: string, target: string, fn: () => Promise<unknown>): Promise<EngineStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      }),
    ]);
    return { engine, target, ok: true, latency_ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return {
      engine,
      target,
      ok: false,
      latency_ms: Math.round(performance.now() - started),
      error: (err as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

function postgresTarget(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

export async function openEngines(settings: Settings, dataDir: string): Promise<Engines> {
  const { services } = settings;
  let sql: Sql;
  if (services.postgres) {
    sql = openPostgresSql(services.postgres.url);
  } else {
    sql = await openPgliteSql(join(dataDir, 'db'));
  }
  const sqlTarget = services.postgres ? postgresTarget(services.postgres.url) : join(dataDir, 'db');
  try {
    await migrate(sql);
  } catch (err) {
    await sql.close().catch(() => {});
    const e = err as Error;
    throw new SqlUnavailableError(
      services.postgres
        ? `Postgres at ${sqlTarget} could not be prepared (${e.message}): start it (make services, or docker compose in compose/) or remove services.postgres from the settings to use the embedded database`
        : `the embedded database in ${sqlTarget} could not be opened (${e.message})`,
      { cause: err },
    );
  }
  const redis = services.redis ? createRedis(services.redis, 'core') : null;
  // An unreachable Redis is reported by health and retried by ioredis; it must not crash the daemon.
  redis?.on('error', () => {});
  const neo4j = services.neo4j ? createNeo4j(services.neo4j) : null;
  const redisTarget = services.redis ? describeRedis(services.redis) : 'in-process';
  const neo4jTarget = services.neo4j ? new URL(services.neo4j.url).host : null;

  return {
    sql,
    redis,
    neo4j,
    async health() {
      // In parallel: with every service down, health still answers within one probe timeout.
      const [sqlStatus, redisStatus, neo4jStatus] = await Promise.all([
        probe(sql.engine, sqlTarget, () => sql.query('SELECT 1')),
        redis ? probe('redis', redisTarget, () => redis.ping()) : null,
        neo4j
          ? probe('neo4j', neo4jTarget ?? '', () => neo4j.executeQuery('RETURN 1', {}, { database: 'neo4j' }))
          : null,
      ]);
      const graph = neo4jStatus ?? { ...sqlStatus, engine: `sql-graph (${sql.engine})` };
      return {
        sql: sqlStatus,
        bus: redisStatus
          ? { ...redisStatus, engine: 'redis-streams' }
          : { ...sqlStatus, engine: `embedded (${sql.engine})` },
        graph,
        cache: redisStatus ? { ...redisStatus } : { engine: 'in-process', target: 'memory', ok: true, latency_ms: 0 },
      };
    },
    outage: (err) => outageOf(err, { redis: redis ? redisTarget : null, neo4j: neo4jTarget }),
    async close() {
      await Promise.allSettled([sql.close(), redis?.quit(), neo4j?.close()]);
    },
  };
}
