// Cold-start catch-up: re-appends, with their original ids, the snapshotted entries a stream no longer has because
// they are newer than its last entry (after a wiped Redis or a fresh embedded store: all of them).
//
// Consumer groups are not in snapshots. After a restore, subscribers re-create their groups with their `start` option:
// "all" handles every restored entry again (idempotent handlers skip those they had done within their dedup window),
// "new" skips them. Dead letters discarded or requeued after their snapshot come back into the DLQ.
import type { Topic } from './event.ts';
import type { Keys } from './keys.ts';
import { DEFAULT_STREAM_LIMITS } from './options.ts';
import { decodeLines, type SnapshotObject, snapshotObjects, snapshotStreams } from './snapshotFormat.ts';
import type { SnapshotStore } from './snapshotStore.ts';
import { compareIds } from './streamIds.ts';
import type { Transport } from './transport.ts';

export interface RestoreOptions {
  /** The cap each restored stream is appended with (XADD MAXLEN ~). Default: 100,000 for every topic. */
  maxlen?: (topic: Topic) => number;
}

/** Entries re-appended per stream (0 where the stream already had everything). */
export type RestoredCounts = Record<string, number>;

/** Streams are restored one after another, each oldest entry first, so trimming by maxlen drops the oldest. */
export async function restoreFromSnapshots(
  transport: Transport,
  keys: Keys,
  store: SnapshotStore,
  opts: RestoreOptions = {},
): Promise<RestoredCounts> {
  const maxlenOf = opts.maxlen ?? (() => DEFAULT_STREAM_LIMITS.maxlen);
  const counts: RestoredCounts = {};
  for (const { stream, topic } of snapshotStreams(keys)) {
    const objects = snapshotObjects(stream, await store.list(`${stream}/`));
    const missing = await objectsAfterTop(transport, stream, objects);
    counts[stream] = await appendObjects(transport, store, stream, missing, maxlenOf(topic));
  }
  return counts;
}

/**
 * The objects that may hold entries newer than the stream's last one. Walking back from the newest, the search ends
 * at the first object by which the stream has every snapshotted id (it has an entry at or after the highest last id
 * so far): on a normal restart that is one range query per stream.
 */
async function objectsAfterTop(transport: Transport, stream: string, objects: SnapshotObject[]) {
  // Objects of a run retried after a lost cursor overlap, so "the highest last id so far" rather than the object's own.
  const reach: string[] = [];
  for (const o of objects) {
    const before = reach.at(-1);
    reach.push(before && compareIds(before, o.lastId) > 0 ? before : o.lastId);
  }
  let from = objects.length;
  while (from > 0) {
    const covered = await transport.range(stream, reach[from - 1] as string, '+', 1);
    if (covered.length > 0) break;
    from--;
  }
  return objects.slice(from);
}

async function appendObjects(
  transport: Transport,
  store: SnapshotStore,
  stream: string,
  objects: SnapshotObject[],
  maxlen: number,
): Promise<number> {
  let restored = 0;
  // The newest id this restore put in the stream: objects of a retried run may overlap, and their repeats are skipped.
  let top: string | null = null;
  for (const object of objects) {
    const text = (await store.get(object.name)) ?? '';
    for (const { id, data } of decodeLines(text, `${store.prefix}/${object.name}`)) {
      if (top !== null && compareIds(id, top) <= 0) continue;
      if (!(await appendKeepingId(transport, stream, data, maxlen, id))) continue;
      top = id;
      restored++;
    }
  }
  return restored;
}

/** False when the stream already reaches past `id` (the object straddling the stream's last entry). */
async function appendKeepingId(transport: Transport, stream: string, data: string, maxlen: number, id: string) {
  try {
    await transport.append(stream, data, maxlen, id);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'id_too_small') return false;
    throw err;
  }
}
