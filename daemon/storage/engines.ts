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

  return {
    sql,
    redis,
    neo4j,
    async health() {
      const sqlStatus = await probe(sql.engine, sqlTarget, () => sql.query('SELECT 1'));
      const redisStatus = redis ? await probe('redis', redisTarget, () => redis.ping()) : null;
      const graph = neo4j
        ? await probe('neo4j', new URL(services.neo4j?.url ?? '').host, () =>
            neo4j.executeQuery('RETURN 1', {}, { database: 'neo4j' }),
          )
        : { ...sqlStatus, engine: `sql-graph (${sql.engine})` };
      return {
        sql: sqlStatus,
        bus: redisStatus
          ? { ...redisStatus, engine: 'redis-streams' }
          : { ...sqlStatus, engine: `embedded (${sql.engine})` },
        graph,
        cache: redisStatus ? { ...redisStatus } : { engine: 'in-process', target: 'memory', ok: true, latency_ms: 0 },
      };
    },
    async close() {
      await Promise.allSettled([sql.close(), redis?.quit(), neo4j?.close()]);
    },
  };
}
