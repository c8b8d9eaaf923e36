// Opens the daemon's bus on the engine the settings chose: Redis Streams when Redis is configured, else the embedded Sql log;
// with snapshots on, the streams first catch up from the bucket.
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { Bus } from '../../bus/bus.ts';
import type { Topic } from '../../bus/event.ts';
import { keysFor } from '../../bus/keys.ts';
import { promBusMetrics } from '../../bus/metrics.ts';
import { type BusOptions, limitsOf, type StreamLimits, withDefaults } from '../../bus/options.ts';
import { evictionPolicyWarning, RedisTransport } from '../../bus/redisTransport.ts';
import { SqlTransport } from '../../bus/sqlTransport.ts';
import { ulid } from '../../bus/ulid.ts';
import type { Settings } from '../config/schema.ts';
import type { Logs } from '../logs/logs.ts';
import type { Engines } from '../storage/engines.ts';
import type { Sql } from '../storage/sql.ts';
import { type BusSnapshots, startBusSnapshots } from './snapshots.ts';

/** The bus limits and weights of the settings, in the bus's own terms. */
export function busOptionsOf(settings: Settings): Pick<BusOptions, 'streams' | 'priorityWeights' | 'globalRateLimit'> {
  const streams: Partial<Record<Topic, StreamLimits>> = {};
  for (const s of settings.bus.streams)
    streams[s.name] = { maxlen: s.maxlen, rate_limit: s.rate_limit, retry_limit: s.retry_limit };
  return { streams, priorityWeights: settings.bus.priority_weights, globalRateLimit: settings.bus.global_rate_limit };
}

/** This data dir's instance name, kept in titan_meta: stable across restarts (so pending work is drained), unique per install. */
export async function instanceIdOf(sql: Sql): Promise<string> {
  const candidate = `${hostname()}-${ulid().slice(-10).toLowerCase()}`;
  await sql.query(`INSERT INTO titan_meta (key, value) VALUES ('instance_id', $1) ON CONFLICT (key) DO NOTHING`, [
    JSON.stringify(candidate),
  ]);
  const [row] = await sql.query<{ value: string }>(`SELECT value FROM titan_meta WHERE key = 'instance_id'`);
  return row?.value ?? candidate;
}

export interface OpenedBus {
  bus: Bus;
  /** Null while bus.snapshots is off; stop it before closing the bus. */
  snapshots: BusSnapshots | null;
}

export async function openBus(
  settings: Settings,
  engines: Engines,
  logs: Logs,
  registry: Registry,
): Promise<OpenedBus> {
  const { redis, sql } = engines;
  const onError = (err: unknown, what: string) =>
    logs.app.warn({ err: (err as Error)?.message ?? String(err), what }, 'bus: a step failed and will be retried');
  const options = {
    ...busOptionsOf(settings),
    instanceId: await instanceIdOf(sql),
    // A handler that finds Postgres, Redis or Neo4j down waits for it instead of spending the event's retries.
    isOutage: (err: unknown) => engines.outage(err) !== null,
  };
  if (redis) {
    const warning = await evictionPolicyWarning(redis).catch(() => null);
    if (warning) logs.app.warn({ warning }, 'bus: Redis may evict streams');
  }
  const cfg = settings.services.redis;
  // With Sentinel, publish waits for a replica (default 1) so an event whose id was returned survives a failover.
  const replicas = cfg && 'sentinel' in cfg ? (cfg.sentinel.wait_replicas ?? 1) : 0;
  const waitReplicas = replicas > 0 ? { count: replicas, timeoutMs: 2000 } : undefined;
  const transport = redis ? new RedisTransport({ client: redis, waitReplicas }) : new SqlTransport(sql);
  const openReader = () => (redis ? new RedisTransport({ client: redis }) : new SqlTransport(sql));
  const bus = new Bus({ transport, openReader, onError }, options);
  const metrics = promBusMetrics(registry, async () => ({
    pending: await bus.pendingCounts(),
    dlq: await bus.dlqLength(),
  }));
  bus.setMetrics(metrics);
  // Nothing has subscribed yet, so groups created from now on see the restored entries (or skip them, with "new").
  const resolved = withDefaults(options);
  const snapshots = await startBusSnapshots(
    settings,
    transport,
    keysFor(resolved.prefix),
    (topic) => limitsOf(resolved, topic).maxlen,
    logs,
  );
  return { bus, snapshots };
}
