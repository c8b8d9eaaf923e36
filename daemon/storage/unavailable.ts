// Tells a storage service that cannot be reached (Postgres, Redis, Neo4j down or cut off) from any other failure,
// so the HTTP layer answers 503 `service_unavailable` with the one message below instead of a 500.

export type Service = 'Postgres' | 'Redis' | 'Neo4j';

/** The message every 503 of an unreachable service carries: which one, where, and that Titan keeps retrying. */
export function unreachableMessage(service: Service, target: string): string {
  return `${service} is not reachable at ${target}: Titan retries; check that it is running`;
}

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** postgres.js's own codes for a connection that failed, closed or was ended under a query. */
const PG_CLIENT_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);
/** SQLSTATE class 08 (connection exception) and the server shutting down or starting (57P01–57P03). */
const PG_STATES = /^(08|57P0[1-3])/;

/** A postgres.js error meaning the server is gone (not a bad query). */
export function isPostgresConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return NET_CODES.has(code) || PG_CLIENT_CODES.has(code) || PG_STATES.test(code);
}

/** ioredis rejecting a command because it has no connection (it keeps reconnecting by itself). */
function isRedisConnectionError(err: Error): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    err.name === 'ClusterAllFailedError' ||
    err.message === 'Connection is closed.' ||
    err.message.startsWith("Stream isn't writeable")
  );
}

/** neo4j-driver's codes for "no server to talk to" (its own retries are already spent). */
function isNeo4jConnectionError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return err.name === 'Neo4jError' && (code === 'ServiceUnavailable' || code === 'SessionExpired');
}

/** The message of a 503 when `err` (or one of its causes) says a storage service cannot be reached; else null. */
export function outageOf(err: unknown, targets: { redis: string | null; neo4j: string | null }): string | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === 'sql_unavailable') return e.message;
    if (targets.redis && isRedisConnectionError(e)) return unreachableMessage('Redis', targets.redis);
    if (targets.neo4j && isNeo4jConnectionError(e)) return unreachableMessage('Neo4j', targets.neo4j);
  }
  return null;
}
