// Creates the ioredis client for the configured Redis: a URL (redis:// or rediss:// with a CA file), Sentinel, or Cluster.
import { readFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import type { Settings } from '../config/schema.ts';

export type RedisConfig = NonNullable<Settings['services']['redis']>;
export type RedisClient = Redis | Cluster;

const hostPort = (s: string) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

/**
 * `role` names the connection in CLIENT LIST. Commands fail fast while disconnected
 * (no offline queue growing without bound) and the client keeps reconnecting by itself.
 */
export function createRedis(cfg: RedisConfig, role: string): RedisClient {
  const common = {
    connectionName: `titan:${role}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    // While Redis is down a command is refused after maxRetriesPerRequest reconnect attempts: with the delay capped
    // at 500 ms (ioredis: up to 2 s) and a bounded connect, that is ~1.5 s — a quick 503, not a wait.
    retryStrategy: (times: number) => Math.min(times * 100, 500),
    connectTimeout: 3000,
  };
  if ('url' in cfg) {
    const tls = cfg.url.startsWith('rediss://') ? { tls: cfg.ca_file ? { ca: readFileSync(cfg.ca_file) } : {} } : {};
    return new Redis(cfg.url, { ...common, ...tls });
  }
  if ('sentinel' in cfg) {
    return new Redis({
      ...common,
      // After a failover the old master turns replica: reconnect (to the new master) and resend the command.
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
      // Follow +switch-master at once rather than writing to the demoted master until it drops us (writes lost).
      failoverDetector: true,
      maxRetriesPerRequest: 20,
      sentinels: cfg.sentinel.nodes.map(hostPort),
      name: cfg.sentinel.name,
      ...(cfg.sentinel.password ? { password: cfg.sentinel.password } : {}),
    });
  }
  return new Cluster(cfg.cluster.nodes.map(hostPort), {
    redisOptions: { ...common, ...(cfg.cluster.password ? { password: cfg.cluster.password } : {}) },
  });
}

export function describeRedis(cfg: RedisConfig): string {
  if ('url' in cfg) {
    const u = new URL(cfg.url);
    return `${u.protocol}//${u.host}`;
  }
  if ('sentinel' in cfg) return `sentinel ${cfg.sentinel.name} via ${cfg.sentinel.nodes.join(',')}`;
  return `cluster ${cfg.cluster.nodes.join(',')}`;
}
