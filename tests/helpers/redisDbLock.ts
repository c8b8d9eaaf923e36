// Lets several test files share one Redis database index (each file's daemon would otherwise read the others' events
// in the same consumer groups): a file holds the database while its server-engine daemon runs, starting it empty.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { serverEngines } from './serverEngines.ts';

const KEY = 'titan-test:db-lock';
/** A holder that crashed frees the database after this long. */
const HOLD_MS = 10 * 60_000;
const POLL_MS = 250;

/** Waits for the database, empties it and returns its release. */
export async function lockRedisDb(db: number): Promise<() => Promise<void>> {
  const redis = new Redis(`${inject('services').redis.url}/${db}`, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const me = randomUUID();
  while ((await redis.set(KEY, me, 'PX', HOLD_MS, 'NX')) !== 'OK') {
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // The streams of the previous holder's daemon: a new daemon must see only its own events.
  await redis.flushdb();
  await redis.set(KEY, me, 'PX', HOLD_MS);
  return async () => {
    if ((await redis.get(KEY)) === me) await redis.del(KEY);
    redis.disconnect();
  };
}

/** serverEngines(db) held with lockRedisDb(db) for the daemon's lifetime: its cleanup releases the database. */
export async function lockedServerEngines(
  db: number,
): Promise<{ settings: Record<string, unknown>; cleanup(userHome: string): Promise<void> }> {
  const release = await lockRedisDb(db);
  try {
    const engines = await serverEngines(db);
    return {
      settings: engines.settings,
      async cleanup(userHome) {
        try {
          await engines.cleanup(userHome);
        } finally {
          await release();
        }
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
