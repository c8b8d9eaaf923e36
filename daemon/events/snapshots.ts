// Bus snapshots in the daemon: when settings bus.snapshots name an endpoint and a bucket, catch up from the bucket at
// start-up (before anything subscribes); new stream entries are written by the scheduler's bus-snapshot job (one
// place for when things run, with run history and no overlap).
import type { Topic } from '../../bus/event.ts';
import type { Keys } from '../../bus/keys.ts';
import {
  restoreFromSnapshots,
  type SnapshotCounts,
  SnapshotError,
  SnapshotStore,
  Snapshotter,
} from '../../bus/snapshots.ts';
import type { Transport } from '../../bus/transport.ts';
import type { Settings } from '../config/schema.ts';
import type { Logs } from '../logs/logs.ts';

export interface BusSnapshots {
  /** A snapshot now (joins one already running). */
  run(): Promise<SnapshotCounts>;
  /** Ends the timed runs, waits for one in progress and closes the S3 client. */
  stop(): Promise<void>;
}

/** The bucket of the settings, or null while snapshots are off (no endpoint or no bucket). */
export function snapshotStoreOf(settings: Settings): SnapshotStore | null {
  const s = settings.bus.snapshots;
  if (!s.endpoint || !s.bucket) return null;
  return new SnapshotStore({
    endpoint: s.endpoint,
    bucket: s.bucket,
    region: s.region,
    accessKeyId: s.access_key_id,
    secretAccessKey: s.secret_access_key,
    forcePathStyle: s.force_path_style,
  });
}

const nonZero = (counts: SnapshotCounts) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
const total = (counts: SnapshotCounts) => Object.values(counts).reduce((a, b) => a + b, 0);
const failure = (err: unknown) => ({
  err: (err as Error)?.message ?? String(err),
  reason: err instanceof SnapshotError ? err.reason : undefined,
});

/**
 * Null while snapshots are off. A failed catch-up is logged and start-up goes on: the bus works without it, and the
 * next start tries again. Settings are read once: changing bus.snapshots takes effect after a restart.
 */
export async function startBusSnapshots(
  settings: Settings,
  transport: Transport,
  keys: Keys,
  maxlen: (topic: Topic) => number,
  logs: Logs,
): Promise<BusSnapshots | null> {
  const store = snapshotStoreOf(settings);
  if (!store) return null;
  const where = { endpoint: store.endpoint, bucket: store.bucket };
  try {
    const restored = await restoreFromSnapshots(transport, keys, store, { maxlen });
    if (total(restored) > 0) logs.app.info({ ...where, restored: nonZero(restored) }, 'bus: caught up from snapshots');
  } catch (err) {
    logs.app.warn({ ...where, ...failure(err) }, 'bus: could not catch up from snapshots; going on without them');
  }
  const snapshotter = new Snapshotter(transport, keys, {
    store,
    onRun: (counts, ms) => {
      if (total(counts) === 0) logs.app.debug({ ms }, 'bus snapshot: nothing new');
      else logs.app.info({ written: nonZero(counts), total: total(counts), ms }, 'bus snapshot written');
    },
    onError: (err) => logs.app.warn({ ...where, ...failure(err) }, 'bus snapshot failed; the next run tries again'),
  });
  logs.app.info(where, 'bus snapshots on: written by the scheduler job bus-snapshot (scheduler.jobs)');
  return {
    run: () => snapshotter.run(),
    async stop() {
      await snapshotter.stop();
      store.close();
    },
  };
}
